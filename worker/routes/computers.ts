import { createRoute } from "@hono/zod-openapi";
import {
  ComputerIdParam,
  ComputerList,
  ComputerResponse,
  FavoriteRequest,
  SystemInfoResponse,
  UpdateComputerRequest,
} from "../../protocol/api";
import { requireUser, sessionToken } from "../auth/session-cookie";
import { cutOffComputer, endLiveSessions } from "../computers/cut-off";
import { notifyComputerChanged, notifyComputerRemoved } from "../computers/notify";
import { screenshotKey } from "../computers/screenshot-key";
import { openDb, type Db } from "../db/client";
import { ApiError } from "../errors";
import { sha256Hex } from "../lib/bytes";
import { seal } from "../lib/seal";
import { settleAll } from "../lib/settle";
import {
  deleteComputer,
  findScreenshotKey,
  findSystemInfo,
  findVisibleComputer,
  sessionComputers,
  updateComputer,
  type ComputerPatch,
  type VisibleComputer,
} from "../queries/computers";
import { deleteShareOf, setFavorite } from "../queries/sharing";
import { listenersWhoSee } from "../queries/listeners";
import { toComputerDto } from "./dto";
import { errors, jsonBody, jsonResponse, router } from "./openapi";

export const security = [{ session: [] }];

/** The computer if the user may see it; 404 otherwise (the same as for one that does not exist). */
export async function visibleOr404(db: Db, userId: string, computerId: string): Promise<VisibleComputer> {
  const computer = await findVisibleComputer(db, userId, computerId);
  if (!computer) throw new ApiError("not_found", "No such computer in your list.");
  return computer;
}

export function assertOwner(computer: VisibleComputer, what: string): void {
  if (computer.access !== "owner") throw new ApiError("forbidden", `Only the owner can ${what}.`);
}

export const computerRoutes = router();
// The list (GET /computers) checks its session itself, in the same D1 round trip as the list:
// "/computers/*" would match "/computers" too (Hono's wildcard also matches the bare prefix) and
// cost the cabinet's hottest read a second round trip; ":id" needs a segment.
computerRoutes.use("/computers/:id/*", requireUser);

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
      const now = Date.now();
      const token = sessionToken(c);
      const found = token && (await sessionComputers(openDb(c.env.DB), await sha256Hex(token), now));
      if (!found) throw new ApiError("unauthenticated", "Sign in to continue.");
      return c.json({ computers: found.computers.map((r) => toComputerDto(r, now)) }, 200);
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
      const computer = await visibleOr404(openDb(c.env.DB), c.get("user").id, c.req.valid("param").id);
      return c.json({ computer: toComputerDto(computer) }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "patch",
      path: "/computers/{id}",
      operationId: "updateComputer",
      tags: ["Computers"],
      summary: "Change a computer's settings (F2.10, F2.11 public access); owner only",
      description: "Credentials are write-only: they are sealed with AES-GCM and never returned; `null` removes them.",
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
      assertOwner(await visibleOr404(db, userId, id), "change this computer's settings");
      const body = c.req.valid("json");
      const patch: ComputerPatch = {
        name: body.name,
        groupName: body.group,
        allowNonAdminConfig: body.allowNonAdminConfig,
        publicAccess: body.publicAccess,
      };
      if (body.credentials !== undefined) {
        patch.credentialsSealed = body.credentials === null ? null : await seal(c.env, id, JSON.stringify(body.credentials));
      }
      await updateComputer(db, id, patch);
      // The change is made: an agent that cannot be told now gets it with its next hello.
      if (body.allowNonAdminConfig !== undefined) await settleAll("push settings to the agent", [c.env.COMPUTER_HUB.getByName(id).pushSettings(body.allowNonAdminConfig)]);
      await notifyComputerChanged(c.env, db, id);
      return c.json({ computer: toComputerDto(await visibleOr404(db, userId, id)) }, 200);
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
      const computer = await visibleOr404(db, userId, id);
      if (computer.access === "owner") {
        const audience = await listenersWhoSee(db, id);
        await cutOffComputer(c.env, db, id);
        await deleteComputer(db, id);
        // After the agent is cut off (it could upload a new one before) and the row is gone:
        // nothing can reach the object any more, and an R2 failure now must not answer 500 for
        // a deletion that happened; it is logged with the key, for the operator to remove.
        // The key is the computer's whether or not D1 had noted one (an upload may have raced).
        const screenshot = screenshotKey(id);
        await settleAll(`delete screenshot ${screenshot}`, [c.env.FILES.delete(screenshot)]);
        await notifyComputerRemoved(c.env, audience, id);
      } else {
        await deleteShareOf(db, id, userId);
        await endLiveSessions(c.env, db, id, "the computer was removed from your list", userId);
        await notifyComputerRemoved(c.env, [userId], id);
      }
      return c.body(null, 204);
    },
  )
  .openapi(
    createRoute({
      method: "put",
      path: "/computers/{id}/favorite",
      operationId: "setFavorite",
      tags: ["Computers"],
      summary: "Mark or unmark a computer as one of the user's favorites (F2.14)",
      security,
      request: { params: ComputerIdParam, body: jsonBody(FavoriteRequest) },
      responses: { 200: jsonResponse(ComputerResponse, "The computer."), 400: errors[400], 401: errors[401], 404: errors[404] },
    }),
    async (c) => {
      const db = openDb(c.env.DB);
      const userId = c.get("user").id;
      const { id } = c.req.valid("param");
      await visibleOr404(db, userId, id);
      await setFavorite(db, userId, id, c.req.valid("json").favorite);
      // A favorite is personal: only this user's tabs hear of it.
      await notifyComputerChanged(c.env, db, id, userId);
      // Removed (or no longer shared) since the check above: as if it had been before.
      return c.json({ computer: toComputerDto(await visibleOr404(db, userId, id)) }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/computers/{id}/system-info",
      operationId: "getSystemInfo",
      tags: ["Computers"],
      summary: "System information reported by the agent (F2.8)",
      security,
      request: { params: ComputerIdParam },
      responses: {
        200: jsonResponse(SystemInfoResponse, "General and detailed information."),
        400: errors[400],
        401: errors[401],
        404: errors[404],
      },
    }),
    async (c) => {
      const db = openDb(c.env.DB);
      const { id } = c.req.valid("param");
      await visibleOr404(db, c.get("user").id, id);
      const json = await findSystemInfo(db, id);
      if (!json) throw new ApiError("not_found", "The agent has not reported system information yet.");
      return c.json(JSON.parse(json) as SystemInfoResponse, 200);
    },
  );

// An image, not JSON: kept out of the OpenAPI helpers but behind the same access check.
computerRoutes.get("/computers/:id/screenshot", async (c) => {
  const id = c.req.param("id");
  if (!/^[0-9a-f-]{36}$/.test(id)) throw new ApiError("invalid_input", "id: A computer id is a UUID.");
  const db = openDb(c.env.DB);
  await visibleOr404(db, c.get("user").id, id);
  const key = await findScreenshotKey(db, id);
  const object = key && (await c.env.FILES.get(key));
  if (!object) throw new ApiError("not_found", "No screenshot yet.");
  return new Response(object.body, {
    headers: {
      "Content-Type": "image/webp",
      // The URL carries the capture time (?v=), so a browser may keep each one; "private"
      // because only users with access may see it.
      "Cache-Control": "private, max-age=86400, immutable",
      ETag: object.httpEtag,
    },
  });
});
