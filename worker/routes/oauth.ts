import { createRoute, z } from "@hono/zod-openapi";
import { SocialProviderParam } from "../../protocol/api";
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { openSession } from "../auth/accounts";
import { finishOAuth, providerLabel, startOAuth, userForProfile } from "../auth/oauth";
import { connectStateTag, grantAllows } from "../auth/connect-grant";
import { configuredProvider, type OAuthProfile, type OAuthProvider, type ProviderName } from "../auth/oauth-providers";
import { cookieSignIn, setSessionCookie } from "../auth/session-cookie";
import { connectIdentity } from "../queries/social-sign-ins";
import { openDb } from "../db/client";
import type { AppEnv } from "../env";
import { ApiError } from "../errors";
import { timingSafeEqualText } from "../lib/bytes";
import { clientIp, userAgent } from "../lib/request";
import { mailLanguage, requestLanguage } from "../mail/language";
import { providerConnectedMail } from "../mail/templates";
import { mailTransport } from "../mail/transport";
import { cabinetUrl } from "./auth";
import { errors, router } from "./openapi";

const STATE_COOKIE = "edgedesk_oauth";

function redirectUri(c: Context<AppEnv>, provider: string): string {
  return `${cabinetUrl(c.env, c.req.url)}/api/auth/oauth/${provider}/callback`;
}


/** Where a round trip to the provider that was not finished sends the user back. */
const SIGN_IN_INTERRUPTED = "The sign-in was interrupted or expired. Try again.";
const CONNECT_INTERRUPTED = "Connecting was cancelled or interrupted. Try again.";

/**
 * The state cookie: state and PKCE verifier, and for a connect a tag of the state, provider
 * and sign-in it was started in (connectStateTag), whose sign-in must still be the browser's
 * when the provider comes back.
 */
type StateCookie = { state: string; codeVerifier: string; connectTag?: string };
const writeState = (s: StateCookie) => [s.state, s.codeVerifier, ...(s.connectTag ? ["connect", s.connectTag] : [])].join(".");
function readState(value: string | undefined): Partial<StateCookie> {
  const [state, codeVerifier, intent, connectTag] = (value ?? "").split(".");
  return { state, codeVerifier, connectTag: intent === "connect" ? (connectTag ?? "") : undefined };
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
        "With `connect`, the grant that POST /api/me/sign-ins/{provider}/connect answered (after the current password), the signed-in user connects the provider identity to their account instead of signing in; back on the profile page afterwards.",
      request: { params: SocialProviderParam, query: z.object({ connect: z.string().min(1).max(2048).optional() }) },
      responses: { 302: { description: "To the provider's consent page." }, 400: errors[400], 404: errors[404] },
    }),
    async (c) => {
      const { provider: name } = c.req.valid("param");
      const provider = configuredProvider(c.env, name);
      const { connect: grant } = c.req.valid("query");
      // The provider comes back to the cabinet's address (PUBLIC_URL), and the state cookie
      // must be there to meet it: started on another host name that reaches the same Worker
      // (workers.dev), the browser first goes to the cabinet's, or every attempt ended
      // "interrupted or expired".
      const cabinet = cabinetUrl(c.env, c.req.url);
      const here = new URL(c.req.url);
      if (here.origin !== new URL(cabinet).origin) return c.redirect(`${cabinet}${here.pathname}${here.search}`, 302);
      const signIn = grant === undefined ? undefined : await cookieSignIn(c);
      if (grant !== undefined && (!signIn || !(await grantAllows(c.env, grant, { userId: signIn.user.id, signIn: signIn.hash }, name)))) {
        return backToProfile(c, { error: CONNECT_INTERRUPTED });
      }
      const { url, state, codeVerifier } = startOAuth(provider, redirectUri(c, name));
      const connectTag = signIn && (await connectStateTag(c.env, state, name, signIn.hash));
      setCookie(c, STATE_COOKIE, writeState({ state, codeVerifier, connectTag }), {
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
      const provider = configuredProvider(c.env, name);
      const { code, state, error } = c.req.valid("query");
      const expected = readState(getCookie(c, STATE_COOKIE));
      deleteCookie(c, STATE_COOKIE, { path: "/api/auth/oauth" });
      const intact = !!code && !!state && !!expected.state && !!expected.codeVerifier && timingSafeEqualText(state, expected.state);
      if (expected.connectTag !== undefined) {
        return intact && !error ? connect(c, provider, code!, state!, expected.codeVerifier!, expected.connectTag) : backToProfile(c, { error: CONNECT_INTERRUPTED });
      }
      // The provider reports a refusal (RFC 6749 4.1.2.1: access_denied when the user said no).
      if (error === "access_denied") {
        return c.redirect(`/login?error=${encodeURIComponent("The sign-in was cancelled at the provider. Try again, or sign in with your e-mail address.")}`, 302);
      }
      if (!intact) return c.redirect(`/login?error=${encodeURIComponent(SIGN_IN_INTERRUPTED)}`, 302);
      try {
        const db = openDb(c.env.DB);
        const profile = await finishOAuth(provider, redirectUri(c, name), code!, expected.codeVerifier!);
        const user = await userForProfile(c.env, db, provider, profile, cabinetUrl(c.env, c.req.url), requestLanguage(c));
        setSessionCookie(c, await openSession(db, user.id, { ip: clientIp(c), userAgent: userAgent(c) }));
        return c.redirect("/computers", 302);
      } catch (err) {
        if (err instanceof ApiError) return c.redirect(`/login?error=${encodeURIComponent(err.message)}`, 302);
        throw err;
      }
    },
  );

function backToProfile(c: Context<AppEnv>, outcome: { error: string } | { connected: ProviderName }): Response {
  const query = "error" in outcome ? `error=${encodeURIComponent(outcome.error)}` : `connected=${outcome.connected}`;
  return c.redirect(`/profile?${query}`, 302);
}

/**
 * The callback of a connect: the identity is added to the account of the sign-in that started
 * it (still this browser's), whatever its address says: the user proved their password to
 * start it. The account's mailbox is told, so a connect it did not expect can be undone.
 */
async function connect(c: Context<AppEnv>, provider: OAuthProvider, code: string, state: string, codeVerifier: string, tag: string): Promise<Response> {
  const signIn = await cookieSignIn(c);
  if (!signIn || !timingSafeEqualText(tag, await connectStateTag(c.env, state, provider.name, signIn.hash))) {
    return backToProfile(c, { error: CONNECT_INTERRUPTED });
  }
  let profile: OAuthProfile;
  try {
    profile = await finishOAuth(provider, redirectUri(c, provider.name), code, codeVerifier);
  } catch (err) {
    if (err instanceof ApiError) return backToProfile(c, { error: err.message });
    throw err;
  }
  const db = openDb(c.env.DB);
  if (!(await connectIdentity(db, provider.name, profile.subject, signIn.user.id, profile.email))) {
    return backToProfile(c, { error: `This ${providerLabel(provider.name)} account is connected to another Edgedesk account.` });
  }
  const { user } = signIn;
  const mail = providerConnectedMail(user.email, providerLabel(provider.name), profile.email, cabinetUrl(c.env, c.req.url), mailLanguage(user.language, requestLanguage(c)));
  // Inside the promise: the identity is connected now, and a mail setting that fails (even
  // while picking the transport) must not turn that into a 500.
  c.executionCtx.waitUntil(
    Promise.resolve()
      .then(() => mailTransport(c.env, db).send(mail))
      .catch((err: unknown) => console.error(JSON.stringify({ event: "mail_failed", kind: "provider connected", userId: user.id, error: String(err) }))),
  );
  return backToProfile(c, { connected: provider.name });
}
