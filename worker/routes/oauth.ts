import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { openSession } from "../auth/accounts";
import { finishOAuth, startOAuth, userForProfile } from "../auth/oauth";
import { oauthProvider } from "../auth/oauth-providers";
import { setSessionCookie } from "../auth/session-cookie";
import { openDb } from "../db/client";
import type { AppEnv } from "../env";
import { ApiError } from "../errors";
import { timingSafeEqual } from "../lib/bytes";
import { clientIp, userAgent } from "../lib/request";
import { requestLanguage } from "../mail/language";
import { cabinetUrl } from "./auth";
import { errors, router } from "./openapi";

const STATE_COOKIE = "edgedesk_oauth";
const Provider = z.object({ provider: z.enum(["google", "facebook"]).openapi({ param: { name: "provider", in: "path" } }) });

function redirectUri(c: Context<AppEnv>, provider: string): string {
  return `${cabinetUrl(c.env, c.req.url)}/api/auth/oauth/${provider}/callback`;
}

function providerOr404(c: Context<AppEnv>, name: string) {
  const provider = oauthProvider(c.env, name);
  if (!provider) throw new ApiError("not_found", `Sign-in with ${name} is not configured here.`);
  return provider;
}

export const oauthRoutes = router()
  .openapi(
    createRoute({
      method: "get",
      path: "/auth/oauth/{provider}/start",
      operationId: "startSocialSignIn",
      tags: ["Accounts"],
      summary: "Start signing in with Google or Facebook (F1.3): redirects to the provider",
      request: { params: Provider },
      responses: { 302: { description: "To the provider's consent page." }, 404: errors[404] },
    }),
    (c) => {
      const { provider: name } = c.req.valid("param");
      const provider = providerOr404(c, name);
      // The provider comes back to the cabinet's address (PUBLIC_URL), and the state cookie
      // must be there to meet it: started on another host name that reaches the same Worker
      // (workers.dev), the browser first goes to the cabinet's, or every attempt ended
      // "interrupted or expired".
      const cabinet = cabinetUrl(c.env, c.req.url);
      const here = new URL(c.req.url);
      if (here.origin !== new URL(cabinet).origin) return c.redirect(`${cabinet}${here.pathname}${here.search}`, 302);
      const { url, state, codeVerifier } = startOAuth(provider, redirectUri(c, name));
      setCookie(c, STATE_COOKIE, `${state}.${codeVerifier}`, {
        httpOnly: true,
        secure: new URL(c.req.url).protocol === "https:",
        sameSite: "Lax",
        path: "/api/auth/oauth",
        maxAge: 600,
      });
      return c.redirect(url.toString(), 302);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/auth/oauth/{provider}/callback",
      operationId: "finishSocialSignIn",
      tags: ["Accounts"],
      summary: "The provider's redirect back: checks state and PKCE, signs in, redirects to the cabinet",
      request: {
        params: Provider,
        query: z.object({ code: z.string().max(2048).optional(), state: z.string().max(256).optional(), error: z.string().max(256).optional() }),
      },
      responses: { 302: { description: "To the cabinet (signed in) or to the login page with an error." }, 404: errors[404] },
    }),
    async (c) => {
      const { provider: name } = c.req.valid("param");
      const provider = providerOr404(c, name);
      const { code, state, error } = c.req.valid("query");
      const [expectedState, codeVerifier] = (getCookie(c, STATE_COOKIE) ?? "").split(".");
      deleteCookie(c, STATE_COOKIE, { path: "/api/auth/oauth" });
      // The provider reports a refusal (RFC 6749 4.1.2.1: access_denied when the user said no).
      if (error === "access_denied") {
        return c.redirect(`/login?error=${encodeURIComponent("The sign-in was cancelled at the provider. Try again, or sign in with your e-mail address.")}`, 302);
      }
      const enc = new TextEncoder();
      if (!code || !state || !expectedState || !codeVerifier || !timingSafeEqual(enc.encode(state), enc.encode(expectedState))) {
        return c.redirect(`/login?error=${encodeURIComponent("The sign-in was interrupted or expired. Try again.")}`, 302);
      }
      try {
        const db = openDb(c.env.DB);
        const profile = await finishOAuth(provider, redirectUri(c, name), code, codeVerifier);
        const user = await userForProfile(c.env, db, provider, profile, cabinetUrl(c.env, c.req.url), requestLanguage(c));
        setSessionCookie(c, await openSession(db, user.id, { ip: clientIp(c), userAgent: userAgent(c) }));
        return c.redirect("/computers", 302);
      } catch (err) {
        if (err instanceof ApiError) return c.redirect(`/login?error=${encodeURIComponent(err.message)}`, 302);
        throw err;
      }
    },
  );
