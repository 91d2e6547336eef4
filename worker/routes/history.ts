import { createRoute } from "@hono/zod-openapi";
import { HistoryPage, HistoryQuery, SessionIdParam } from "../../protocol/api";
import { requireUser } from "../auth/session-cookie";
import { openDb } from "../db/client";
import { ApiError } from "../errors";
import { iso } from "../lib/request";
import { findEndableSession, listHistory, type HistoryRow } from "../queries/history";
import { endRemoteSession } from "../queries/remote-sessions";
import { security } from "./computers";
import { errors, jsonResponse, router } from "./openapi";

function toEntry(r: HistoryRow, userId: string) {
  return {
    id: r.id,
    computerId: r.computer_id,
    computerName: r.computer_name,
    viewerEmail: r.viewer_email,
    direction: r.user_id === userId ? ("outgoing" as const) : ("incoming" as const),
    source: r.source,
    viewerIp: r.viewer_ip,
    viewerAgent: r.viewer_agent,
    startedAt: iso(r.started_at)!,
    endedAt: iso(r.ended_at),
    durationSeconds: r.ended_at === null ? null : Math.round((r.ended_at - r.started_at) / 1000),
    active: r.ended_at === null,
  };
}

export const historyRoutes = router();
historyRoutes.use("/history", requireUser);
historyRoutes.use("/history/*", requireUser);

historyRoutes
  .openapi(
    createRoute({
      method: "get",
      path: "/history",
      operationId: "listHistory",
      tags: ["History"],
      summary: "Connection history (F5): sessions by this account and to its computers, newest first",
      security,
      request: { query: HistoryQuery },
      responses: { 200: jsonResponse(HistoryPage, "One page of sessions."), 400: errors[400], 401: errors[401] },
    }),
    async (c) => {
      const q = c.req.valid("query");
      const userId = c.get("user").id;
      const { rows, total } = await listHistory(openDb(c.env.DB), userId, {
        computerId: q.computerId,
        from: q.from ? Date.parse(q.from) : undefined,
        to: q.to ? Date.parse(q.to) : undefined,
        page: q.page,
        pageSize: q.pageSize,
      });
      return c.json({ entries: rows.map((r) => toEntry(r, userId)), total, page: q.page, pageSize: q.pageSize }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/history/{id}/end",
      operationId: "endSession",
      tags: ["History"],
      summary: "End an active session (F5.3): both sides are closed at the relay",
      security,
      request: { params: SessionIdParam },
      responses: { 204: { description: "Ended (also when it had already ended)." }, 400: errors[400], 401: errors[401], 404: errors[404] },
    }),
    async (c) => {
      const db = openDb(c.env.DB);
      const { id } = c.req.valid("param");
      const session = await findEndableSession(db, c.get("user").id, id);
      if (!session) throw new ApiError("not_found", "No such session in your history.");
      if (session.ended_at === null) {
        await c.env.SESSION_RELAY.getByName(id).end("ended by the operator");
        // The relay writes the end when it finishes; this covers a relay nobody ever joined.
        await endRemoteSession(db, id, Date.now());
      }
      return c.body(null, 204);
    },
  );
