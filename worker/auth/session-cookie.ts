import type { Context, MiddlewareHandler } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { openDb } from "../db/client";
import type { AppEnv } from "../env";
import { ApiError } from "../errors";
import { sha256Hex } from "../lib/bytes";
import { findSignedIn } from "../queries/auth-sessions";

export const SESSION_COOKIE = "edgedesk_session";
/** Staying signed in (F1.4): a session lasts 30 days. */
export const SESSION_TTL_MS = 30 * 24 * 3600_000;

function isHttps(c: Context): boolean {
  return new URL(c.req.url).protocol === "https:";
}

export function setSessionCookie(c: Context, token: string): void {
  setCookie(c, SESSION_COOKIE, token, {
    httpOnly: true,
    // Secure only where the page itself is https: browsers drop Secure cookies on http://localhost.
    secure: isHttps(c),
    sameSite: "Lax",
    path: "/",
    maxAge: SESSION_TTL_MS / 1000,
  });
}

export function clearSessionCookie(c: Context): void {
  deleteCookie(c, SESSION_COOKIE, { path: "/", secure: isHttps(c) });
}

export function sessionToken(c: Context): string | undefined {
  const token = getCookie(c, SESSION_COOKIE);
  // A real token is 43 base64url characters; anything else is not worth a database look-up.
  return token && /^[A-Za-z0-9_-]{43}$/.test(token) ? token : undefined;
}

/** The live sign-in behind the request's cookie (its user, plan and token hash), or undefined. */
export async function cookieSignIn(c: Context<AppEnv>) {
  const token = sessionToken(c);
  if (!token) return undefined;
  const hash = await sha256Hex(token);
  const found = await findSignedIn(openDb(c.env.DB), hash, Date.now());
  return found && { ...found, hash };
}

/** Routes behind sign-in: resolves the cookie to a user or answers 401. */
export const requireUser: MiddlewareHandler<AppEnv> = async (c, next) => {
  // Routers mounted side by side may each guard an overlapping path (/computers/:id/* and
  // /computers/:id/shares): the session is looked up once per request.
  if (c.get("user")) return next();
  const found = await cookieSignIn(c);
  if (!found) throw new ApiError("unauthenticated", "Sign in to continue.");
  c.set("user", found.user);
  c.set("plan", found.plan);
  c.set("signIn", found.hash);
  await next();
};
