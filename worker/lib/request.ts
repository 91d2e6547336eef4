import type { Context } from "hono";

/** The client's address as Cloudflare reports it; "local" under tests without the header. */
export function clientIp(c: Context): string {
  return c.req.header("CF-Connecting-IP") ?? "local";
}

export function userAgent(c: Context): string {
  return (c.req.header("User-Agent") ?? "").slice(0, 256);
}

export function iso(ms: number | null | undefined): string | null {
  return ms == null ? null : new Date(ms).toISOString();
}
