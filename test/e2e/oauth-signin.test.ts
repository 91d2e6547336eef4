// F1.3 through the real UI: "Continue with Google/Facebook" on the login page, with a real
// local OAuth 2.0 / OpenID Connect server process (oauth2-mock-server) standing in for both
// providers. Chromium follows every redirect itself (the Worker's start route, the provider's
// /authorize, which approves at once, and the Worker's callback), so the state cookie, PKCE,
// the code exchange and the user-info call all happen for real. This file runs its own
// Worker, because the provider endpoints are configuration the shared Worker does not have.
import type { Browser, BrowserContext, Page } from "playwright-core";
import { OAuth2Server, type MutableRedirectUri, type MutableResponse } from "oauth2-mock-server";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from "vitest";
import type { User } from "../../protocol/api";
import { apiFetch, browserCookies, createAccount, signIn } from "./backend";
import { lowContrastText } from "./contrast";
import { UI_TIMEOUT } from "./browser-fixture";
import { launchBrowser, readPasswordFromOutbox, screenshot, startWorker, uniqueEmail, type RunningWorker } from "./harness";

/** Who the provider says the user is on its next user-info answer. */
type Identity = { sub: string; email: string; email_verified: boolean; given_name: string; family_name: string };

let oidc: OAuth2Server;
let oidcUrl: string;
let next: Identity;
/** How often the Worker asked the provider who the user is (it does so after a code exchange). */
let userinfoCalls = 0;
let worker: RunningWorker;
let browser: Browser;
let page: Page;
/** Every context the test opened, closed after it. */
let contexts: BrowserContext[] = [];
/** Uncaught exceptions in the page fail the test that caused them. */
let pageErrors: string[];
/** Every request the browser made to the provider: proof the sign-in really went through it. */
let providerRequests: URL[];

/** Google and Facebook both pointed at the local server, as test/worker's vitest.config.mts does. */
function providerVars(base: string): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const p of ["GOOGLE", "FACEBOOK"]) {
    vars[`OAUTH_${p}_CLIENT_ID`] = `edgedesk-e2e-${p.toLowerCase()}`;
    vars[`OAUTH_${p}_CLIENT_SECRET`] = "e2e-secret";
    vars[`OAUTH_${p}_AUTHORIZE_URL`] = `${base}/authorize`;
    vars[`OAUTH_${p}_TOKEN_URL`] = `${base}/token`;
    vars[`OAUTH_${p}_USERINFO_URL`] = `${base}/userinfo`;
  }
  return vars;
}

function identityFor(email: string, overrides: Partial<Identity> = {}): Identity {
  return { sub: `subject-${email}`, email, email_verified: true, given_name: "Ada", family_name: "Lovelace", ...overrides };
}

beforeAll(async () => {
  oidc = new OAuth2Server();
  await oidc.issuer.keys.generate("RS256");
  oidc.service.on("beforeUserinfo", (res: MutableResponse) => {
    userinfoCalls++;
    // Google-style (sub, email_verified, given_name) and Facebook-style (id, first_name) fields at once.
    res.body = { ...next, id: next.sub, first_name: next.given_name, last_name: next.family_name };
  });
  // Port 0: the system picks a free one; loopback only.
  await oidc.start(0, "127.0.0.1");
  oidcUrl = oidc.issuer.url!;
  worker = await startWorker({ vars: providerVars(oidcUrl) });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await worker?.stop();
  await oidc?.stop();
});

beforeEach(async () => {
  pageErrors = [];
  providerRequests = [];
  ({ page } = await openBrowser());
});

afterEach(async () => {
  for (const ctx of contexts) await ctx.close();
  contexts = [];
  expect(pageErrors).toEqual([]);
});

/** A fresh browser (no cookies) on the test's Worker, in English. */
async function openBrowser(): Promise<{ context: BrowserContext; page: Page }> {
  const ctx = await browser.newContext({ baseURL: worker.url, viewport: { width: 1280, height: 800 }, locale: "en-US" });
  contexts.push(ctx);
  ctx.setDefaultTimeout(UI_TIMEOUT);
  // Page loads get more room than a UI step (see browser-fixture.ts).
  ctx.setDefaultNavigationTimeout(2 * UI_TIMEOUT);
  const p = await ctx.newPage();
  p.on("pageerror", (error) => pageErrors.push(error.message));
  p.on("request", (request) => request.url().startsWith(oidcUrl) && providerRequests.push(new URL(request.url())));
  return { context: ctx, page: p };
}

async function expectPath(path: string, on = page): Promise<void> {
  await on.waitForURL((url) => url.pathname === path, { timeout: UI_TIMEOUT });
}

/**
 * Signed in on the cabinet's computers page. The Worker's callback redirects to /computers
 * whatever the account's state, and the app may then send the user on (to the forced password
 * change), so the path alone proves nothing: the page's heading has to render, and stay there.
 * A new account's introductory tour (F1.6; intro-tour.test.ts covers it) is skipped first.
 */
async function expectCabinet(on = page, options: { skipTour?: boolean } = {}): Promise<void> {
  await expectPath("/computers", on);
  if (options.skipTour) {
    await on.getByRole("button", { name: "Skip tour" }).click();
    await on.locator(".driver-popover").waitFor({ state: "detached" });
  }
  await on.getByRole("heading", { name: "Computers", level: 1 }).waitFor();
  expect(new URL(on.url()).pathname).toBe("/computers");
}

/** Back on the login page with the Worker's error (?error=…), not merely still on it. */
async function expectLoginError(): Promise<void> {
  await page.waitForURL((url) => url.pathname === "/login" && url.searchParams.has("error"), { timeout: UI_TIMEOUT });
}

/** On the login page, clicks the provider's button; the browser then follows the redirects on its own. */
async function continueWith(provider: "Google" | "Facebook", on = page): Promise<void> {
  await on.goto("/login");
  await on.getByRole("link", { name: `Continue with ${provider}` }).click();
}

/** The signed-in user as the browser's own cookie shows it (GET /api/me from the page's context). */
async function me(on = page): Promise<User> {
  const response = await on.request.get("/api/me");
  expect(response.status()).toBe(200);
  return ((await response.json()) as { user: User }).user;
}

async function mailsTo(email: string): Promise<{ subject: string; text: string }[]> {
  const mails = (await (await fetch(`${worker.url}/dev/mail.json`)).json()) as { to: string; subject: string; text: string }[];
  return mails.filter((m) => m.to.toLowerCase() === email.toLowerCase());
}

/** The browser went to the provider's /authorize with PKCE (S256) and a state, as arctic builds it. */
function expectAuthorizeVisit(clientId: string): void {
  const authorize = providerRequests.find((url) => url.pathname === "/authorize");
  expect(authorize, "the browser never reached the provider's /authorize").toBeDefined();
  expect(authorize!.searchParams.get("client_id")).toBe(clientId);
  expect(authorize!.searchParams.get("code_challenge_method")).toBe("S256");
  expect(authorize!.searchParams.get("state")).toBeTruthy();
}

/**
 * Whether an account exists for `email`, asked from outside as anyone could: registering a new
 * address mails a password, an existing one gets a mail without one. (Registers it if not.)
 */
async function accountExisted(email: string): Promise<boolean> {
  const before = (await mailsTo(email)).length;
  const response = await apiFetch(worker.url, "/api/auth/register", { method: "POST", body: { email } });
  expect(response.status).toBe(202);
  await expect.poll(async () => (await mailsTo(email)).length, { timeout: 15_000 }).toBe(before + 1);
  const [newest] = await mailsTo(email);
  return !/^Password: /m.test(newest!.text);
}

describe("sign-in with Google or Facebook through the login page (F1.3)", () => {
  test("a new Google user gets an active account, lands signed in in the cabinet, is mailed a password, and comes back to the same account", async () => {
    const email = uniqueEmail("google-new");
    next = identityFor(email);

    await continueWith("Google");
    await expectCabinet(page, { skipTour: true });
    expectAuthorizeVisit("edgedesk-e2e-google");
    await screenshot(page, "oauth-google-new");

    // A new account for the provider's address, active at once, with the provider's names.
    const user = await me();
    expect(user).toMatchObject({ email, status: "active", firstName: "Ada", lastName: "Lovelace", mustChangePassword: false });

    // The welcome mail holds a password that works without the provider too.
    const password = await readPasswordFromOutbox(worker.url, email);
    expect(await mailsTo(email)).toHaveLength(1);
    await signIn(worker.url, { email, password });

    // Signed out, then the same Google identity again: the same account, not a second one.
    await page.getByRole("button", { name: `Account: ${email}` }).click();
    await page.getByRole("menu", { name: "Profile" }).getByRole("menuitem", { name: "Sign out" }).click();
    await expectPath("/login");
    expect((await page.request.get("/api/me")).status()).toBe(401);
    providerRequests = [];
    await continueWith("Google");
    await expectCabinet();
    expectAuthorizeVisit("edgedesk-e2e-google");
    expect((await me()).id).toBe(user.id);
    // No second welcome mail: no second account was made.
    expect(await mailsTo(email)).toHaveLength(1);
  });

  test("an account registered with Google's verified e-mail is linked, not duplicated", async () => {
    // Registered and in use with a password of its own (through the API, as other tests do).
    const account = await createAccount(worker.url, "google-linked");
    const owner = (await (await apiFetch(worker.url, "/api/me", { cookie: await signIn(worker.url, account) })).json()) as { user: User };
    const mailsBefore = (await mailsTo(account.email)).length;
    // The provider spells the address in capitals: still the same account.
    next = identityFor(account.email.toUpperCase());

    await continueWith("Google");
    // Its tour was marked done by createAccount, so none shows.
    await expectCabinet();
    expectAuthorizeVisit("edgedesk-e2e-google");
    expect((await me()).id).toBe(owner.user.id);
    // No new account: no welcome mail, and the account's own password still works.
    expect(await mailsTo(account.email)).toHaveLength(mailsBefore);
    await signIn(worker.url, account);

    // Linked by the provider's subject now: in another browser, the same Google identity
    // reaches the same account.
    const other = await openBrowser();
    await continueWith("Google", other.page);
    await expectCabinet(other.page);
    expect((await me(other.page)).id).toBe(owner.user.id);
  });

  test("Facebook with an existing account's address is refused until the owner connects it on the profile page; disconnected, it is refused again", async () => {
    const account = await createAccount(worker.url, "facebook-owner");
    const cookie = await signIn(worker.url, account);
    const owner = (await (await apiFetch(worker.url, "/api/me", { cookie })).json()) as { user: User };
    next = identityFor(account.email);

    // Facebook's address alone does not open the account: the page says what to do instead.
    await continueWith("Facebook");
    await expectLoginError();
    expectAuthorizeVisit("edgedesk-e2e-facebook");
    await page.getByRole("alert").filter({ hasText: "Sign in with its password, then connect Facebook on your profile page." }).waitFor();
    expect((await page.request.get("/api/me")).status()).toBe(401);

    // Signed in, the owner connects it from the profile, through the provider and back.
    await page.context().addCookies(browserCookies(worker.url, cookie));
    await page.goto("/profile");
    const signIns = page.getByRole("region", { name: "Sign-in with Google or Facebook" });
    const facebookRow = signIns.getByRole("listitem").filter({ hasText: "Facebook" });
    await facebookRow.getByText("Not connected").waitFor();
    // It asks for the current password first; a wrong one connects nothing.
    await facebookRow.getByRole("button", { name: "Connect Facebook" }).click();
    const dialog = page.getByRole("dialog", { name: "Connect Facebook" });
    await dialog.getByLabel("Current password").fill("not my password");
    await dialog.getByRole("button", { name: "Continue to Facebook" }).click();
    await dialog.getByRole("alert").filter({ hasText: "The password is not correct. Nothing was connected." }).waitFor();
    providerRequests = [];
    await dialog.getByLabel("Current password").fill(account.password);
    await dialog.getByRole("button", { name: "Continue to Facebook" }).click();
    // Back on the profile (the Worker's redirect to /profile?connected=facebook), which says
    // so once: the address drops the word, so a reload does not say it again.
    await page.getByRole("status").filter({ hasText: "Facebook is connected: you can sign in with it." }).waitFor();
    expectAuthorizeVisit("edgedesk-e2e-facebook");
    expect(new URL(page.url()).pathname).toBe("/profile");
    await expect.poll(() => new URL(page.url()).search).toBe("");
    await facebookRow.getByText(`${account.email}, connected since `, { exact: false }).waitFor();
    await screenshot(page, "profile-sign-ins");
    expect((await mailsTo(account.email)).some((m) => m.subject === "Facebook was connected to your Edgedesk account")).toBe(true);
    expect(await lowContrastText(page)).toEqual([]);
    // On a phone the list fits the screen: no sideways scrolling, every button on it.
    await page.setViewportSize({ width: 360, height: 740 });
    await facebookRow.getByRole("button", { name: "Disconnect Facebook" }).waitFor();
    expect(await page.evaluate(() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth))).toBeLessThanOrEqual(360);
    for (const button of await signIns.getByRole("button").all()) {
      const box = (await button.boundingBox())!;
      expect(box.x + box.width).toBeLessThanOrEqual(360);
    }
    await screenshot(page, "profile-sign-ins-phone");
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.reload();
    await facebookRow.getByRole("button", { name: "Disconnect Facebook" }).waitFor();
    expect(await page.getByRole("status").filter({ hasText: "Facebook is connected" }).count()).toBe(0);

    // Now Facebook signs in to that account, in a browser that knows nothing of it.
    const other = await openBrowser();
    await continueWith("Facebook", other.page);
    await expectCabinet(other.page);
    expect((await me(other.page)).id).toBe(owner.user.id);

    // Disconnected, Facebook is refused again; the password still signs in.
    await facebookRow.getByRole("button", { name: "Disconnect Facebook" }).click();
    await facebookRow.getByRole("button", { name: "Connect Facebook" }).waitFor();
    await facebookRow.getByText("Not connected").waitFor();
    const third = await openBrowser();
    await continueWith("Facebook", third.page);
    await third.page.waitForURL((url) => url.pathname === "/login" && url.searchParams.has("error"));
    await third.page.getByRole("alert").filter({ hasText: "Sign in with its password, then connect Facebook on your profile page." }).waitFor();
    await signIn(worker.url, account);
  });

  test("an account registered but never signed in is activated and linked by the provider", async () => {
    const email = uniqueEmail("google-pending");
    const registered = await apiFetch(worker.url, "/api/auth/register", { method: "POST", body: { email } });
    expect(registered.status).toBe(202);
    const mailed = await readPasswordFromOutbox(worker.url, email);
    next = identityFor(email);

    await continueWith("Google");
    await expectCabinet(page, { skipTour: true });
    const user = await me();
    expect(user).toMatchObject({ email, status: "active", mustChangePassword: false });
    // Still one account: the e-mailed password signs in to it, and no second welcome mail came.
    expect(await mailsTo(email)).toHaveLength(1);
    const cookie = await signIn(worker.url, { email, password: mailed });
    const viaPassword = (await (await apiFetch(worker.url, "/api/me", { cookie })).json()) as { user: User };
    expect(viaPassword.user.id).toBe(user.id);
  });

  test("an address the provider has not verified is refused on the login page, and no account is created", async () => {
    const email = uniqueEmail("google-unverified");
    next = identityFor(email, { email_verified: false });

    await continueWith("Google");
    await expectLoginError();
    expectAuthorizeVisit("edgedesk-e2e-google");
    await page.getByRole("alert").filter({ hasText: "gave no verified e-mail address; sign in with e-mail instead." }).waitFor();
    await screenshot(page, "oauth-unverified");
    expect((await page.request.get("/api/me")).status()).toBe(401);
    expect(await mailsTo(email)).toHaveLength(0);
    expect(await accountExisted(email)).toBe(false);
  });

  test("a user who denies the provider's consent is back on the login page with an error, and no account is created", async () => {
    const email = uniqueEmail("facebook-denied");
    next = identityFor(email);
    const userinfoBefore = userinfoCalls;
    // The provider answers the way OAuth 2.0 says a refusal looks (RFC 6749 4.1.2.1): no code, error=access_denied.
    oidc.service.once("beforeAuthorizeRedirect", ({ url }: MutableRedirectUri) => {
      url.searchParams.delete("code");
      url.searchParams.set("error", "access_denied");
    });

    await continueWith("Facebook");
    await expectLoginError();
    expectAuthorizeVisit("edgedesk-e2e-facebook");
    await page.getByRole("alert").filter({ hasText: "The sign-in was cancelled at the provider." }).waitFor();
    expect((await page.request.get("/api/me")).status()).toBe(401);
    // The provider was never asked who the user is: the Worker stopped at the missing code.
    expect(userinfoCalls).toBe(userinfoBefore);
    expect(await mailsTo(email)).toHaveLength(0);
    expect(await accountExisted(email)).toBe(false);
  });
});
