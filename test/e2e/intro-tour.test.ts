// F1.6 through the real UI: the introductory tour shows on a new account's first visit to the
// cabinet, walks through the main elements, can be skipped, and never shows again (the account
// remembers it: not after a reload, not after the next sign-in). Its code is fetched only then.
import { describe, expect, test } from "vitest";
import type { User } from "../../protocol/api";
import { apiFetch, createAccount, signIn, updateProfile } from "./backend";
import { usePage } from "./browser-fixture";
import { screenshot } from "./harness";

const fixture = usePage();
const baseUrl = fixture.baseUrl;

async function tourDone(cookie: string): Promise<boolean> {
  return ((await (await apiFetch(baseUrl, "/api/me", { cookie })).json()) as { user: User }).user.tourDone;
}

const popover = () => fixture.page.locator(".driver-popover");

describe("the introductory tour", () => {
  test("shown on the first visit, skippable, and not shown after a reload or the next sign-in", async () => {
    const page = fixture.page;
    const account = await createAccount(baseUrl, "tour-skip", { tourDone: false });
    const cookie = await fixture.signInBrowser(account);
    expect(await tourDone(cookie)).toBe(false);
    const tourChunks: string[] = [];
    page.on("request", (request) => /intro-tour|driver/.test(request.url()) && tourChunks.push(request.url()));

    await page.goto("/computers");
    const welcome = page.getByRole("dialog", { name: "Welcome to Edgedesk" });
    await welcome.waitFor();
    expect(tourChunks.length).toBeGreaterThan(0);
    expect(await welcome.innerText()).toContain("1 of 7");
    await screenshot(page, "tour-welcome");

    // It points at the main elements, in order: the computers menu item first.
    await welcome.getByRole("button", { name: "Next" }).click();
    const computers = page.getByRole("dialog", { name: "Your computers" });
    await computers.waitFor();
    await page.locator('.driver-active-element[data-tour="nav-computers"]').waitFor();
    await computers.getByRole("button", { name: "Next" }).click();
    await page.getByRole("dialog", { name: "Sort, group and view" }).waitFor();
    await page.locator('.driver-active-element[data-tour="list-controls"]').waitFor();
    await screenshot(page, "tour-controls");

    // Skipped: gone at once, and remembered on the account.
    await page.getByRole("button", { name: "Skip tour" }).click();
    await popover().waitFor({ state: "detached" });
    await expect.poll(() => tourDone(cookie), { timeout: 10_000 }).toBe(true);

    // Not after a reload...
    await page.reload();
    await page.getByRole("heading", { name: "Computers", level: 1 }).waitFor();
    await page.waitForTimeout(1_500);
    expect(await popover().count()).toBe(0);

    // ...nor after signing in again in another browser.
    const other = await fixture.newPage();
    await other.goto("/login");
    await other.getByLabel("E-mail").fill(account.email);
    await other.getByLabel("Password", { exact: true }).fill(account.password);
    await other.getByRole("button", { name: "Sign in" }).click();
    await other.getByRole("heading", { name: "Computers", level: 1 }).waitFor();
    await other.waitForTimeout(1_500);
    expect(await other.locator(".driver-popover").count()).toBe(0);
  });

  test("going through to the end marks it done too; Escape counts as skipping", async () => {
    const page = fixture.page;
    const account = await createAccount(baseUrl, "tour-done", { tourDone: false });
    const cookie = await fixture.signInBrowser(account);
    await page.goto("/computers");
    await page.getByRole("dialog", { name: "Welcome to Edgedesk" }).waitFor();
    for (let step = 1; step < 7; step++) await page.locator(".driver-popover-next-btn").click();
    const last = page.getByRole("dialog", { name: "You are ready" });
    await last.waitFor();
    // The last step has no "Skip tour": only Done.
    expect(await last.getByRole("button", { name: "Skip tour" }).count()).toBe(0);
    await last.getByRole("button", { name: "Done" }).click();
    await popover().waitFor({ state: "detached" });
    await expect.poll(() => tourDone(cookie), { timeout: 10_000 }).toBe(true);

    // A third account: Escape on the first step.
    const third = await createAccount(baseUrl, "tour-escape", { tourDone: false });
    const thirdCookie = await signIn(baseUrl, third);
    await fixture.signInBrowser(third);
    await page.goto("/history");
    await page.getByRole("dialog", { name: "Welcome to Edgedesk" }).waitFor();
    await page.keyboard.press("Escape");
    await popover().waitFor({ state: "detached" });
    await expect.poll(() => tourDone(thirdCookie), { timeout: 10_000 }).toBe(true);
  });

  test("in German for a German account; a user who has seen it never loads its code", async () => {
    const page = fixture.page;
    const account = await createAccount(baseUrl, "tour-de", { tourDone: false });
    const cookie = await fixture.signInBrowser(account);
    await updateProfile(baseUrl, cookie, { language: "de" });
    await page.goto("/computers");
    const welcome = page.getByRole("dialog", { name: "Willkommen bei Edgedesk" });
    await welcome.waitFor();
    expect(await welcome.innerText()).toContain("1 von 7");
    await welcome.getByRole("button", { name: "Weiter" }).click();
    await page.getByRole("dialog", { name: "Ihre Computer" }).waitFor();
    await page.getByRole("button", { name: "Tour überspringen" }).click();
    await popover().waitFor({ state: "detached" });
    await expect.poll(() => tourDone(cookie), { timeout: 10_000 }).toBe(true);

    const seen = await fixture.newPage();
    const tourChunks: string[] = [];
    seen.on("request", (request) => /intro-tour|driver/.test(request.url()) && tourChunks.push(request.url()));
    await fixture.signInBrowser(await createAccount(baseUrl, "tour-seen"), seen.context());
    await seen.goto("/computers");
    await seen.getByRole("heading", { name: "Computers", level: 1 }).waitFor();
    await seen.waitForTimeout(1_000);
    expect(tourChunks).toEqual([]);
  });
});
