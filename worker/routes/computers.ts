import { createRoute } from "@hono/zod-openapi";
import { ComputerIdParam, ComputerList, ComputerResponse, UpdateComputerRequest } from "../../protocol/api";
import { requireUser } from "../auth/session-cookie";
import { openDb } from "../db/client";
import { ApiError } from "../errors";
import { deleteComputer, deleteShare, findVisibleComputer, listVisibleComputers, updateComputer } from "../queries/computers";
import { toComputerDto } from "./dto";
import { errors, jsonBody, jsonResponse, router } from "./openapi";

const notFound = () => new ApiError("not_found", "No such computer in your list.");
const security = [{ session: [] }];

export const computerRoutes = router();
computerRoutes.use("/computers", requireUser);
computerRoutes.use("/computers/*", requireUser);

computerRoutes
  .openapi(
    createRoute({
      method: "get",
      path: "/computers",
      operationId: "listComputers",
      tags: ["Computers"],
      summary: "Computers the user owns or that are shared with them (F2.1)",
      security,
      responses: { 200: jsonResponse(ComputerList, "The list, sorted by name."), 401: errors[401] },
    }),
    async (c) => {
      const rows = await listVisibleComputers(openDb(c.env.DB), c.get("user").id);
      return c.json({ computers: rows.map(toComputerDto) }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/computers/{id}",
      operationId: "getComputer",
      tags: ["Computers"],
      summary: "One computer",
      security,
      request: { params: ComputerIdParam },
      responses: { 200: jsonResponse(ComputerResponse, "The computer."), 400: errors[400], 401: errors[401], 404: errors[404] },
    }),
    async (c) => {
      const computer = await findVisibleComputer(openDb(c.env.DB), c.get("user").id, c.req.valid("param").id);
      if (!computer) throw notFound();
      return c.json({ computer: toComputerDto(computer) }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "patch",
      path: "/computers/{id}",
      operationId: "updateComputer",
      tags: ["Computers"],
      summary: "Rename a computer or set its group (F2.10); owner only",
      security,
      request: { params: ComputerIdParam, body: jsonBody(UpdateComputerRequest) },
      responses: {
        200: jsonResponse(ComputerResponse, "The updated computer."),
        400: errors[400],
        401: errors[401],
        403: errors[403],
        404: errors[404],
      },
    }),
    async (c) => {
      const db = openDb(c.env.DB);
      const userId = c.get("user").id;
      const { id } = c.req.valid("param");
      const computer = await findVisibleComputer(db, userId, id);
      if (!computer) throw notFound();
      if (computer.access !== "owner") throw new ApiError("forbidden", "Only the owner can change this computer's settings.");
      const body = c.req.valid("json");
      await updateComputer(db, id, { name: body.name, groupName: body.group });
      return c.json({ computer: toComputerDto((await findVisibleComputer(db, userId, id))!) }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/computers/{id}",
      operationId: "deleteComputer",
      tags: ["Computers"],
      summary: "Remove a computer from the list (F2.16)",
      description: "The owner removes the computer for everyone; a user it was shared with removes only their share.",
      security,
      request: { params: ComputerIdParam },
      responses: { 204: { description: "Removed." }, 400: errors[400], 401: errors[401], 404: errors[404] },
    }),
    async (c) => {
      const db = openDb(c.env.DB);
      const userId = c.get("user").id;
      const { id } = c.req.valid("param");
      const computer = await findVisibleComputer(db, userId, id);
      if (!computer) throw notFound();
      if (computer.access === "owner") await deleteComputer(db, id);
      else await deleteShare(db, id, userId);
      return c.body(null, 204);
    },
  );
