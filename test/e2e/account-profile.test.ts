// F1.7 and F1.9 through the real UI: the profile pop-up's "Profile…", saving name, country,
// language, time zone and format; deleting the account with the password (a wrong one refused).
import { describe, expect, test } from "vitest";
import type { User } from "../../protocol/api";
import { apiFetch, createAccount, type Account } from "./backend";
import { usePage } from "./browser-fixture";
import { screenshot } from "./harness";

const fixture = usePage();
const baseUrl = fixture.baseUrl;
const { expectPath, signInBrowser } = fixture;

async function openProfile(account: Account): Promise<void> {
  const page = fixture.page;
  await page.goto("/computers");
  await page.getByRole("button", { name: `Account: ${account.email}` }).click();
  await page.getByRole("menuitem", { name: "Profile…" }).click();
  await expectPath("/profile");
  await page.getByRole("heading", { name: "Profile", level: 1 }).waitFor();
}

describe("profile", () => {
  test("name, country, language, time zone and format are saved and shown again", async () => {
    const page = fixture.page;
    const account = await createAccount(baseUrl, "profile");
    const cookie = await signInBrowser(account);
    await openProfile(account);
    await screenshot(page, "profile-empty");

    await page.getByLabel("First name").fill("Ada");
    await page.getByLabel("Last name").fill("Lovelace");
    // Countries are listed by name with their ISO code as the value.
    await page.getByLabel("Country").selectOption({ label: "Germany" });
    // (German, which switches the whole page, has its own test: i18n.test.ts.)
    await page.getByLabel("Language").selectOption("");
    await page.getByLabel("Time zone").selectOption("Asia/Tokyo");
    await page.getByLabel("12-hour (2:30 PM)").check();
    await expect(page.locator(".profile-preview").textContent()).resolves.toMatch(/AM|PM/);
    await page.getByRole("button", { name: "Save settings" }).click();
    await page.getByRole("status").filter({ hasText: "Settings saved." }).waitFor();
    await screenshot(page, "profile-saved");

    const me = (await (await apiFetch(baseUrl, "/api/me", { cookie })).json()) as { user: User };
    expect(me.user).toMatchObject({ firstName: "Ada", lastName: "Lovelace", country: "DE", language: "", timeZone: "Asia/Tokyo", timeFormat: "12h" });

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
    const page = fixture.page;
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
