import { Hono } from "hono";
import { openDb } from "../db/client";
import type { AppEnv } from "../env";
import { ApiError } from "../errors";
import { escapeHtml } from "../mail/templates";
import { listOutboxMail } from "../queries/outbox";

/**
 * The local e-mail outbox. Mounted always, but every route answers 404 unless DEV_MODE is
 * "true" (set by `npm start`), so a deployed Worker never exposes it.
 */
export const devMailRoutes = new Hono<AppEnv>();

devMailRoutes.use("*", async (c, next) => {
  if (c.env.DEV_MODE !== "true") throw new ApiError("not_found", "Not found.");
  await next();
});

devMailRoutes.get("/mail.json", async (c) => {
  const rows = await listOutboxMail(openDb(c.env.DB));
  return c.json(
    rows.map((m) => ({ id: m.id, to: m.to, subject: m.subject, text: m.text, html: m.html, createdAt: new Date(m.createdAt).toISOString() })),
  );
});

devMailRoutes.get("/mail", async (c) => {
  const rows = await listOutboxMail(openDb(c.env.DB));
  const items = rows
    .map(
      (m) => `<article><header><b>${escapeHtml(m.subject)}</b> to ${escapeHtml(m.to)}
<time>${new Date(m.createdAt).toISOString()}</time></header><pre>${escapeHtml(m.text)}</pre></article>`,
    )
    .join("\n");
  return c.html(`<!doctype html><html><head><meta charset="utf-8"><title>Dev outbox</title>
<style>body{font-family:system-ui,sans-serif;max-width:800px;margin:24px auto;color:#1f2937}article{border:1px solid #d1d5db;border-radius:8px;padding:12px 16px;margin:12px 0}time{color:#6b7280;float:right}pre{white-space:pre-wrap}</style>
</head><body><h1>Dev outbox</h1><p>Every e-mail the local Worker sent, newest first. JSON: <a href="/dev/mail.json">/dev/mail.json</a></p>
${items || "<p>No mail yet.</p>"}</body></html>`);
});
