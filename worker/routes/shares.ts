import { createRoute } from "@hono/zod-openapi";
import { ComputerIdParam, Share, ShareIdParam, ShareList, ShareRequest } from "../../protocol/api";
import { requireUser } from "../auth/session-cookie";
import { endLiveSessions } from "../computers/cut-off";
import { notifyComputerChanged, notifyComputerRemoved } from "../computers/notify";
import { openDb } from "../db/client";
import { ApiError, rateLimited } from "../errors";
import { iso } from "../lib/request";
import { findUserByEmail } from "../queries/users";
import { deleteShareOf, insertShare, listShares, type ShareRow } from "../queries/sharing";
import { assertOwner, security, visibleOr404 } from "./computers";
import { errors, jsonBody, jsonResponse, router } from "./openapi";

/** Share attempts per owner an hour: a team shares with a few people, not with a list of addresses. */
const SHARES_PER_HOUR = 30;

function toShareDto(s: ShareRow) {
  return { userId: s.userId, email: s.email, name: `${s.firstName} ${s.lastName}`.trim() || s.email, createdAt: iso(s.createdAt)! };
}

export const shareRoutes = router();
shareRoutes.use("/computers/:id/shares", requireUser);
shareRoutes.use("/computers/:id/shares/*", requireUser);

shareRoutes
  .openapi(
    createRoute({
      method: "get",
      path: "/computers/{id}/shares",
      operationId: "listShares",
      tags: ["Sharing"],
      summary: "Who the computer is shared with (F2.11); owner only",
      security,
      request: { params: ComputerIdParam },
      responses: { 200: jsonResponse(ShareList, "The shares."), 401: errors[401], 403: errors[403], 404: errors[404] },
    }),
    async (c) => {
      const db = openDb(c.env.DB);
      const { id } = c.req.valid("param");
      assertOwner(await visibleOr404(db, c.get("user").id, id), "see who this computer is shared with");
      return c.json({ shares: (await listShares(db, id)).map(toShareDto) }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/computers/{id}/shares",
      operationId: "shareComputer",
      tags: ["Sharing"],
      summary: "Share the computer with another user by e-mail (F2.11); owner only",
      security,
      request: { params: ComputerIdParam, body: jsonBody(ShareRequest) },
      responses: {
        201: jsonResponse(Share.openapi("ShareCreated"), "Shared; the computer shows in that user's list."),
        400: errors[400],
        401: errors[401],
        403: errors[403],
        404: errors[404],
        409: { description: "Already shared with that user.", content: errors[404].content },
      },
    }),
    async (c) => {
      const db = openDb(c.env.DB);
      const user = c.get("user");
      const { id } = c.req.valid("param");
      assertOwner(await visibleOr404(db, user.id, id), "share this computer");
      const { email } = c.req.valid("json");
      // Its answer says whether an address has an account (it must: see below), so it is
      // limited like the other doors that could: else any owner could test addresses at will.
      const wait = await c.env.RATE_LIMITER.getByName(`share:${user.id}`).take(SHARES_PER_HOUR, 3600_000);
      if (wait > 0) throw rateLimited(wait, "Too many shares in an hour.");
      const target = await findUserByEmail(db, email);
      // Sharing needs an account on the other side, so this much the product must say.
      if (!target) throw new ApiError("user_not_found", `No Edgedesk account uses ${email}. Ask them to register first.`);
      if (target.id === user.id) throw new ApiError("invalid_input", "email: This is your own computer already.");
      const made = await insertShare(db, id, target.id);
      if (made === "exists") throw new ApiError("already_shared", `The computer is already shared with ${email}.`);
      if (made === "gone") throw new ApiError("not_found", "No such computer in your list.");
      await notifyComputerChanged(c.env, db, id, target.id);
      return c.json(toShareDto({ userId: target.id, email: target.email, firstName: target.firstName, lastName: target.lastName, createdAt: made.createdAt }), 201);
    },
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/computers/{id}/shares/{userId}",
      operationId: "revokeShare",
      tags: ["Sharing"],
      summary: "Stop sharing the computer with a user; owner only",
      security,
      request: { params: ShareIdParam },
      responses: { 204: { description: "Revoked." }, 400: errors[400], 401: errors[401], 403: errors[403], 404: errors[404] },
    }),
    async (c) => {
      const db = openDb(c.env.DB);
      const { id, userId } = c.req.valid("param");
      assertOwner(await visibleOr404(db, c.get("user").id, id), "change who this computer is shared with");
      if (!(await deleteShareOf(db, id, userId))) throw new ApiError("not_found", "The computer is not shared with that user.");
      await endLiveSessions(c.env, db, id, "the owner stopped sharing the computer", userId);
      await notifyComputerRemoved(c.env, [userId], id);
      return c.body(null, 204);
    },
  );
