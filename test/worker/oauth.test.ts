// Social sign-in (F1.3) end to end against a real local OpenID Connect server: the browser's
// redirects are followed by hand, so state, PKCE and cookies are all exercised for real.
import { createExecutionContext, SELF, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { app } from "../../worker/app";
import { grantAllows, mintConnectGrant } from "../../worker/auth/connect-grant";
import { sha256Hex } from "../../worker/lib/bytes";
import { mintTicket, readTicket } from "../../worker/sessions/tickets";
import { activeUser, api, env, mailedPassword, ORIGIN, outbox, recoveryMails, recoveryToken, sessionCookie, uniqueEmail } from "./helpers";

async function nextIdentity(identity: { sub: string; email: string; email_verified?: boolean; given_name?: string; family_name?: string }) {
  await fetch(`http://127.0.0.1:${env.OIDC_TEST_CONTROL_PORT}/`, {
    method: "POST",
    body: JSON.stringify({ email_verified: true, given_name: "Grace", family_name: "Hopper", ...identity }),
  });
}

const cookieOf = (res: Response, name: string) => new RegExp(`${name}=([^;]*)`).exec(res.headers.get("Set-Cookie") ?? "")?.[1];

/** The user a sign-in's session cookie belongs to. */
async function userOf(done: Response): Promise<string> {
  expect(done.headers.get("Location")).toBe("/computers");
  const me = (await (await api("/api/me", { cookie: `edgedesk_session=${cookieOf(done, "edgedesk_session")}` })).json()) as { user: { id: string } };
  return me.user.id;
}

async function signIns(cookie: string): Promise<{ provider: string; connected: boolean; email: string; connectedAt: string | null }[]> {
  const res = await api("/api/me/sign-ins", { cookie });
  expect(res.status).toBe(200);
  return ((await res.json()) as { signIns: { provider: string; connected: boolean; email: string; connectedAt: string | null }[] }).signIns;
}

type RoundTrip = {
  /** Changes the provider's redirect back before the browser follows it. */
  tamper?: (callback: URL) => void;
  /** The callback runs with these settings changed (an endpoint answering garbage, a broken mail setting). */
  callbackEnv?: Partial<Env>;
  /** A connect from the profile: the grant's start URL (see connectStart), and the cookie the browser holds then; `callbackCookie` if it holds another by the time the provider comes back. */
  connect?: { url: string; cookie: string; callbackCookie?: string };
  /** Replaces the connect tag in the state cookie (a cookie planted from elsewhere). */
  plantTag?: string;
};

/** Start -> provider's authorize (auto-approves) -> callback, like a browser would. */
async function signInWith(provider: "google" | "facebook", trip: RoundTrip = {}) {
  const start = await SELF.fetch(`${ORIGIN}${trip.connect?.url ?? `/api/auth/oauth/${provider}/start`}`, {
    redirect: "manual",
    headers: trip.connect ? { Cookie: trip.connect.cookie } : undefined,
  });
  expect(start.status).toBe(302);
  const authorize = new URL(start.headers.get("Location")!);
  expect(authorize.searchParams.get("code_challenge_method")).toBe("S256");
  expect(authorize.searchParams.get("state")).toBeTruthy();
  const set = cookieOf(start, "edgedesk_oauth")!;
  const state = trip.plantTag ? set.replace(/\.connect\.[^.]*$/, `.connect.${trip.plantTag}`) : set;
  const approved = await fetch(authorize, { redirect: "manual" });
  const callback = new URL(approved.headers.get("Location")!);
  expect(callback.pathname).toBe(`/api/auth/oauth/${provider}/callback`);
  trip.tamper?.(callback);
  const session = trip.connect ? [trip.connect.callbackCookie ?? trip.connect.cookie] : [];
  const request = new Request(`${ORIGIN}${callback.pathname}${callback.search}`, { redirect: "manual", headers: { Cookie: [`edgedesk_oauth=${state}`, ...session].join("; ") } });
  if (!trip.callbackEnv) return SELF.fetch(request);
  const ctx = createExecutionContext();
  const res = await app.fetch(request, { ...env, ...trip.callbackEnv }, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

/** The profile's Connect: the current password buys the start URL with a grant for this sign-in. */
async function connectStart(provider: "google" | "facebook", user: { cookie: string; password: string }): Promise<string> {
  const res = await api(`/api/me/sign-ins/${provider}/connect`, { body: { password: user.password }, cookie: user.cookie });
  expect(res.status).toBe(200);
  return ((await res.json()) as { url: string }).url;
}

/** Connects the identity the provider names next to the user's account; where the browser lands. */
async function connectWith(provider: "google" | "facebook", user: { cookie: string; password: string }): Promise<string | null> {
  return (await signInWith(provider, { connect: { url: await connectStart(provider, user), cookie: user.cookie } })).headers.get("Location");
}

const loginError = (message: string) => `/login?error=${encodeURIComponent(message)}`;
const profileError = (message: string) => `/profile?error=${encodeURIComponent(message)}`;
const FACEBOOK_ACCOUNT_EXISTS = "An Edgedesk account already uses this e-mail address. Sign in with its password, then connect Facebook on your profile page.";
const CONNECT_INTERRUPTED = "Connecting was cancelled or interrupted. Try again.";

describe("sign-in with Google or Facebook (F1.3)", () => {
  it("creates an active account at once, signs in, and e-mails a password", async () => {
    const email = uniqueEmail("google");
    await nextIdentity({ sub: `g-${email}`, email });
    const done = await signInWith("google");
    expect(done.status).toBe(302);
    expect(done.headers.get("Location")).toBe("/computers");
    const cookie = `edgedesk_session=${cookieOf(done, "edgedesk_session")}`;
    const me = (await (await api("/api/me", { cookie })).json()) as { user: { email: string; status: string; firstName: string; mustChangePassword: boolean } };
    // Signed in by the provider, not with the e-mailed password: no forced password change first.
    expect(me.user).toMatchObject({ email, status: "active", firstName: "Grace", mustChangePassword: false });
    const password = await mailedPassword(email);
    expect((await api("/api/auth/login", { body: { email, password } })).status).toBe(200);
    // The mail says what happened (a Google sign-in, already active), not "activate by signing in".
    const mail = (await outbox()).find((m) => m.to === email)!;
    expect(mail.text).toContain("You signed in with Google, and your account is active.");
    expect(mail.text).toContain("If you did not sign in to Edgedesk, tell us by replying to this message.");
    expect(mail.text).not.toContain("activated by the first sign-in");
  });

  it("links an existing account with Google's verified e-mail instead of duplicating it", async () => {
    const u = await activeUser("linked");
    await nextIdentity({ sub: `g-${u.email}`, email: u.email });
    const done = await signInWith("google");
    expect(done.headers.get("Location")).toBe("/computers");
    expect(await userOf(done)).toBe(u.id);
    expect(await env.DB.prepare("SELECT count(*) AS n FROM users WHERE email = ?").bind(u.email).first("n")).toBe(1);
    // Linked by subject now: a later sign-in finds the same account even if the address changed.
    await nextIdentity({ sub: `g-${u.email}`, email: uniqueEmail("renamed") });
    expect(await userOf(await signInWith("google"))).toBe(u.id);
  });

  it("does not let Facebook's address walk into an existing account, active or pending: the owner connects it signed in", async () => {
    const u = await activeUser("fb-owner");
    await nextIdentity({ sub: `fb-${u.email}`, email: u.email });
    const refused = await signInWith("facebook");
    expect(refused.headers.get("Location")).toBe(loginError(FACEBOOK_ACCOUNT_EXISTS));
    expect(refused.headers.get("Set-Cookie") ?? "").not.toContain("edgedesk_session=");
    expect(await env.DB.prepare("SELECT count(*) AS n FROM oauth_accounts WHERE user_id = ?").bind(u.id).first("n")).toBe(0);
    expect(await signIns(u.cookie)).toEqual([
      { provider: "google", connected: false, email: "", connectedAt: null },
      { provider: "facebook", connected: false, email: "", connectedAt: null },
    ]);
    // A pending account (registered, never signed in) is not entered either, and stays pending.
    const pending = uniqueEmail("fb-pending");
    await api("/api/auth/register", { body: { email: pending } });
    await nextIdentity({ sub: `fb-${pending}`, email: pending });
    expect((await signInWith("facebook")).headers.get("Location")).toBe(loginError(FACEBOOK_ACCOUNT_EXISTS));
    expect(await env.DB.prepare("SELECT status FROM users WHERE email = ?").bind(pending).first("status")).toBe("pending");

    // Signed in, with the current password, the owner connects that Facebook identity...
    await nextIdentity({ sub: `fb-${u.email}`, email: u.email });
    const connected = await signInWith("facebook", { connect: { url: await connectStart("facebook", u), cookie: u.cookie } });
    expect(connected.headers.get("Location")).toBe("/profile?connected=facebook");
    expect(connected.headers.get("Set-Cookie") ?? "").not.toContain("edgedesk_session=");
    expect(await signIns(u.cookie)).toMatchObject([
      { provider: "google", connected: false },
      { provider: "facebook", connected: true, email: u.email, connectedAt: expect.any(String) },
    ]);
    // ...the account's mailbox is told, with the way to undo it...
    const told = (await outbox()).find((m) => m.to === u.email && m.subject === "Facebook was connected to your Edgedesk account");
    expect(told?.text).toContain(`Facebook account: ${u.email}`);
    expect(told?.text).toContain("If this was not you, choose a new password at http://localhost/recover");
    // ...and Facebook signs in to the account from then on, whatever address it gives.
    await nextIdentity({ sub: `fb-${u.email}`, email: uniqueEmail("fb-renamed") });
    expect(await userOf(await signInWith("facebook"))).toBe(u.id);

    // Another user cannot connect the same identity: it stays the owner's, theirs unchanged.
    const other = await activeUser("fb-other");
    await nextIdentity({ sub: `fb-other-${other.email}`, email: other.email });
    expect(await connectWith("facebook", other)).toBe("/profile?connected=facebook");
    await nextIdentity({ sub: `fb-${u.email}`, email: u.email });
    expect(await connectWith("facebook", other)).toBe(profileError("This Facebook account is connected to another Edgedesk account."));
    expect(await userOf(await signInWith("facebook"))).toBe(u.id);
    await nextIdentity({ sub: `fb-other-${other.email}`, email: other.email });
    expect(await userOf(await signInWith("facebook"))).toBe(other.id);

    // Connecting another identity of the same provider replaces the first; one the provider
    // gives no address for connects too (signing in needs one, connecting does not).
    await nextIdentity({ sub: `fb-second-${u.email}`, email: "" });
    expect(await connectWith("facebook", u)).toBe("/profile?connected=facebook");
    expect(await env.DB.prepare("SELECT subject, email FROM oauth_accounts WHERE user_id = ?").bind(u.id).all()).toMatchObject({ results: [{ subject: `fb-second-${u.email}`, email: "" }] });
    const [latest] = (await outbox()).filter((m) => m.to === u.email && m.subject === "Facebook was connected to your Edgedesk account");
    expect(latest?.text).not.toContain("Facebook account:");
    // Connected again, the same identity takes the address the provider gives now.
    await nextIdentity({ sub: `fb-second-${u.email}`, email: `again-${u.email}` });
    expect(await connectWith("facebook", u)).toBe("/profile?connected=facebook");
    expect(await env.DB.prepare("SELECT subject, email FROM oauth_accounts WHERE user_id = ?").bind(u.id).all()).toMatchObject({
      results: [{ subject: `fb-second-${u.email}`, email: `again-${u.email}` }],
    });
    expect(await userOf(await signInWith("facebook"))).toBe(u.id);

    // Disconnected, Facebook no longer signs in to it (the address is refused as at first).
    expect((await api("/api/me/sign-ins/facebook", { method: "DELETE", cookie: u.cookie })).status).toBe(204);
    expect((await signIns(u.cookie)).find((s) => s.provider === "facebook")).toEqual({ provider: "facebook", connected: false, email: "", connectedAt: null });
    await nextIdentity({ sub: `fb-second-${u.email}`, email: u.email });
    expect((await signInWith("facebook")).headers.get("Location")).toBe(loginError(FACEBOOK_ACCOUNT_EXISTS));
  });

  it("creates a new account for an address nobody has, as Google does", async () => {
    const email = uniqueEmail("fb-new");
    await nextIdentity({ sub: `fb-${email}`, email });
    const done = await signInWith("facebook");
    const me = (await (await api("/api/me", { cookie: `edgedesk_session=${cookieOf(done, "edgedesk_session")}` })).json()) as { user: { email: string; status: string } };
    expect(me.user).toMatchObject({ email, status: "active" });
    // Its password mail says how to take the account back if someone else used the address at Facebook.
    const mail = (await outbox()).find((m) => m.to === email)!;
    expect(mail.text).toContain("If you did not sign in to Edgedesk, someone used your address at Facebook: choose a new password at http://localhost/recover");
  });

  it("connects only with the current password, for the sign-in that asked, and back on the profile whatever goes wrong", async () => {
    const u = await activeUser("fb-guard");
    await nextIdentity({ sub: `fb-guard-${u.email}`, email: "" });
    // A stolen cookie without the password buys nothing.
    const wrong = await api("/api/me/sign-ins/facebook/connect", { body: { password: "not the password" }, cookie: u.cookie });
    expect(wrong.status).toBe(403);
    expect(await wrong.json()).toMatchObject({ error: { code: "wrong_password" } });
    // Without a grant, or with one for another provider, or one made for another sign-in of the same user: nothing starts.
    const noGrant = await SELF.fetch(`${ORIGIN}/api/auth/oauth/facebook/start?connect=forged`, { redirect: "manual", headers: { Cookie: u.cookie } });
    expect(noGrant.headers.get("Location")).toBe(profileError(CONNECT_INTERRUPTED));
    expect(noGrant.headers.get("Set-Cookie")).toBeNull();
    const googleGrant = (await connectStart("google", u)).replace("/google/", "/facebook/");
    expect((await SELF.fetch(`${ORIGIN}${googleGrant}`, { redirect: "manual", headers: { Cookie: u.cookie } })).headers.get("Location")).toBe(profileError(CONNECT_INTERRUPTED));
    const secondBrowser = sessionCookie(await api("/api/auth/login", { body: { email: u.email, password: u.password } }));
    const grant = await connectStart("facebook", u);
    expect((await SELF.fetch(`${ORIGIN}${grant}`, { redirect: "manual", headers: { Cookie: secondBrowser } })).headers.get("Location")).toBe(profileError(CONNECT_INTERRUPTED));
    expect((await SELF.fetch(`${ORIGIN}${grant}`, { redirect: "manual" })).headers.get("Location")).toBe(profileError(CONNECT_INTERRUPTED));
    // Started here, but another sign-in (or none) in the browser when the provider comes back.
    expect((await signInWith("facebook", { connect: { url: grant, cookie: u.cookie, callbackCookie: secondBrowser } })).headers.get("Location")).toBe(profileError(CONNECT_INTERRUPTED));
    expect((await signInWith("facebook", { connect: { url: await connectStart("facebook", u), cookie: u.cookie, callbackCookie: "" } })).headers.get("Location")).toBe(profileError(CONNECT_INTERRUPTED));
    // Refused at the provider, or a forged state: back on the profile, not the login page.
    const denied = await signInWith("facebook", {
      connect: { url: await connectStart("facebook", u), cookie: u.cookie },
      tamper: (cb) => {
        cb.searchParams.delete("code");
        cb.searchParams.set("error", "access_denied");
      },
    });
    expect(denied.headers.get("Location")).toBe(profileError(CONNECT_INTERRUPTED));
    const forged = await signInWith("facebook", { connect: { url: await connectStart("facebook", u), cookie: u.cookie }, tamper: (cb) => cb.searchParams.set("state", "forged") });
    expect(forged.headers.get("Location")).toBe(profileError(CONNECT_INTERRUPTED));
    expect(await env.DB.prepare("SELECT count(*) AS n FROM oauth_accounts WHERE user_id = ?").bind(u.id).first("n")).toBe(0);
    // A grant past its two minutes opens nothing; a grant is no stream ticket, nor a ticket a grant.
    const signInHash = await sha256Hex(u.cookie.split("=")[1]!);
    const stale = await mintConnectGrant(env, { userId: u.id, signIn: signInHash, provider: "facebook" }, Date.now() - 121_000);
    expect((await SELF.fetch(`${ORIGIN}/api/auth/oauth/facebook/start?connect=${stale}`, { redirect: "manual", headers: { Cookie: u.cookie } })).headers.get("Location")).toBe(profileError(CONNECT_INTERRUPTED));
    const live = await mintConnectGrant(env, { userId: u.id, signIn: signInHash, provider: "facebook" });
    expect(await grantAllows(env, live, { userId: u.id, signIn: signInHash }, "facebook")).toBe(true);
    expect(await readTicket(env, live, "viewer")).toBeUndefined();
    const ticket = await mintTicket(env, { sid: "s", cid: "c", role: "viewer", uid: u.id });
    expect(await grantAllows(env, ticket, { userId: u.id, signIn: signInHash }, "facebook")).toBe(false);
    // A connect state cookie planted with a made-up tag connects nothing.
    const planted = await signInWith("facebook", {
      connect: { url: await connectStart("facebook", u), cookie: u.cookie },
      tamper: () => undefined,
      plantTag: "made-up",
    });
    expect(planted.headers.get("Location")).toBe(profileError(CONNECT_INTERRUPTED));
    expect(await env.DB.prepare("SELECT count(*) AS n FROM oauth_accounts WHERE user_id = ?").bind(u.id).first("n")).toBe(0);
    // A mail setting that fails does not undo or fail the connect: it is logged.
    const noMail = await signInWith("facebook", { connect: { url: await connectStart("facebook", u), cookie: u.cookie }, callbackEnv: { MAIL_TRANSPORT: "cloudflare" } });
    expect(noMail.headers.get("Location")).toBe("/profile?connected=facebook");
    expect((await signIns(u.cookie)).find((s) => s.provider === "facebook")).toMatchObject({ connected: true, email: "" });
    // The input of the routes is checked.
    expect((await SELF.fetch(`${ORIGIN}/api/auth/oauth/facebook/start?connect=`, { redirect: "manual", headers: { Cookie: u.cookie } })).status).toBe(400);
    expect((await api("/api/me/sign-ins/facebook/connect", { body: {}, cookie: u.cookie })).status).toBe(400);
    expect((await api("/api/me/sign-ins/facebook/connect", { body: { password: u.password } })).status).toBe(401);
    expect((await api("/api/me/sign-ins/myspace", { method: "DELETE", cookie: u.cookie })).status).toBe(400);
    expect((await api("/api/me/sign-ins")).status).toBe(401);
    expect((await api("/api/me/sign-ins/google", { method: "DELETE" })).status).toBe(401);
  });

  it("forgets the provider links of an account whose password is reset: the mailbox is what a reset proves", async () => {
    const u = await activeUser("fb-reset");
    await nextIdentity({ sub: `fb-${u.email}`, email: u.email });
    expect(await connectWith("facebook", u)).toBe("/profile?connected=facebook");
    await api("/api/auth/recover", { body: { email: u.email } });
    const token = recoveryToken((await recoveryMails(u.email))[0]!);
    expect((await api("/api/auth/reset", { body: { token, newPassword: "taken back by the owner" } })).status).toBe(204);
    expect(await env.DB.prepare("SELECT count(*) AS n FROM oauth_accounts WHERE user_id = ?").bind(u.id).first("n")).toBe(0);
    expect((await signInWith("facebook")).headers.get("Location")).toBe(loginError(FACEBOOK_ACCOUNT_EXISTS));
  });

  it("refuses a wrong state, a wrong code and an unverified address, without signing in", async () => {
    const email = uniqueEmail("evil");
    await nextIdentity({ sub: `g-${email}`, email });
    const badState = await signInWith("google", { tamper: (cb) => cb.searchParams.set("state", "forged-state-value") });
    expect(badState.headers.get("Location")).toMatch(/^\/login\?error=/);
    expect(badState.headers.get("Set-Cookie") ?? "").not.toContain("edgedesk_session=");

    const badCode = await signInWith("google", { tamper: (cb) => cb.searchParams.set("code", "not-a-code") });
    expect(badCode.headers.get("Location")).toMatch(/^\/login\?error=/);

    await nextIdentity({ sub: `g2-${email}`, email, email_verified: false });
    const unverified = await signInWith("google");
    expect(decodeURIComponent(unverified.headers.get("Location")!)).toContain("no verified e-mail");
    expect(await env.DB.prepare("SELECT count(*) AS n FROM users WHERE email = ?").bind(email).first("n")).toBe(0);
  });

  it("sends the user back to the login page when the provider cannot be reached or answers garbage", async () => {
    const garbage = `http://127.0.0.1:${env.OIDC_TEST_CONTROL_PORT}/not-json`;
    // Nothing listens on port 1: the connection is refused.
    const unreachable = "http://127.0.0.1:1/";
    const cases: [string, Partial<Env>, string][] = [
      ["user info not JSON", { OAUTH_GOOGLE_USERINFO_URL: garbage }, "Google did not tell us who you are. Try again."],
      ["user info unreachable", { OAUTH_GOOGLE_USERINFO_URL: unreachable }, "Google did not tell us who you are. Try again."],
      ["token not JSON", { OAUTH_GOOGLE_TOKEN_URL: garbage }, "Google did not confirm the sign-in. Try again."],
      ["token unreachable", { OAUTH_GOOGLE_TOKEN_URL: unreachable }, "Google did not confirm the sign-in. Try again."],
    ];
    for (const [label, settings, message] of cases) {
      const email = uniqueEmail("flaky");
      await nextIdentity({ sub: `g-${email}`, email });
      const res = await signInWith("google", { callbackEnv: settings });
      expect(res.status, label).toBe(302);
      expect(res.headers.get("Location"), label).toBe(`/login?error=${encodeURIComponent(message)}`);
      expect(res.headers.get("Set-Cookie") ?? "", label).not.toContain("edgedesk_session=");
      expect(await env.DB.prepare("SELECT count(*) AS n FROM users WHERE email = ?").bind(email).first("n"), label).toBe(0);
    }
  });

  it("signs a new user in with a whole account when the password mail cannot be sent", async () => {
    const email = uniqueEmail("nomail");
    await nextIdentity({ sub: `g-${email}`, email });
    const done = await signInWith("google", { callbackEnv: { MAIL_TRANSPORT: "broken" } });
    expect(done.status).toBe(302);
    expect(done.headers.get("Location")).toBe("/computers");
    const me = (await (await api("/api/me", { cookie: `edgedesk_session=${cookieOf(done, "edgedesk_session")}` })).json()) as { user: { id: string; email: string; status: string; mustChangePassword: boolean } };
    expect(me.user).toMatchObject({ email, status: "active", mustChangePassword: false });
    expect(await env.DB.prepare("SELECT user_id FROM oauth_accounts WHERE provider = 'google' AND subject = ?").bind(`g-${email}`).first("user_id")).toBe(me.user.id);
    expect((await outbox()).some((m) => m.to === email)).toBe(false);
    // The next sign-in finds the same account by its link.
    const again = await signInWith("google");
    expect(again.headers.get("Location")).toBe("/computers");
    expect(await env.DB.prepare("SELECT count(*) AS n FROM users WHERE email = ?").bind(email).first("n")).toBe(1);
  });

  it("starts on the cabinet's own address, where the provider comes back to, when opened on another host name", async () => {
    const start = async (publicUrl: string) => {
      const ctx = createExecutionContext();
      const res = await app.fetch(new Request(`${ORIGIN}/api/auth/oauth/google/start`, { redirect: "manual" }), { ...env, PUBLIC_URL: publicUrl }, ctx);
      await waitOnExecutionContext(ctx);
      return res;
    };
    const elsewhere = await start("https://cabinet.example");
    expect(elsewhere.status).toBe(302);
    expect(elsewhere.headers.get("Location")).toBe("https://cabinet.example/api/auth/oauth/google/start");
    // No state cookie on the host the provider never comes back to.
    expect(elsewhere.headers.get("Set-Cookie")).toBeNull();
    const here = await start(ORIGIN);
    expect(new URL(here.headers.get("Location")!).searchParams.get("redirect_uri")).toBe(`${ORIGIN}/api/auth/oauth/google/callback`);
    expect(cookieOf(here, "edgedesk_oauth")).toBeTruthy();
  });

  it("refuses an unknown provider as invalid input", async () => {
    expect((await SELF.fetch(`${ORIGIN}/api/auth/oauth/myspace/start`, { redirect: "manual" })).status).toBe(400);
  });
});
