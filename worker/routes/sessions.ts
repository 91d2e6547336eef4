import { createRoute } from "@hono/zod-openapi";
import { ComputerIdParam, StartSessionResponse } from "../../protocol/api";
import { requireUser } from "../auth/session-cookie";
import { openDb } from "../db/client";
import { ApiError } from "../errors";
import { newId } from "../lib/bytes";
import { clientIp, userAgent } from "../lib/request";
import { computerStatus } from "../computers/status";
import { endLiveSessions } from "../computers/cut-off";
import type { Db } from "../db/client";
import { unseal } from "../lib/seal";
import { findComputerSecrets, findVisibleComputer, touchLastConnected } from "../queries/computers";
import { findPlan } from "../queries/plans";
import { findUserBySessionHash } from "../queries/auth-sessions";
import { findUserById } from "../queries/users";
import { visibleOr404 } from "./computers";
import { deleteRemoteSession, insertRemoteSession, liveSessionIds, type NewRemoteSession } from "../queries/remote-sessions";
import { mintTicket } from "../sessions/tickets";
import { toComputerDto } from "./dto";
import { errors, jsonResponse, router } from "./openapi";

/** The remote OS account stored for automatic sign-in (F2.10), opened only for a session. */
async function storedSignIn(env: Env, db: Db, computerId: string): Promise<{ username: string; password: string } | undefined> {
  const sealed = (await findComputerSecrets(db, computerId))?.credentialsSealed;
  const json = sealed ? await unseal(env, computerId, sealed) : undefined;
  return json ? (JSON.parse(json) as { username: string; password: string }) : undefined;
}

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
      403: errors[403],
      409: { description: "The computer is offline, or the plan's concurrent-session limit is reached.", content: errors[404].content },
    },
  }),
  async (c) => {
    const db = openDb(c.env.DB);
    const user = c.get("user");
    const computer = await visibleOr404(db, user.id, c.req.valid("param").id);
    const now = Date.now();
    const { status } = computerStatus(computer, now);
    if (status === "disabled") {
      throw new ApiError("computer_disabled", `${computer.name} is disabled: the plan's computer limit is exceeded. Remove a computer or upgrade the plan.`);
    }
    const sessionId = newId();
    const row: NewRemoteSession = {
      id: sessionId,
      computerId: computer.id,
      userId: user.id,
      signInHash: c.get("signIn"),
      source: computer.access === "owner" ? "cabinet" : "shared",
      viewerIp: clientIp(c),
      viewerAgent: userAgent(c),
      startedAt: now,
    };
    // The demo is every account's (F2.2): one session per user on it, the newest (a window left
    // open elsewhere ends), so one account cannot take all of the demo agent's streams.
    if (computer.isDemo) await endLiveSessions(c.env, db, computer.id, "the demo was opened in another window", user.id);
    // The relay first: it arms its lone-peer timer, which closes the history row should nobody
    // ever connect. Told after the row was written, a Connect cut off in between (the browser
    // gone, the invocation ended) would leave an open row holding one of the plan's concurrent
    // sessions for good. A refused Connect tells the relay to forget (if that fails, its timer
    // finds no row and it forgets by itself).
    const relay = c.env.SESSION_RELAY.getByName(sessionId);
    await relay.expect(sessionId);
    const forgetLater = () => c.executionCtx.waitUntil(relay.forget().catch(() => undefined));
    if (!(await insertRemoteSession(db, row, computer.ownerId, { onePerUser: computer.isDemo }))) {
      forgetLater();
      if (computer.isDemo && (await liveSessionIds(db, computer.id, user.id)).length > 0) {
        throw new ApiError("conflict", "You are already connected to the demo computer in another window.");
      }
      // Only now the plan's name and limit, for the message.
      const owner = await findUserById(db, computer.ownerId);
      const plan = owner && (await findPlan(db, owner.planId));
      throw new ApiError("plan_limit", `The ${plan?.name ?? "current"} plan allows ${plan?.maxConcurrentSessions ?? 0} concurrent session(s). End a session first.`);
    }
    // A failure before the agent is asked makes this an attempt, not a connection: no history.
    let viewerTicket: string;
    try {
      const claims = { sid: sessionId, cid: computer.id };
      const [forViewer, agentTicket] = await Promise.all([
        mintTicket(c.env, { ...claims, role: "viewer", uid: user.id }),
        mintTicket(c.env, { ...claims, role: "agent" }),
      ]);
      viewerTicket = forViewer;
      const signIn = await storedSignIn(c.env, db, computer.id);
      // A path, not a URL: the agent joins it to the server it is connected to, whichever host
      // name this request came in by.
      const told = await c.env.COMPUTER_HUB.getByName(computer.id).openStream(sessionId, `/api/stream/agent?ticket=${encodeURIComponent(agentTicket)}`, signIn);
      if (!told) throw new ApiError("computer_offline", `${computer.name} is offline. Start the Edgedesk agent on it and try again.`);
    } catch (err) {
      // Taken back, the row is no session and the relay forgets it. Should the delete fail,
      // the relay's timer closes the row instead: the caller still learns the real reason.
      if (await deleteRemoteSession(db, sessionId).then(() => true, () => false)) forgetLater();
      throw err;
    }
    // Access taken away while this request ran (a share revoked, the computer removed, this
    // browser signed out) found no session row to end yet: look again now that the row and
    // the relay exist.
    const [stillVisible, stillSignedIn] = await Promise.all([
      findVisibleComputer(db, user.id, computer.id),
      findUserBySessionHash(db, c.get("signIn"), now),
    ]);
    if (!stillVisible || !stillSignedIn) {
      await relay.end("access was taken away");
      throw new ApiError("not_found", "No such computer in your list.");
    }
    // Only for a session that goes ahead; the answer need not wait for it.
    c.executionCtx.waitUntil(touchLastConnected(db, computer.id, now));
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
