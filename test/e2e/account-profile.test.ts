// F1.7 and F1.9 through the real UI: the profile pop-up's "Profile…", saving name, country,
// language, time zone and format; deleting the account with the password (a wrong one refused).
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, test } from "vitest";
import type { User } from "../../protocol/api";
import { apiFetch, browserCookies, createAccount, signIn, type Account } from "./backend";
import { launchBrowser, screenshot } from "./harness";

const baseUrl = inject("baseUrl");

let browser: Browser;
let context: BrowserContext;
let page: Page;
let pageErrors: string[];

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

beforeEach(async () => {
  context = await browser.newContext({ baseURL: baseUrl, viewport: { width: 1280, height: 800 }, locale: "en-US" });
  context.setDefaultTimeout(15_000);
  page = await context.newPage();
  pageErrors = [];
  page.on("pageerror", (error) => pageErrors.push(error.message));
});

afterEach(async () => {
  await context?.close();
  expect(pageErrors).toEqual([]);
});

async function expectPath(path: string): Promise<void> {
  await page.waitForURL((url) => url.pathname === path);
}

async function signInBrowser(account: Account): Promise<string> {
  const cookie = await signIn(baseUrl, account);
  await context.addCookies(browserCookies(baseUrl, cookie));
  return cookie;
}

async function openProfile(account: Account): Promise<void> {
  await page.goto("/computers");
  await page.getByRole("button", { name: `Account: ${account.email}` }).click();
  await page.getByRole("menuitem", { name: "Profile…" }).click();
  await expectPath("/profile");
  await page.getByRole("heading", { name: "Profile", level: 1 }).waitFor();
}

describe("profile", () => {
  test("name, country, language, time zone and format are saved and shown again", async () => {
    const account = await createAccount(baseUrl, "profile");
    const cookie = await signInBrowser(account);
    await openProfile(account);
    await screenshot(page, "profile-empty");

    await page.getByLabel("First name").fill("Ada");
    await page.getByLabel("Last name").fill("Lovelace");
    // Countries are listed by name with their ISO code as the value.
    await page.getByLabel("Country").selectOption({ label: "Germany" });
    await page.getByLabel("Language").selectOption("de");
    await page.getByLabel("Time zone").selectOption("Asia/Tokyo");
    await page.getByLabel("12-hour (2:30 PM)").check();
    await expect(page.locator(".profile-preview").textContent()).resolves.toMatch(/AM|PM/);
    await page.getByRole("button", { name: "Save settings" }).click();
    await page.getByRole("status").filter({ hasText: "Settings saved." }).waitFor();
    await screenshot(page, "profile-saved");

    const me = (await (await apiFetch(baseUrl, "/api/me", { cookie })).json()) as { user: User };
    expect(me.user).toMatchObject({ firstName: "Ada", lastName: "Lovelace", country: "DE", language: "de", timeZone: "Asia/Tokyo", timeFormat: "12h" });

    // The pop-up shows the new name at once; a reload shows the saved values.
    await page.getByRole("button", { name: `Account: ${account.email}` }).click();
    await page.getByRole("menu", { name: "Profile" }).getByText("Ada Lovelace").waitFor();
    await page.keyboard.press("Escape");
    await page.reload();
    await expect(page.getByLabel("First name").inputValue()).resolves.toBe("Ada");
    await expect(page.getByLabel("Country").inputValue()).resolves.toBe("DE");
    await expect(page.getByLabel("Time zone").inputValue()).resolves.toBe("Asia/Tokyo");
    await expect(page.getByLabel("12-hour (2:30 PM)").isChecked()).resolves.toBe(true);

    // "Change password" sits next to "Save settings".
    await page.getByRole("link", { name: "Change password" }).click();
    await expectPath("/change-password");
  });
});

describe("deleting the account", () => {
  test("a wrong password is refused; the right one deletes it and lands on the login page", async () => {
    const account = await createAccount(baseUrl, "delete-me");
    await signInBrowser(account);
    await openProfile(account);

    await page.getByRole("button", { name: "Delete account" }).click();
    const dialog = page.getByRole("dialog", { name: "Delete account" });
    await dialog.waitFor();
    await dialog.getByLabel("Current password").fill("not-the-password");
    await dialog.getByRole("button", { name: "Delete my account" }).click();
    await dialog.getByRole("alert").filter({ hasText: "The password is not correct. Your account was not deleted." }).waitFor();
    await screenshot(page, "delete-account-wrong-password");
    // Still there.
    expect((await apiFetch(baseUrl, "/api/auth/login", { method: "POST", body: account })).status).toBe(200);

    await dialog.getByLabel("Current password").fill(account.password);
    await dialog.getByRole("button", { name: "Delete my account" }).click();
    await expectPath("/login");
    await page.getByText("Your account and all its data were deleted.").waitFor();
    await screenshot(page, "account-deleted");

    // Gone: the cabinet sends back to the login page, and the password no longer signs in.
    await page.goto("/computers");
    await expectPath("/login");
    expect((await apiFetch(baseUrl, "/api/auth/login", { method: "POST", body: account })).status).not.toBe(200);
  });
});
