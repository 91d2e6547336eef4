import { createRoute, z } from "@hono/zod-openapi";
import { RegisterComputerRequest, RegisterComputerResponse } from "../../protocol/api";
import { ControlCloseCode } from "../../protocol/control";
import { HUB_HEADERS } from "../../durable-objects/computer-hub";
import { verifyCredentials } from "../auth/accounts";
import { demoAgentKey, registerDemoComputer } from "../computers/demo";
import { ApiError } from "../errors";
import { openDb } from "../db/client";
import { newId, randomToken, sha256Hex, timingSafeEqualText } from "../lib/bytes";
import { clientIp } from "../lib/request";
import { findAgentSecretHash, insertComputer } from "../queries/computers";
import { errors, jsonBody, jsonResponse, router } from "./openapi";

/** Control-socket connects one computer may make in a minute (an agent with backoff makes a few). */
const CONNECTS_PER_MINUTE = 10;

export const agentRoutes = router()
  .openapi(
    createRoute({
      method: "post",
      path: "/agent/register",
      operationId: "registerComputer",
      tags: ["Agent"],
      summary: "An agent signs in with the account and links its computer (F2.3, F7.3)",
      request: { body: jsonBody(RegisterComputerRequest) },
      responses: {
        201: jsonResponse(RegisterComputerResponse, "The computer is linked; the agent keeps the token."),
        400: errors[400],
        401: errors[401],
        429: errors[429],
      },
    }),
    async (c) => {
      const body = c.req.valid("json");
      const db = openDb(c.env.DB);
      const user = await verifyCredentials(c.env, db, { email: body.email, password: body.password, ip: clientIp(c) });
      const computerId = newId();
      const agentToken = randomToken();
      await insertComputer(db, {
        id: computerId,
        ownerId: user.id,
        name: body.name,
        os: body.os,
        agentVersion: body.agentVersion,
        agentSecretHash: await sha256Hex(agentToken),
      });
      return c.json({ computerId, agentToken }, 201);
    },
  );

/** The demo agent (F2.2) registers with a key instead of an account. */
agentRoutes.openapi(
  createRoute({
    method: "post",
    path: "/agent/register-demo",
    operationId: "registerDemoComputer",
    tags: ["Agent"],
    summary: "Register the demo computer that every account can try (F2.2)",
    description: "Needs the DEMO_AGENT_KEY secret in the X-Demo-Key header.",
    request: {
      headers: z.object({ "x-demo-key": z.string().max(256) }),
      body: jsonBody(z.object({ name: z.string().trim().min(1).max(64) }).strict().openapi("RegisterDemoRequest")),
    },
    responses: { 201: jsonResponse(RegisterComputerResponse, "The demo computer is registered and shared."), 400: errors[400], 403: errors[403] },
  }),
  async (c) => {
    const key = demoAgentKey(c.env);
    if (!key || !timingSafeEqualText(c.req.valid("header")["x-demo-key"], key)) throw new ApiError("forbidden", "Wrong demo agent key.");
    return c.json(await registerDemoComputer(openDb(c.env.DB), c.req.valid("json").name), 201);
  },
);

/**
 * The agent's control socket. Authenticated here (bearer token against the stored hash),
 * then handed to the computer's ComputerHub; a bad token gets a socket closed with 4401 so
 * the agent knows to stop retrying, rather than an HTTP error it cannot tell from a glitch.
 */
agentRoutes.get("/agent/connect", async (c) => {
  if (c.req.header("Upgrade") !== "websocket") {
    return c.json({ error: { code: "bad_request", message: "This endpoint takes a WebSocket upgrade." } }, 426);
  }
  const computerId = c.req.query("computer") ?? "";
  const token = /^Bearer (\S+)$/.exec(c.req.header("Authorization") ?? "")?.[1] ?? "";
  const stored = /^[0-9a-f-]{36}$/.test(computerId) && token ? await findAgentSecretHash(openDb(c.env.DB), computerId) : undefined;
  if (!stored || !timingSafeEqualText(await sha256Hex(token), stored)) {
    return refuseSocket(ControlCloseCode.Unauthorized, "unknown computer or invalid agent token; sign in again");
  }
  // Each connect writes D1 and tells every open tab that sees the computer: an agent (or a
  // stolen token) reconnecting in a loop would do that as fast as it can. A real agent
  // reconnects with backoff, a few times a minute at most.
  if ((await c.env.RATE_LIMITER.getByName(`agent-connect:${computerId}`).take(CONNECTS_PER_MINUTE, 60_000)) > 0) {
    return refuseSocket(ControlCloseCode.TooManyConnects, "too many connects for this computer; retry in a minute");
  }
  // wrangler dev fills request.cf with a placeholder location; locally the place is unknown.
  const cf = c.env.DEV_MODE === "true" ? undefined : (c.req.raw.cf as { city?: string; country?: string } | undefined);
  const headers = new Headers(c.req.raw.headers);
  headers.set(HUB_HEADERS.computerId, computerId);
  headers.set(HUB_HEADERS.ip, c.req.header("CF-Connecting-IP") ?? "");
  headers.set(HUB_HEADERS.city, cf?.city ?? "");
  headers.set(HUB_HEADERS.country, cf?.country ?? "");
  // A version (at most 32 characters, as in a hello); anything else is dropped, not stored.
  if (!/^[0-9A-Za-z.+-]{1,32}$/.test(headers.get(HUB_HEADERS.agentVersion) ?? "")) headers.delete(HUB_HEADERS.agentVersion);
  return c.env.COMPUTER_HUB.getByName(computerId).fetch(new Request(c.req.raw, { headers }));
});

/** Accepts a socket only to close it with a code the other side can act on. */
export function refuseSocket(code: number, reason: string): Response {
  const pair = new WebSocketPair();
  pair[1].accept();
  pair[1].close(code, reason);
  return new Response(null, { status: 101, webSocket: pair[0] });
}
