// Short-lived tickets that let a viewer or an agent into one SessionRelay. The Worker checks
// them before forwarding the socket, so the relay only ever sees sockets it may pair.
import jwt from "@tsndr/cloudflare-worker-jwt";

export type StreamRole = "viewer" | "agent";

export type TicketClaims = {
  /** Session (SessionRelay name) the ticket opens. */
  sid: string;
  /** Computer the session is for. */
  cid: string;
  role: StreamRole;
  /** The viewing user, for viewers signed in to the cabinet. */
  uid?: string;
};

/** Long enough for a browser to open a socket after Connect, short enough that a leaked URL is useless. */
export const TICKET_TTL_SECONDS = 60;

const DEV_TICKET_SECRET = "edgedesk-local-development-ticket-secret";

/** TICKET_SECRET is a Worker secret; only a dev server may fall back to a fixed one. */
export function ticketSecret(env: Env): string {
  if (env.TICKET_SECRET) return env.TICKET_SECRET;
  if (env.DEV_MODE === "true") return DEV_TICKET_SECRET;
  throw new Error("TICKET_SECRET is not set: run `wrangler secret put TICKET_SECRET`");
}

export async function mintTicket(env: Env, claims: TicketClaims, now = Date.now()): Promise<string> {
  const iat = Math.floor(now / 1000);
  return jwt.sign({ ...claims, iat, exp: iat + TICKET_TTL_SECONDS }, ticketSecret(env), "HS256");
}

/** The claims of a valid, unexpired ticket for the given role, or undefined. */
export async function readTicket(env: Env, token: string, role: StreamRole): Promise<TicketClaims | undefined> {
  if (!token || token.length > 2048) return undefined;
  try {
    const data = await jwt.verify<TicketClaims>(token, ticketSecret(env), { algorithm: "HS256", throwError: false });
    const p = data?.payload;
    if (!p || p.role !== role || typeof p.sid !== "string" || typeof p.cid !== "string") return undefined;
    return { sid: p.sid, cid: p.cid, role: p.role, uid: typeof p.uid === "string" ? p.uid : undefined };
  } catch {
    return undefined;
  }
}
