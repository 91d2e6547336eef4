import { Hono } from "hono";
import { CloseCode } from "../../protocol/stream";
import { RELAY_HEADERS, type EndedWith } from "../../durable-objects/session-relay";
import type { AppEnv } from "../env";
import { cookieSignIn } from "../auth/session-cookie";
import { readTicket, type StreamRole } from "../sessions/tickets";
import { refuseSocket } from "./agent";

/**
 * The two ends of a session's stream. The ticket is checked here; the SessionRelay then
 * trusts the role and session it is handed (only the Worker can reach it).
 */
export const streamRoutes = new Hono<AppEnv>();

/** The close codes a session ends with (the relay's EndedWith), as a late joiner gets them. */
const END_CODES: ReadonlySet<number> = new Set([CloseCode.SessionEnded, CloseCode.PeerTimeout, CloseCode.AgentGone, CloseCode.Busy]);
const isEndCode = (code: unknown): code is number => typeof code === "number" && END_CODES.has(code);

for (const role of ["viewer", "agent"] as const satisfies readonly StreamRole[]) {
  streamRoutes.get(`/stream/${role}`, async (c) => {
    if (c.req.header("Upgrade") !== "websocket") {
      return c.json({ error: { code: "bad_request", message: "This endpoint takes a WebSocket upgrade." } }, 426);
    }
    const claims = await readTicket(c.env, c.req.query("ticket") ?? "", role);
    if (!claims) return refuseSocket(CloseCode.BadTicket, "missing, invalid or expired ticket");
    // A viewer ticket is good only with the sign-in cookie of the user it was made for: a
    // viewer URL that leaked within its minute (a log, a browser extension) would otherwise
    // give whoever holds it the remote keyboard and mouse.
    if (role === "viewer" && (!claims.uid || (await cookieSignIn(c))?.user.id !== claims.uid)) {
      return refuseSocket(CloseCode.BadTicket, "this ticket belongs to another sign-in");
    }
    const headers = new Headers(c.req.raw.headers);
    headers.set(RELAY_HEADERS.role, role);
    headers.set(RELAY_HEADERS.sessionId, claims.sid);
    const res = await c.env.SESSION_RELAY.getByName(claims.sid).fetch(new Request(c.req.raw, { headers }));
    if (res.status === 101) return res;
    // 409: the agent's ticket was used already (single use); 410: the session has ended, and how.
    if (res.status === 409) return refuseSocket(CloseCode.BadTicket, "this ticket was already used");
    const ended = (await res.json().catch(() => null)) as EndedWith | null;
    if (res.status === 410 && ended && isEndCode(ended.code)) return refuseSocket(ended.code, String(ended.reason).slice(0, 100));
    return refuseSocket(CloseCode.SessionEnded, "this session has ended");
  });
}
