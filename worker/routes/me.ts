import { createRoute } from "@hono/zod-openapi";
import { ChangePasswordRequest, UserResponse } from "../../protocol/api";
import { changePassword } from "../auth/accounts";
import { requireUser, sessionToken } from "../auth/session-cookie";
import { openDb } from "../db/client";
import { sha256Hex } from "../lib/bytes";
import { userWithPlan } from "./dto";
import { errors, jsonBody, jsonResponse, router } from "./openapi";

export const meRoutes = router();
meRoutes.use("/me", requireUser);
meRoutes.use("/me/*", requireUser);

meRoutes
  .openapi(
    createRoute({
      method: "get",
      path: "/me",
      operationId: "me",
      tags: ["Accounts"],
      summary: "The signed-in user",
      responses: { 200: jsonResponse(UserResponse, "The signed-in user."), 401: errors[401] },
    }),
    async (c) => c.json({ user: await userWithPlan(openDb(c.env.DB), c.get("user")) }, 200),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/me/password",
      operationId: "changePassword",
      tags: ["Accounts"],
      summary: "Change the password with the current one (F1.2, F1.8); signs out other browsers",
      request: { body: jsonBody(ChangePasswordRequest) },
      responses: { 204: { description: "Changed." }, 400: errors[400], 401: errors[401], 403: errors[403] },
    }),
    async (c) => {
      const body = c.req.valid("json");
      await changePassword(c.env, openDb(c.env.DB), c.get("user"), {
        ...body,
        keepTokenHash: await sha256Hex(sessionToken(c)!),
      });
      return c.body(null, 204);
    },
  );
