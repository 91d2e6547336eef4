import { Hono } from "hono";
import type { AppEnv } from "../env";

/**
 * Swagger UI for /api/openapi.json. Its script and stylesheet are copied from
 * swagger-ui-dist into the web build (/vendor/swagger-ui/), so the page works offline.
 */
export const apiDocsRoutes = new Hono<AppEnv>().get("/docs", (c) =>
  c.html(`<!doctype html><html><head><meta charset="utf-8"><title>Edgedesk API</title>
<link rel="stylesheet" href="/vendor/swagger-ui/swagger-ui.css"></head>
<body><div id="swagger-ui"></div><script src="/vendor/swagger-ui/swagger-ui-bundle.js"></script>
<script>SwaggerUIBundle({ url: "/api/openapi.json", dom_id: "#swagger-ui" });</script></body></html>`),
);
