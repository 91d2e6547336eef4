import { createRoute } from "@hono/zod-openapi";
import { ComputerIdParam, StartSessionResponse } from "../../protocol/api";
import { requireUser } from "../auth/session-cookie";
import { openDb } from "../db/client";
import { ApiError } from "../errors";
import { newId } from "../lib/bytes";
import { clientIp, userAgent } from "../lib/request";
import { findVisibleComputer, touchLastConnected } from "../queries/computers";
import { endRemoteSession, insertRemoteSession } from "../queries/remote-sessions";
import { mintTicket } from "../sessions/tickets";
import { toComputerDto } from "./dto";
import { errors, jsonResponse, router } from "./openapi";

export const sessionRoutes = router();
sessionRoutes.use("/computers/:id/sessions", requireUser);

sessionRoutes.openapi(
  createRoute({
    method: "post",
    path: "/computers/{id}/sessions",
    operationId: "startSession",
    tags: ["Sessions"],
    summary: "Connect: start a remote session with a computer (F2.9)",
    description:
      "Checks access, writes the history row, tells the agent to open its stream, and returns the viewer's stream path with a 60-second ticket.",
    security: [{ session: [] }],
    request: { params: ComputerIdParam },
    responses: {
      201: jsonResponse(StartSessionResponse, "The session exists; open the viewer socket."),
      400: errors[400],
      401: errors[401],
      404: errors[404],
      409: { description: "The computer is offline.", content: errors[404].content },
    },
  }),
  async (c) => {
    const db = openDb(c.env.DB);
    const user = c.get("user");
    const computer = await findVisibleComputer(db, user.id, c.req.valid("param").id);
    if (!computer) throw new ApiError("not_found", "No such computer in your list.");
    const sessionId = newId();
    const now = Date.now();
    await insertRemoteSession(db, {
      id: sessionId,
      computerId: computer.id,
      userId: user.id,
      source: computer.access === "owner" ? "cabinet" : "shared",
      viewerIp: clientIp(c),
      viewerAgent: userAgent(c),
      startedAt: now,
    });
    const claims = { sid: sessionId, cid: computer.id };
    const [viewerTicket, agentTicket] = await Promise.all([
      mintTicket(c.env, { ...claims, role: "viewer", uid: user.id }),
      mintTicket(c.env, { ...claims, role: "agent" }),
    ]);
    const origin = new URL(c.req.url);
    const wsOrigin = `${origin.protocol === "https:" ? "wss" : "ws"}://${origin.host}`;
    const told = await c.env.COMPUTER_HUB.getByName(computer.id).openStream(
      sessionId,
      `${wsOrigin}/api/stream/agent?ticket=${encodeURIComponent(agentTicket)}`,
    );
    if (!told) {
      await endRemoteSession(db, sessionId, now);
      throw new ApiError("computer_offline", `${computer.name} is offline. Start the Edgedesk agent on it and try again.`);
    }
    await touchLastConnected(db, computer.id, now);
    return c.json(
      {
        sessionId,
        viewerPath: `/api/stream/viewer?ticket=${encodeURIComponent(viewerTicket)}`,
        computer: toComputerDto({ ...computer, lastConnectedAt: now }),
      },
      201,
    );
  },
);
