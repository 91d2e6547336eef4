// F5 through the real UI: history rows come from real sessions (POST /api/computers/:id/sessions
// with the agent's control socket open), then the page is paged (25 a page), filtered by
// computer and period, shows times in the profile's zone and 12/24 h format, and ends an active
// session with its End button.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import {
  browserCookies,
  connectAgent,
  createAccount,
  endHistorySession,
  linkComputer,
  listHistory,
  signIn,
  startHistorySession,
  updateProfile,
  waitForComputer,
  type Account,
  type AgentConnection,
} from "./backend";
import { usePage } from "./browser-fixture";
import { screenshot } from "./harness";

const fixture = usePage();
const baseUrl = fixture.baseUrl;

let owner: Account;
let cookie: string;
const agents: AgentConnection[] = [];
let officeId = "";
let laptopId = "";
/** The newest session: still running until the End test ends it. */
let activeId = "";
const OFFICE_SESSIONS = 27;
const LAPTOP_ENDED = 3;
const TOTAL = OFFICE_SESSIONS + LAPTOP_ENDED + 1;

beforeAll(async () => {
  owner = await createAccount(baseUrl, "history");
  cookie = await signIn(baseUrl, owner);
  const office = await linkComputer(baseUrl, owner, { name: "Office PC", os: "windows", installed: true });
  const laptop = await linkComputer(baseUrl, owner, { name: "Travel laptop", os: "macos", installed: true });
  officeId = office.computerId;
  laptopId = laptop.computerId;
  agents.push(await connectAgent(baseUrl, office, { name: "Office PC", os: "windows", installed: true }));
  agents.push(await connectAgent(baseUrl, laptop, { name: "Travel laptop", os: "macos", installed: true }));
  await waitForComputer(baseUrl, cookie, officeId, (c) => c.online);
  await waitForComputer(baseUrl, cookie, laptopId, (c) => c.online);
  // The plan allows one session at a time: each is ended before the next starts, but the last.
  for (let i = 0; i < OFFICE_SESSIONS; i++) await endHistorySession(baseUrl, cookie, await startHistorySession(baseUrl, cookie, officeId));
  for (let i = 0; i < LAPTOP_ENDED; i++) await endHistorySession(baseUrl, cookie, await startHistorySession(baseUrl, cookie, laptopId));
  activeId = await startHistorySession(baseUrl, cookie, laptopId);
}, 180_000);

afterAll(async () => {
  await Promise.all(agents.map((a) => a.close()));
});

// Every test starts signed in with the owner's one session from beforeAll.
beforeEach(async () => {
  await fixture.context.addCookies(browserCookies(baseUrl, cookie));
});

const rows = () => fixture.page.locator(".history-table tbody tr");
const range = () => fixture.page.locator(".pagination-range");

async function openHistory(): Promise<void> {
  const page = fixture.page;
  await page.goto("/computers");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "History" }).click();
  await page.waitForURL((url) => url.pathname === "/history");
  await page.getByRole("heading", { name: "History", level: 1 }).waitFor();
  await rows().first().waitFor();
}

async function expectRange(text: string): Promise<void> {
  await fixture.page.waitForFunction((expected) => document.querySelector(".pagination-range")?.textContent === expected, text);
}

describe("connection history", () => {
  test("pages of 25 with previous/next, filtered by computer and by period", async () => {
    const page = fixture.page;
    await openHistory();
    await expectRange(`1–25 of ${TOTAL}`);
    expect(await rows().count()).toBe(25);
    // Newest first: the running session is on top, with its details.
    const top = page.locator(`tr[data-session-id="${activeId}"]`);
    await top.waitFor();
    await expect(top.textContent()).resolves.toContain("Travel laptop");
    await expect(top.textContent()).resolves.toContain("In progress");
    await expect(top.textContent()).resolves.toContain(owner.email);
    await expect(top.textContent()).resolves.toContain("Outgoing");
    await expect(top.textContent()).resolves.toContain("Cabinet");
    await screenshot(page, "history");

    await page.getByRole("button", { name: "Previous" }).isDisabled().then((d) => expect(d).toBe(true));
    await page.getByRole("button", { name: "Next" }).click();
    await expectRange(`26–${TOTAL} of ${TOTAL}`);
    expect(await rows().count()).toBe(TOTAL - 25);
    await page.getByRole("button", { name: "Next" }).isDisabled().then((d) => expect(d).toBe(true));
    await page.getByRole("button", { name: "Previous" }).click();
    await expectRange(`1–25 of ${TOTAL}`);

    // By computer: back to page 1 with only that computer's sessions.
    await page.getByRole("button", { name: "Next" }).click();
    await expectRange(`26–${TOTAL} of ${TOTAL}`);
    await page.getByLabel("Computer", { exact: true }).selectOption({ label: "Travel laptop" });
    await expectRange(`1–${LAPTOP_ENDED + 1} of ${LAPTOP_ENDED + 1}`);
    for (const text of await rows().allTextContents()) expect(text).toContain("Travel laptop");
    await page.getByLabel("Computer", { exact: true }).selectOption({ label: "Office PC" });
    await expectRange(`1–25 of ${OFFICE_SESSIONS}`);

    // By period: a past year has nothing; a period around today has them all again.
    await page.getByLabel("From", { exact: true }).fill("2020-01-01");
    await page.getByLabel("To", { exact: true }).fill("2020-12-31");
    await page.getByRole("heading", { name: "No sessions match" }).waitFor();
    await screenshot(page, "history-empty-filter");
    const today = new Date();
    const day = (offset: number) => new Date(today.getTime() + offset * 86_400_000).toISOString().slice(0, 10);
    await page.getByLabel("To", { exact: true }).fill(day(1));
    await page.getByLabel("From", { exact: true }).fill(day(-1));
    await expectRange(`1–25 of ${OFFICE_SESSIONS}`);
    await page.getByRole("button", { name: "Clear filters" }).first().click();
    await expectRange(`1–25 of ${TOTAL}`);
  });

  test("times follow the profile's time zone and 12/24 h format", async () => {
    const page = fixture.page;
    const [entry] = (await listHistory(baseUrl, cookie, `computerId=${officeId}&pageSize=1`)).entries;
    const started = new Date(entry!.startedAt);
    const row = page.locator(`tr[data-session-id="${entry!.id}"] .history-time`);
    const clock = (offsetHours: number, format: "12h" | "24h") => {
      const at = new Date(started.getTime() + offsetHours * 3_600_000);
      const minutes = String(at.getUTCMinutes()).padStart(2, "0");
      if (format === "24h") return `${String(at.getUTCHours()).padStart(2, "0")}:${minutes}`;
      return `${at.getUTCHours() % 12 || 12}:${minutes}`;
    };

    // UTC, 24 h (set through the API), then Asia/Tokyo (UTC+9), 12 h through the profile page.
    await updateProfile(baseUrl, cookie, { timeZone: "UTC", timeFormat: "24h" });
    await openHistory();
    await page.getByLabel("Computer", { exact: true }).selectOption({ label: "Office PC" });
    await row.waitFor();
    const utc = (await row.textContent())!;
    expect(utc).toBe(clock(0, "24h"));
    expect(utc).not.toMatch(/AM|PM/);

    await page.getByRole("button", { name: `Account: ${owner.email}` }).click();
    await page.getByRole("menuitem", { name: "Profile…" }).click();
    await page.getByLabel("Time zone").selectOption("Asia/Tokyo");
    await page.getByLabel("12-hour (2:30 PM)").check();
    await page.getByRole("button", { name: "Save settings" }).click();
    await page.getByRole("status").filter({ hasText: "Settings saved." }).waitFor();
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "History" }).click();
    await page.getByLabel("Computer", { exact: true }).selectOption({ label: "Office PC" });
    await row.waitFor();
    const tokyo = (await row.textContent())!;
    expect(tokyo).toContain(clock(9, "12h"));
    expect(tokyo).toMatch(/AM|PM/);
    expect(tokyo).not.toBe(utc);
    await screenshot(page, "history-tokyo-12h");

    await updateProfile(baseUrl, cookie, { timeZone: "", timeFormat: "24h" });
  });

  test("End closes an active session from the history page", async () => {
    const page = fixture.page;
    await openHistory();
    const row = page.locator(`tr[data-session-id="${activeId}"]`);
    const endRequests: string[] = [];
    page.on("request", (r) => void (r.url().endsWith("/end") && endRequests.push(r.url())));
    // End asks once more, with the focus on the safe choice; Cancel keeps the session running.
    const endButton = row.getByRole("button", { name: "End the session to Travel laptop" });
    await endButton.click();
    const confirm = row.getByRole("group", { name: "Confirm ending the session to Travel laptop" });
    await confirm.waitFor();
    await screenshot(page, "history-end-confirm");
    await expect(confirm.getByRole("button", { name: "Cancel" }).evaluate((b) => b === document.activeElement)).resolves.toBe(true);
    await confirm.getByRole("button", { name: "Cancel" }).click();
    await confirm.waitFor({ state: "detached" });
    // Escape cancels too, and the focus goes back to the row's End button.
    await endButton.click();
    await confirm.waitFor();
    await page.keyboard.press("Escape");
    await confirm.waitFor({ state: "detached" });
    await expect(endButton.evaluate((b) => b === document.activeElement)).resolves.toBe(true);
    expect(endRequests).toEqual([]);
    expect((await listHistory(baseUrl, cookie, `computerId=${laptopId}`)).entries.find((e) => e.id === activeId)).toMatchObject({ active: true });
    await row.getByText("In progress").waitFor();
    await endButton.click();
    await confirm.getByRole("button", { name: "End", exact: true }).click();
    await row.getByText("In progress").waitFor({ state: "detached" });
    await expect(row.getByRole("button", { name: /End/ }).count()).resolves.toBe(0);
    const entry = (await listHistory(baseUrl, cookie, `computerId=${laptopId}`)).entries.find((e) => e.id === activeId);
    expect(entry).toMatchObject({ active: false });
    expect(entry!.endedAt).not.toBeNull();
  });
});
