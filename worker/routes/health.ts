import { createRoute } from "@hono/zod-openapi";
import { Health } from "../../protocol/api";
import { jsonResponse, router } from "./openapi";

export const healthRoutes = router().openapi(
  createRoute({
    method: "get",
    path: "/health",
    operationId: "health",
    tags: ["System"],
    summary: "Liveness check: 200 when the Worker answers",
    responses: { 200: jsonResponse(Health, "The Worker is up.") },
  }),
  (c) => c.json({ status: "ok" as const, time: new Date().toISOString() }, 200),
);
