// The computers list (F2.1, F2.6, F2.7) against the real Worker: every computer is linked
// through POST /api/agent/register, made online by opening the agent's control WebSocket from
// Node and sending its hello, and grouped with PATCH /api/computers/:id. The browser signs in
// with a real session. Each account stays within the Free plan's 3 computers; Restricted,
// favorites, sorting, grouping, views and dialogs are in computers-views.test.ts, sharing in
// computers-sharing.test.ts. A demo computer shared with every account may be in any list, so
// counts come from the API. Set E2E_SCREENSHOTS=<dir> to keep screenshots for a look by eye.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Computer } from "../../protocol/api";
import { ControlCloseCode } from "../../protocol/control";
import {
  agentCloseCode,
  apiFetch,
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
import { shownText, usePage } from "./browser-fixture";
import { screenshot } from "./harness";

const fixture = usePage();
const baseUrl = fixture.baseUrl;
const { signInBrowser } = fixture;

const hostileName = `<img src=x onerror="window.__xss=1">Bob's PC`;

/** The account whose list the read-only tests look at, and a session of it for API checks. */
let owner: Account;
let ownerCookie: string;
/** A second account with a computer never seen online and one with a hostile name. */
let other: Account;
let otherCookie: string;
const ids: Record<"reception" | "imac" | "buildServer" | "kiosk" | "hostile", string> = {
  reception: "",
  imac: "",
  buildServer: "",
  kiosk: "",
  hostile: "",
};
/** Agent sockets held open for the whole file; closed in afterAll. */
const agents: AgentConnection[] = [];

const shot = (name: string) => screenshot(fixture.page, name);
const openList = () => fixture.openComputers(".computer-row");

beforeAll(async () => {
  owner = await createAccount(baseUrl, "computers-list");
  ownerCookie = await signIn(baseUrl, owner);
  other = await createAccount(baseUrl, "computers-list-other");
  otherCookie = await signIn(baseUrl, other);
  const link = (name: string, os: Computer["os"], installed: boolean) => linkComputer(baseUrl, owner, { name, os, installed });
  const reception = await link("Reception desk", "windows", true);
  const imac = await link("Design iMac", "macos", true);
  const buildServer = await link("build-server-01", "linux", false);
  const kiosk = await linkComputer(baseUrl, other, { name: "Kiosk", os: "other", installed: true });
  const hostile = await linkComputer(baseUrl, other, { name: hostileName, os: "linux", installed: true });
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

  await waitForComputer(baseUrl, ownerCookie, reception.computerId, (c) => c.status === "online");
  await waitForComputer(baseUrl, ownerCookie, buildServer.computerId, (c) => c.status === "not_installed");
  await waitForComputer(baseUrl, ownerCookie, imac.computerId, (c) => c.status === "offline" && c.lastSeenAt !== null);
});

afterAll(async () => {
  await Promise.all(agents.map((agent) => agent.close()));
});

describe("the computers list", () => {
  test("shows status, OS icon, name, location and last-seen time for each computer, grouped", async () => {
    const page = fixture.page;
    const list = await listComputers(baseUrl, ownerCookie);
    const fromApi = new Map(list.map((c) => [c.id, c]));
    expect(fromApi.get(ids.reception)).toMatchObject({ status: "online", os: "windows", group: "Office", online: true });
    expect(fromApi.get(ids.imac)).toMatchObject({ status: "offline", os: "macos", group: "Office", online: false });
    expect(fromApi.get(ids.buildServer)).toMatchObject({ status: "not_installed", os: "linux", group: "Servers", online: true });

    await signInBrowser(owner);
    await openList();
    const rows = page.locator(".computer-row");
    expect(await rows.count()).toBe(list.length);
    const row = (id: string) => page.locator(`.computer-row[data-computer-id="${id}"]`);
    // The OS icon is a button that opens the system information; its name says the OS.
    const osName = async (id: string) => (await row(id).locator(".os-icon").getAttribute("aria-label"))?.replace(/^System information \((.*)\)$/, "$1");

    const reception = row(ids.reception);
    expect(await shownText(reception.locator(".computer-name"))).toBe("Reception desk");
    expect(await shownText(reception.locator(".status"))).toBe("Online");
    expect(await osName(ids.reception)).toBe("Windows");
    expect(await reception.locator(".status-sub").count()).toBe(0);
    expect(await shownText(reception.locator(".last-connection"))).toBe("Never");
    expect(await reception.getByTestId("connect").getAttribute("href")).toBe(`/connect/${ids.reception}`);
    // Where the agent connected from, as the Worker saw it (workerd's cf data locally).
    const { ip, city, country } = fromApi.get(ids.reception)!.location;
    expect(await shownText(reception.locator(".location-ip"))).toBe(ip || "unknown");
    expect(await shownText(reception.locator(".location-place"))).toBe([city, country].filter(Boolean).join(", ") || "unknown");

    const imac = row(ids.imac);
    expect(await shownText(imac.locator(".status"))).toBe("Offline");
    expect(await osName(ids.imac)).toBe("macOS");
    // Disconnected moments ago; the absolute time is one hover away.
    expect(await shownText(imac.locator(".status-sub time"))).toBe("just now");
    expect(await imac.locator(".status-sub time").getAttribute("datetime")).toBe(fromApi.get(ids.imac)!.lastSeenAt);
    expect(await imac.locator(".status-sub time").getAttribute("title")).toBeTruthy();
    expect(await imac.getByRole("button", { name: "Connect" }).isDisabled()).toBe(true);

    const buildServer = row(ids.buildServer);
    expect(await shownText(buildServer.locator(".status"))).toBe("Not installed");
    expect(await osName(ids.buildServer)).toBe("Linux");
    expect(await buildServer.getByTestId("connect").count()).toBe(1);

    // Groups in alphabetical order, computers without a group last; names sorted inside each.
    // The list is one sequence: each heading, then its computers.
    const sequence = await page
      .locator(".computer-rows > li")
      .evaluateAll((lis) => lis.map((li) => li.getAttribute("data-section") ?? li.querySelector(".computer-name")?.textContent));
    expect(sequence.slice(0, 5)).toEqual(["Office", "Design iMac", "Reception desk", "Servers", "build-server-01"]);
    const online = list.filter((c) => c.online).length;
    expect(await page.getByText(`${list.length} computers, ${online} online`).count()).toBe(1);
    await shot("computers-list");
  });

  test("renders a computer's name as text, never as HTML", async () => {
    const page = fixture.page;
    await signInBrowser(other);
    await openList();
    const row = page.locator(`.computer-row[data-computer-id="${ids.hostile}"]`);
    // Rows off screen skip rendering (content-visibility: auto) and read as empty text.
    await row.scrollIntoViewIfNeeded();
    expect(await shownText(row.locator(".computer-name"))).toBe(hostileName);
    expect(await row.locator(".computer-name img").count()).toBe(0);
    expect(await page.locator(".computer-list img").count()).toBe(0);
    expect(await page.evaluate(() => (window as { __xss?: number }).__xss)).toBeUndefined();
    expect(await shownText(row.locator(".status"))).toBe("Offline");
    expect(await row.locator(".os-icon").getAttribute("aria-label")).toBe("System information (Linux)");
    // Never online: no "seen" time, no location.
    expect(await row.locator(".status-sub").count()).toBe(0);
    expect(await shownText(row.locator(".location-ip"))).toBe("unknown");
    // The actions button's accessible name carries the name as text too.
    await row.getByRole("button", { name: `Actions for ${hostileName}` }).waitFor();
    // So do the tile view and the settings dialog.
    await page.getByRole("button", { name: "Tile view" }).click();
    const tile = page.locator(`.computer-tile[data-computer-id="${ids.hostile}"]`);
    await tile.scrollIntoViewIfNeeded();
    expect(await shownText(tile.locator(".computer-name"))).toBe(hostileName);
    await tile.getByRole("button", { name: `Actions for ${hostileName}` }).click();
    await page.getByRole("menuitem", { name: "Settings…" }).click();
    expect(await page.getByRole("dialog").getByLabel("Name", { exact: true }).inputValue()).toBe(hostileName);
    expect(await page.evaluate(() => (window as { __xss?: number }).__xss)).toBeUndefined();

    const kiosk = page.locator(`.computer-tile[data-computer-id="${ids.kiosk}"]`);
    expect(await kiosk.locator(".os-icon").getAttribute("aria-label")).toBe("System information (Other operating system)");
    expect(await shownText(kiosk.locator(".tile-location"))).toBe("unknown · unknown");
    expect((await listComputers(baseUrl, otherCookie)).find((c) => c.id === ids.kiosk)?.lastSeenAt).toBeNull();
  });

  test("renames through the settings dialog and removes through the row's actions menu", async () => {
    const page = fixture.page;
    const account = await createAccount(baseUrl, "rename-remove");
    const imac = await linkComputer(baseUrl, account, { name: "Design iMac", os: "macos", installed: true });
    const reception = await linkComputer(baseUrl, account, { name: "Reception desk", os: "windows", installed: true });
    const cookie = await signInBrowser(account);
    await openList();

    await page.getByRole("button", { name: "Actions for Design iMac" }).click();
    await page.getByRole("menuitem", { name: "Settings…" }).click();
    await page.getByRole("dialog", { name: "Computer settings" }).getByLabel("Name", { exact: true }).fill("Studio iMac");
    await page.getByRole("dialog").getByRole("button", { name: "Save" }).click();
    await page.getByRole("dialog").waitFor({ state: "detached" });
    await page.locator(".computer-name", { hasText: "Studio iMac" }).waitFor();

    await page.getByRole("button", { name: "Actions for Reception desk" }).click();
    await page.getByRole("menuitem", { name: "Remove…" }).click();
    await page.getByRole("group", { name: "Confirm removal" }).getByRole("button", { name: "Remove" }).click();
    await page.locator(".computer-row", { hasText: "Reception desk" }).waitFor({ state: "detached" });

    // The Worker stored both changes.
    const list = (await listComputers(baseUrl, cookie)).filter((c) => !c.isDemo);
    expect(list.map((c) => [c.id, c.name])).toEqual([[imac.computerId, "Studio iMac"]]);
    expect(await page.locator(".computer-row").count()).toBe((await listComputers(baseUrl, cookie)).length);
    expect((await apiFetch(baseUrl, `/api/computers/${reception.computerId}`, { cookie })).status).toBe(404);
    // A removed computer's agent is turned away for good.
    expect(await agentCloseCode(baseUrl, reception)).toBe(ControlCloseCode.Unauthorized);

    // And a reload shows what the server has.
    await page.reload();
    await page.locator(".computer-name", { hasText: "Studio iMac" }).waitFor();
    expect(await page.locator(".computer-row", { hasText: "Reception desk" }).count()).toBe(0);
  });

  test("a search in force stays in sight, and a visit elsewhere ends it", async () => {
    const page = fixture.page;
    const account = await createAccount(baseUrl, "search");
    const cookie = await signInBrowser(account);
    // Seven in the list, a demo computer included if the account has one: past six, the box shows.
    const demos = (await listComputers(baseUrl, cookie)).length;
    const names = ["Office front", "Office back", "Office lab", "Warehouse", "Garage", "Attic", "Cellar"].slice(0, 7 - demos);
    const linked = [];
    for (const name of names) linked.push(await linkComputer(baseUrl, account, { name, os: "linux", installed: true }));
    await openList();
    const search = page.getByRole("searchbox", { name: "Find computers" });
    const rows = page.locator(".computer-row");

    // Not kept across visits: History and back shows the whole list again.
    await search.fill("office");
    await expect.poll(() => rows.count()).toBe(3);
    await page.getByRole("link", { name: "History" }).click();
    await page.getByRole("link", { name: "Computers" }).click();
    await expect.poll(() => rows.count()).toBe(7);
    expect(await search.inputValue()).toBe("");

    // Down to six while a search is in force: the box stays, showing what filters the list.
    await search.fill("office");
    await expect.poll(() => rows.count()).toBe(3);
    expect((await apiFetch(baseUrl, `/api/computers/${linked[2]!.computerId}`, { method: "DELETE", cookie })).status).toBe(204);
    await expect.poll(() => rows.count()).toBe(2);
    expect(await search.inputValue()).toBe("office");
    // Cleared, it goes away with the filter: six need no search.
    await search.fill("");
    await expect.poll(() => rows.count()).toBe(6);
    await search.waitFor({ state: "detached" });
  });

  test("a failed load is shown with a way to retry", async () => {
    const page = fixture.page;
    // A real failure: the browser loses its network while the Worker keeps running.
    await signInBrowser(owner);
    await page.goto("/history");
    await page.getByRole("heading", { name: "History", level: 1 }).waitFor();
    await fixture.context.setOffline(true);
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Computers" }).click();
    await page.getByRole("alert").filter({ hasText: "Cannot reach Edgedesk. Check your connection and try again." }).waitFor();
    await shot("computers-load-error");
    await fixture.context.setOffline(false);
    await page.getByRole("button", { name: "Try again" }).click();
    await page.locator(".computer-row").first().waitFor();
    expect(await page.locator(".computer-row").count()).toBe((await listComputers(baseUrl, ownerCookie)).length);
  });

  test("a session that ends while signed in returns to the login page", async () => {
    const page = fixture.page;
    const cookie = await signInBrowser(owner);
    await openList();
    // Only the live feed may bring the news: automatic refresh off (it is not kept across loads).
    await page.locator("label.switch", { hasText: "Auto-refresh" }).click();
    expect(await page.getByRole("checkbox", { name: "Auto-refresh" }).isChecked()).toBe(false);
    await page.locator('[data-live="open"]').waitFor();
    // Signed out from elsewhere: the same session ends on the server, which closes the
    // page's live feed, and the page goes to the login page by itself.
    expect((await apiFetch(baseUrl, "/api/auth/logout", { method: "POST", cookie })).status).toBe(204);
    expect((await apiFetch(baseUrl, "/api/computers", { cookie })).status).toBe(401);
    await page.waitForURL((url) => url.pathname === "/login");
    await page.getByRole("heading", { name: "Sign in to Edgedesk" }).waitFor();
  });

  test("the views look right (screenshots when E2E_SCREENSHOTS is set)", async () => {
    const page = fixture.page;
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
