// The computers list (F2.1, F2.6, F2.7) against the real Worker: every computer is linked
// through POST /api/agent/register, made online by opening the agent's control WebSocket from
// Node and sending its hello, and grouped with PATCH /api/computers/:id. The browser signs in
// with a real session. Statuses the backend cannot produce yet ("Restricted", "Disabled"),
// demo computers and shared computers are not covered here. Set E2E_SCREENSHOTS=<dir> to keep
// screenshots of the views for a look by eye.
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, test } from "vitest";
import type { Computer } from "../../protocol/api";
import { ControlCloseCode } from "../../protocol/control";
import {
  agentCloseCode,
  apiFetch,
  browserCookies,
  connectAgent,
  createAccount,
  linkComputer,
  listComputers,
  setGroup,
  signIn,
  waitForComputer,
  type Account,
  type AgentConnection,
} from "./backend";
import { launchBrowser, screenshot } from "./harness";

const baseUrl = inject("baseUrl");

const hostileName = `<img src=x onerror="window.__xss=1">Bob's PC`;

let browser: Browser;
let context: BrowserContext;
let page: Page;
let pageErrors: string[];

/** The account whose list the read-only tests look at, and a session of it for API checks. */
let owner: Account;
let ownerCookie: string;
const ids: Record<"reception" | "imac" | "buildServer" | "kiosk" | "hostile", string> = {
  reception: "",
  imac: "",
  buildServer: "",
  kiosk: "",
  hostile: "",
};
/** Agent sockets held open for the whole file; closed in afterAll. */
const agents: AgentConnection[] = [];

const shot = (name: string) => screenshot(page, name);

/** Signs the browser context in with a fresh session of `account`; returns that session's cookie. */
async function signInBrowser(account: Account): Promise<string> {
  const cookie = await signIn(baseUrl, account);
  await context.addCookies(browserCookies(baseUrl, cookie));
  return cookie;
}

async function openList(): Promise<void> {
  await page.goto("/computers");
  await page.locator(".computer-row").first().waitFor();
}

beforeAll(async () => {
  browser = await launchBrowser();

  owner = await createAccount(baseUrl, "computers-list");
  ownerCookie = await signIn(baseUrl, owner);
  const link = (name: string, os: Computer["os"], installed: boolean) => linkComputer(baseUrl, owner, { name, os, installed });
  const reception = await link("Reception desk", "windows", true);
  const imac = await link("Design iMac", "macos", true);
  const buildServer = await link("build-server-01", "linux", false);
  const kiosk = await link("Kiosk", "other", true);
  const hostile = await link(hostileName, "linux", true);
  Object.assign(ids, {
    reception: reception.computerId,
    imac: imac.computerId,
    buildServer: buildServer.computerId,
    kiosk: kiosk.computerId,
    hostile: hostile.computerId,
  });

  // Online and installed: "Online".
  agents.push(await connectAgent(baseUrl, reception, { name: "Reception desk", os: "windows", installed: true }));
  // Online, running without being installed: "Not installed".
  agents.push(await connectAgent(baseUrl, buildServer, { name: "build-server-01", os: "linux", installed: false }));
  // Was online, then went away: "Offline" with a last-seen time.
  const imacAgent = await connectAgent(baseUrl, imac, { name: "Design iMac", os: "macos", installed: true });
  await waitForComputer(baseUrl, ownerCookie, imac.computerId, (c) => c.status === "online");
  await imacAgent.close();
  // Kiosk and the hostile name never connect: "Offline", never seen.

  await setGroup(baseUrl, ownerCookie, reception.computerId, "Office");
  await setGroup(baseUrl, ownerCookie, imac.computerId, "Office");
  await setGroup(baseUrl, ownerCookie, buildServer.computerId, "Servers");
  await setGroup(baseUrl, ownerCookie, kiosk.computerId, "Servers");

  await waitForComputer(baseUrl, ownerCookie, reception.computerId, (c) => c.status === "online");
  await waitForComputer(baseUrl, ownerCookie, buildServer.computerId, (c) => c.status === "not_installed");
  await waitForComputer(baseUrl, ownerCookie, imac.computerId, (c) => c.status === "offline" && c.lastSeenAt !== null);
});

afterAll(async () => {
  await Promise.all(agents.map((agent) => agent.close()));
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

describe("the computers list", () => {
  test("shows status, OS icon, name and last-seen time for each computer, grouped", async () => {
    const fromApi = new Map((await listComputers(baseUrl, ownerCookie)).map((c) => [c.id, c]));
    expect(fromApi.get(ids.reception)).toMatchObject({ status: "online", os: "windows", group: "Office", online: true });
    expect(fromApi.get(ids.imac)).toMatchObject({ status: "offline", os: "macos", group: "Office", online: false });
    expect(fromApi.get(ids.buildServer)).toMatchObject({ status: "not_installed", os: "linux", group: "Servers", online: true });
    expect(fromApi.get(ids.kiosk)).toMatchObject({ status: "offline", os: "other", group: "Servers", lastSeenAt: null });
    expect(fromApi.get(ids.hostile)).toMatchObject({ status: "offline", group: "", lastSeenAt: null });

    await signInBrowser(owner);
    await openList();
    const rows = page.locator(".computer-row");
    expect(await rows.count()).toBe(5);
    const row = (id: string) => page.locator(`.computer-row[data-computer-id="${id}"]`);

    const reception = row(ids.reception);
    expect(await reception.locator(".computer-name").innerText()).toBe("Reception desk");
    expect(await reception.locator(".status").innerText()).toBe("Online");
    expect(await reception.getByRole("img").getAttribute("aria-label")).toBe("Windows");
    expect(await reception.locator(".last-seen").innerText()).toBe("Now");
    expect(await reception.getByTestId("connect").getAttribute("href")).toBe(`/connect/${ids.reception}`);
    // Where the agent connected from, as the Worker saw it (workerd's cf data; may be empty locally).
    const { city, country } = fromApi.get(ids.reception)!.location;
    const place = [city, country].filter(Boolean).join(", ");
    if (place) expect(await reception.innerText()).toContain(place);

    const imac = row(ids.imac);
    expect(await imac.locator(".status").innerText()).toBe("Offline");
    expect(await imac.getByRole("img").getAttribute("aria-label")).toBe("macOS");
    // Disconnected moments ago; the absolute time is one hover away.
    expect(await imac.locator("time").innerText()).toBe("just now");
    expect(await imac.locator("time").getAttribute("datetime")).toBe(fromApi.get(ids.imac)!.lastSeenAt);
    expect(await imac.locator("time").getAttribute("title")).toBeTruthy();
    expect(await imac.getByRole("button", { name: "Connect" }).isDisabled()).toBe(true);

    const buildServer = row(ids.buildServer);
    expect(await buildServer.locator(".status").innerText()).toBe("Not installed");
    expect(await buildServer.getByRole("img").getAttribute("aria-label")).toBe("Linux");
    expect(await buildServer.locator(".last-seen").innerText()).toBe("Now");

    const kiosk = row(ids.kiosk);
    expect(await kiosk.locator(".status").innerText()).toBe("Offline");
    expect(await kiosk.getByRole("img").getAttribute("aria-label")).toBe("Other operating system");
    expect(await kiosk.locator(".last-seen").innerText()).toBe("Never");

    // Groups in alphabetical order, computers without a group last; names sorted inside each.
    expect(await page.locator(".group-title").allInnerTexts()).toEqual(["OFFICE", "SERVERS", "NO GROUP"]);
    const namesIn = (group: string) => page.getByRole("region", { name: group }).locator(".computer-name").allInnerTexts();
    expect(await namesIn("Office")).toEqual(["Design iMac", "Reception desk"]);
    expect(await namesIn("Servers")).toEqual(["build-server-01", "Kiosk"]);
    expect(await namesIn("Ungrouped")).toEqual([hostileName]);
    expect(await page.getByText("5 computers, 2 online").count()).toBe(1);
    await shot("computers-list");
  });

  test("renders a computer's name as text, never as HTML", async () => {
    await signInBrowser(owner);
    await openList();
    const row = page.locator(`.computer-row[data-computer-id="${ids.hostile}"]`);
    expect(await row.locator(".computer-name").innerText()).toBe(hostileName);
    expect(await row.locator(".computer-name img").count()).toBe(0);
    expect(await page.locator(".computer-list img").count()).toBe(0);
    expect(await page.evaluate(() => (window as { __xss?: number }).__xss)).toBeUndefined();
    expect(await row.locator(".status").innerText()).toBe("Offline");
    expect(await row.getByRole("img").getAttribute("aria-label")).toBe("Linux");
    expect(await row.locator(".last-seen").innerText()).toBe("Never");
    // The actions button's accessible name carries the name as text too.
    await row.getByRole("button", { name: `Actions for ${hostileName}` }).waitFor();
  });

  test("renames and removes through the row's actions menu", async () => {
    const account = await createAccount(baseUrl, "rename-remove");
    const imac = await linkComputer(baseUrl, account, { name: "Design iMac", os: "macos", installed: true });
    const reception = await linkComputer(baseUrl, account, { name: "Reception desk", os: "windows", installed: true });
    const cookie = await signInBrowser(account);
    await openList();

    await page.getByRole("button", { name: "Actions for Design iMac" }).click();
    await page.getByRole("menuitem", { name: "Rename…" }).click();
    await page.getByLabel("Computer name").fill("Studio iMac");
    await page.getByRole("button", { name: "Save" }).click();
    await page.locator(".computer-name", { hasText: "Studio iMac" }).waitFor();

    await page.getByRole("button", { name: "Actions for Reception desk" }).click();
    await page.getByRole("menuitem", { name: "Remove…" }).click();
    await page.getByRole("group", { name: "Confirm removal" }).getByRole("button", { name: "Remove" }).click();
    await page.locator(".computer-row", { hasText: "Reception desk" }).waitFor({ state: "detached" });
    expect(await page.locator(".computer-row").count()).toBe(1);

    // The Worker stored both changes.
    const list = await listComputers(baseUrl, cookie);
    expect(list.map((c) => [c.id, c.name])).toEqual([[imac.computerId, "Studio iMac"]]);
    expect((await apiFetch(baseUrl, `/api/computers/${reception.computerId}`, { cookie })).status).toBe(404);
    // A removed computer's agent is turned away for good.
    expect(await agentCloseCode(baseUrl, reception)).toBe(ControlCloseCode.Unauthorized);

    // And a reload shows what the server has.
    await page.reload();
    await page.locator(".computer-name", { hasText: "Studio iMac" }).waitFor();
    expect(await page.locator(".computer-row").count()).toBe(1);
  });

  test("a failed load is shown with a way to retry", async () => {
    // A real failure: the browser loses its network while the Worker keeps running.
    await signInBrowser(owner);
    await page.goto("/history");
    await page.getByRole("heading", { name: "History", level: 1 }).waitFor();
    await context.setOffline(true);
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Computers" }).click();
    await page.getByRole("alert").filter({ hasText: "Cannot reach Edgedesk. Check your connection and try again." }).waitFor();
    await shot("computers-load-error");
    await context.setOffline(false);
    await page.getByRole("button", { name: "Try again" }).click();
    await page.locator(".computer-row").first().waitFor();
    expect(await page.locator(".computer-row").count()).toBe(5);
  });

  test("a session that ends while signed in returns to the login page", async () => {
    const cookie = await signInBrowser(owner);
    await openList();
    // Signed out from elsewhere: the same session ends on the server.
    expect((await apiFetch(baseUrl, "/api/auth/logout", { method: "POST", cookie })).status).toBe(204);
    expect((await apiFetch(baseUrl, "/api/computers", { cookie })).status).toBe(401);

    await page.getByRole("button", { name: "Refresh" }).click();
    await page.waitForURL((url) => url.pathname === "/login");
    await page.getByRole("heading", { name: "Sign in to Edgedesk" }).waitFor();
  });

  test("the views look right (screenshots when E2E_SCREENSHOTS is set)", async () => {
    await page.goto("/login");
    await page.getByRole("heading", { name: "Sign in to Edgedesk" }).waitFor();
    await shot("login");
    await page.goto("/register");
    await page.getByRole("heading", { name: "Create your account" }).waitFor();
    await shot("register");

    await signInBrowser(owner);
    await openList();
    await page.getByRole("button", { name: `Account: ${owner.email}` }).click();
    await page.getByRole("menu", { name: "Profile" }).waitFor();
    await shot("profile-menu");
    await page.goto("/change-password");
    await page.getByRole("heading", { name: "Change password" }).waitFor();
    await shot("change-password");
    await page.goto("/support");
    await page.getByRole("heading", { name: "Coming soon" }).waitFor();
    await shot("coming-soon");

    await page.setViewportSize({ width: 390, height: 844 });
    await openList();
    await shot("computers-mobile");
  });
});
