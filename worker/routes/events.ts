import { Hono } from "hono";
import { requireUser } from "../auth/session-cookie";
import { ACCOUNT_HUB_SIGN_IN, ACCOUNT_HUB_USER } from "../../durable-objects/account-hub";
import { openDb } from "../db/client";
import type { AppEnv } from "../env";
import { findUserBySessionHash } from "../queries/auth-sessions";

/** Live events for a cabinet tab (WebSocket): handed to the account's AccountHub. */
export const eventRoutes = new Hono<AppEnv>().get("/events", requireUser, async (c) => {
  if (c.req.header("Upgrade") !== "websocket") {
    return c.json({ error: { code: "bad_request", message: "This endpoint takes a WebSocket upgrade." } }, 426);
  }
  // Cookies ride along on a WebSocket handshake; only our own pages may open this one.
  const origin = c.req.header("Origin");
  if (origin && origin !== new URL(c.req.url).origin) {
    return c.json({ error: { code: "forbidden", message: "Events are only for the Edgedesk cabinet's own pages." } }, 403);
  }
  // Set here, never taken from the client: the hub tags the socket with it.
  const signIn = c.get("signIn");
  const headers = new Headers(c.req.raw.headers);
  headers.set(ACCOUNT_HUB_SIGN_IN, signIn);
  headers.set(ACCOUNT_HUB_USER, c.get("user").id);
  const hub = c.env.ACCOUNT_HUB.getByName(c.get("user").id);
  const res = await hub.fetch(new Request(c.req.raw, { headers }));
  // A sign-out that ran meanwhile closed the tabs it found, not this one: look again.
  if (res.status === 101 && !(await findUserBySessionHash(openDb(c.env.DB), signIn, Date.now()))) {
    await hub.closeTabs({ only: signIn }, "signed out");
  }
  return res;
});
