// F1.5 and F1.3 on the login page, through the real UI: ask for a reset link, open it from the
// dev outbox, choose a new password, sign in with it; the link works once; an unknown address
// gets the same confirmation; the provider buttons and a provider's ?error= on the login page.
import { beforeAll, describe, expect, test } from "vitest";
import { apiFetch, createAccount, readLinkFromOutbox, type Account } from "./backend";
import { usePage } from "./browser-fixture";
import { screenshot, uniqueEmail } from "./harness";

const fixture = usePage();
const baseUrl = fixture.baseUrl;
const { expectPath, submitSignIn } = fixture;

async function askForLink(email: string): Promise<void> {
  const page = fixture.page;
  await page.goto("/login");
  await page.getByRole("link", { name: "Forgot your password?" }).click();
  await expectPath("/recover");
  await page.getByRole("heading", { name: "Reset your password" }).waitFor();
  await page.getByLabel("E-mail").fill(email);
  await page.getByRole("button", { name: "Send reset link" }).click();
  await page.getByRole("heading", { name: "Check your inbox" }).waitFor();
  await expect(page.getByRole("status").textContent()).resolves.toContain(email);
}

describe("password recovery", () => {
  let account: Account;

  beforeAll(async () => {
    account = await createAccount(baseUrl, "recovery");
  });

  test("request a link, open it from the e-mail, set a new password and sign in with it; the link works once", async () => {
    const page = fixture.page;
    await askForLink(account.email);
    await screenshot(page, "recover-sent");

    const link = await readLinkFromOutbox(baseUrl, account.email, "/reset-password?token=");
    await page.goto(link.replace(/^https?:\/\/[^/]+/, ""));
    await page.getByRole("heading", { name: "Choose a new password" }).waitFor();
    await screenshot(page, "reset-password");

    // The two fields must agree.
    await page.getByLabel("New password", { exact: true }).fill("a-recovered-password-1");
    await page.getByLabel("Repeat the new password").fill("a-recovered-password-2");
    await page.getByRole("button", { name: "Set new password" }).click();
    await page.getByRole("alert").filter({ hasText: "do not match" }).waitFor();

    await page.getByLabel("Repeat the new password").fill("a-recovered-password-1");
    await page.getByRole("button", { name: "Set new password" }).click();
    await expectPath("/login");
    await page.getByText("Your password was changed. Sign in with the new one.").waitFor();

    // The old password no longer works; the new one does.
    await submitSignIn(account.email, account.password);
    await page.getByRole("alert").filter({ hasText: /./ }).first().waitFor();
    await page.getByLabel("Password", { exact: true }).fill("a-recovered-password-1");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expectPath("/computers");
    await page.getByRole("heading", { name: "Computers", level: 1 }).waitFor();
    account.password = "a-recovered-password-1";

    // Single use: the same link again says so clearly and offers a new one.
    await fixture.context.clearCookies();
    await page.goto(link.replace(/^https?:\/\/[^/]+/, ""));
    await page.getByLabel("New password", { exact: true }).fill("yet-another-password-3");
    await page.getByLabel("Repeat the new password").fill("yet-another-password-3");
    await page.getByRole("button", { name: "Set new password" }).click();
    await page.getByRole("heading", { name: "This link no longer works" }).waitFor();
    await page.getByRole("alert").filter({ hasText: "invalid, has expired or was already used" }).waitFor();
    await screenshot(page, "reset-password-invalid");
    await page.getByRole("link", { name: "Send a new link" }).click();
    await expectPath("/recover");
  });

  test("an address without an account gets the same confirmation and no mail", async () => {
    const stranger = uniqueEmail("nobody");
    await askForLink(stranger);
    const mails = (await (await fetch(`${baseUrl}/dev/mail.json`)).json()) as { to: string }[];
    expect(mails.some((m) => m.to.toLowerCase() === stranger.toLowerCase())).toBe(false);
  });

  test("a made-up token is refused clearly", async () => {
    const page = fixture.page;
    await page.goto(`/reset-password?token=${"x".repeat(40)}`);
    await page.getByLabel("New password", { exact: true }).fill("a-made-up-password-1");
    await page.getByLabel("Repeat the new password").fill("a-made-up-password-1");
    await page.getByRole("button", { name: "Set new password" }).click();
    await page.getByRole("heading", { name: "This link no longer works" }).waitFor();
    // Still the old password for nobody: the API agrees the token is invalid.
    const response = await apiFetch(baseUrl, "/api/auth/reset", { method: "POST", body: { token: "x".repeat(40), newPassword: "a-made-up-password-1" } });
    expect(response.status).toBe(400);
  });
});

describe("social sign-in on the login page", () => {
  test("Google and Facebook buttons link to the OAuth start routes; a provider error is shown", async () => {
    const page = fixture.page;
    await page.goto(`/login?error=${encodeURIComponent("The sign-in was interrupted or expired. Try again.")}`);
    await page.getByRole("alert").filter({ hasText: "The sign-in was interrupted or expired. Try again." }).waitFor();
    await expect(page.getByRole("link", { name: "Continue with Google" }).getAttribute("href")).resolves.toBe("/api/auth/oauth/google/start");
    await expect(page.getByRole("link", { name: "Continue with Facebook" }).getAttribute("href")).resolves.toBe("/api/auth/oauth/facebook/start");
    await screenshot(page, "login-social-error");
  });

  test("a crafted ?error= shows the general sign-in error, never its own words", async () => {
    const page = fixture.page;
    // Words of the link's author, alone or around a sentence the Worker really sends.
    for (const crafted of ["Your account is locked. Call +1 555 0100 to unlock it.", "Call +1 555 0100 now. The sign-in was interrupted or expired. Try again."]) {
      await page.goto(`/login?error=${encodeURIComponent(crafted)}`);
      const alert = page.getByRole("alert").filter({ hasText: "The sign-in with the provider did not work." });
      await alert.waitFor();
      expect(await alert.textContent()).not.toContain("555");
    }
  });
});
