import { Hono } from "hono";
import { requireUser } from "../auth/session-cookie";
import { ACCOUNT_HUB_SIGN_IN } from "../../durable-objects/account-hub";
import type { AppEnv } from "../env";

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
  const headers = new Headers(c.req.raw.headers);
  headers.set(ACCOUNT_HUB_SIGN_IN, c.get("signIn"));
  return c.env.ACCOUNT_HUB.getByName(c.get("user").id).fetch(new Request(c.req.raw, { headers }));
});
