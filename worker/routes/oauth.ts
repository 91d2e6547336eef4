import { createRoute, z } from "@hono/zod-openapi";
import { SocialProviderParam } from "../../protocol/api";
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { openSession } from "../auth/accounts";
import { finishOAuth, providerLabel, startOAuth, userForProfile } from "../auth/oauth";
import { oauthProvider, type OAuthProfile, type OAuthProvider } from "../auth/oauth-providers";
import { cookieSignIn, setSessionCookie } from "../auth/session-cookie";
import { connectIdentity } from "../queries/social-sign-ins";
import { openDb } from "../db/client";
import type { AppEnv } from "../env";
import { ApiError } from "../errors";
import { timingSafeEqual } from "../lib/bytes";
import { clientIp, userAgent } from "../lib/request";
import { requestLanguage } from "../mail/language";
import { cabinetUrl } from "./auth";
import { errors, router } from "./openapi";

const STATE_COOKIE = "edgedesk_oauth";
/** What the round trip to the provider is for, kept in the state cookie beside state and verifier. */
type Intent = "sign-in" | "connect";

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
      description:
        "With `connect=1`, a signed-in user connects the provider identity to their account (from the profile page) instead of signing in; without a sign-in that goes to the login page.",
      request: { params: SocialProviderParam, query: z.object({ connect: z.enum(["1"]).optional() }) },
      responses: { 302: { description: "To the provider's consent page." }, 400: errors[400], 404: errors[404] },
    }),
    async (c) => {
      const { provider: name } = c.req.valid("param");
      const provider = providerOr404(c, name);
      const intent: Intent = c.req.valid("query").connect ? "connect" : "sign-in";
      // The provider comes back to the cabinet's address (PUBLIC_URL), and the state cookie
      // must be there to meet it: started on another host name that reaches the same Worker
      // (workers.dev), the browser first goes to the cabinet's, or every attempt ended
      // "interrupted or expired".
      const cabinet = cabinetUrl(c.env, c.req.url);
      const here = new URL(c.req.url);
      if (here.origin !== new URL(cabinet).origin) return c.redirect(`${cabinet}${here.pathname}${here.search}`, 302);
      if (intent === "connect" && !(await cookieSignIn(c))) return c.redirect("/login", 302);
      const { url, state, codeVerifier } = startOAuth(provider, redirectUri(c, name));
      setCookie(c, STATE_COOKIE, `${state}.${codeVerifier}.${intent}`, {
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
      summary: "The provider's redirect back: checks state and PKCE, signs in (or connects), redirects to the cabinet",
      request: {
        params: SocialProviderParam,
        query: z.object({ code: z.string().max(2048).optional(), state: z.string().max(256).optional(), error: z.string().max(256).optional() }),
      },
      responses: { 302: { description: "To the cabinet (signed in), the profile (connected), or back with an error." }, 404: errors[404] },
    }),
    async (c) => {
      const { provider: name } = c.req.valid("param");
      const provider = providerOr404(c, name);
      const { code, state, error } = c.req.valid("query");
      const [expectedState, codeVerifier, intent] = (getCookie(c, STATE_COOKIE) ?? "").split(".");
      deleteCookie(c, STATE_COOKIE, { path: "/api/auth/oauth" });
      // The provider reports a refusal (RFC 6749 4.1.2.1: access_denied when the user said no).
      if (error === "access_denied") {
        return c.redirect(`/login?error=${encodeURIComponent("The sign-in was cancelled at the provider. Try again, or sign in with your e-mail address.")}`, 302);
      }
      const enc = new TextEncoder();
      if (!code || !state || !expectedState || !codeVerifier || !timingSafeEqual(enc.encode(state), enc.encode(expectedState))) {
        return c.redirect(`/login?error=${encodeURIComponent("The sign-in was interrupted or expired. Try again.")}`, 302);
      }
      if (intent === "connect") return connect(c, provider, code, codeVerifier);
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

/**
 * The callback of a "connect": the identity is added to the signed-in user's account, whatever
 * its address says (they are signed in, and chose to). Back to the profile, saying how it went.
 */
async function connect(c: Context<AppEnv>, provider: OAuthProvider, code: string, codeVerifier: string): Promise<Response> {
  const back = (query: string) => c.redirect(`/profile?${query}`, 302);
  const signIn = await cookieSignIn(c);
  if (!signIn) return c.redirect(`/login?error=${encodeURIComponent("The sign-in was interrupted or expired. Try again.")}`, 302);
  let profile: OAuthProfile;
  try {
    profile = await finishOAuth(provider, redirectUri(c, provider.name), code, codeVerifier);
  } catch (err) {
    if (err instanceof ApiError) return back(`error=${encodeURIComponent(err.message)}`);
    throw err;
  }
  const label = providerLabel(provider.name);
  if (!(await connectIdentity(openDb(c.env.DB), provider.name, profile.subject, signIn.user.id))) {
    return back(`error=${encodeURIComponent(`This ${label} account is connected to another Edgedesk account.`)}`);
  }
  return back(`connected=${provider.name}`);
}
