import { OpenAPIHono } from "@hono/zod-openapi";
import { bodyLimit } from "hono/body-limit";
import { csrf } from "hono/csrf";
import { HTTPException } from "hono/http-exception";
import type { AppEnv } from "./env";
import { ApiError, errorBody } from "./errors";
import { agentRoutes } from "./routes/agent";
import { apiDocsRoutes } from "./routes/api-docs";
import { authRoutes } from "./routes/auth";
import { computerRoutes } from "./routes/computers";
import { devMailRoutes } from "./routes/dev-mail";
import { eventRoutes } from "./routes/events";
import { healthRoutes } from "./routes/health";
import { historyRoutes } from "./routes/history";
import { meRoutes } from "./routes/me";
import { oauthRoutes } from "./routes/oauth";
import { sessionRoutes } from "./routes/sessions";
import { shareRoutes } from "./routes/shares";
import { streamRoutes } from "./routes/stream";

export const api = new OpenAPIHono<AppEnv>();

// Cookies carry the session, so state-changing requests must come from our own origin.
api.use("*", csrf());
api.use("*", bodyLimit({ maxSize: 64 * 1024, onError: () => { throw new ApiError("payload_too_large", "The request body is larger than 64 KiB."); } }));

api.route("/", healthRoutes);
api.route("/", authRoutes);
api.route("/", oauthRoutes);
api.route("/", meRoutes);
api.route("/", computerRoutes);
api.route("/", sessionRoutes);
api.route("/", shareRoutes);
api.route("/", historyRoutes);
api.route("/", eventRoutes);
api.route("/", agentRoutes);
api.route("/", streamRoutes);
api.route("/", apiDocsRoutes);

api.openAPIRegistry.registerComponent("securitySchemes", "session", {
  type: "apiKey",
  in: "cookie",
  name: "edgedesk_session",
  description: "Set by login.",
});
api.doc31("/openapi.json", {
  openapi: "3.1.0",
  // Paths below are relative to /api, where this router is mounted.
  servers: [{ url: "/api" }],
  info: {
    title: "Edgedesk API",
    version: "0.1.0",
    description: "The cabinet's HTTP API. Errors are { error: { code, message } } with a 4xx status.",
  },
});

export const app = new OpenAPIHono<AppEnv>();

app.use("*", async (c, next) => {
  c.set("requestId", c.req.header("CF-Ray") ?? crypto.randomUUID());
  await next();
});

app.route("/api", api);
app.route("/dev", devMailRoutes);

app.notFound((c) => c.json(errorBody("not_found", `No route for ${c.req.method} ${new URL(c.req.url).pathname}.`), 404));

// The one place errors become responses: known ones keep their code, anything else is a
// logged 500 without details, so stacks never reach a client.
app.onError((err, c) => {
  const requestId = c.get("requestId");
  if (err instanceof ApiError) {
    return c.json(errorBody(err.code, err.message, requestId), err.status, err.headers);
  }
  if (err instanceof HTTPException) {
    const status = err.status;
    const known: Record<number, [string, string]> = {
      403: ["forbidden", "This request must come from the Edgedesk cabinet's own origin."],
      413: ["payload_too_large", "The request body is too large."],
      415: ["unsupported_media_type", "Send the body as JSON with Content-Type: application/json."],
    };
    const [code, message] = known[status] ?? ["bad_request", /JSON/i.test(err.message) ? "The request body is not valid JSON." : "Bad request."];
    return c.json(errorBody(code, message, requestId), status);
  }
  console.error(JSON.stringify({ event: "unhandled_error", requestId, message: String(err), stack: (err as Error)?.stack }));
  return c.json(errorBody("internal", "Something went wrong on our side. Try again.", requestId), 500);
});
