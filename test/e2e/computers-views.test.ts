// The computers page beyond the plain list, against the real Worker: favorites, sorting and
// grouping (F2.14), line and tile views with screenshots (F2.6, F2.15), the choices kept
// across visits, Restricted computers beyond the plan (F2.7), system information (F2.8), the
// settings dialog (F2.10) and live status changes (F2.13). Agents are real control sockets
// opened from Node; screenshots are real WebP thumbnails sent over them. Nothing is mocked.
// Set E2E_SCREENSHOTS=<dir> to keep screenshots of the views for a look by eye.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import type { Computer, SystemInfo } from "../../protocol/api";
import {
  apiFetch,
  connectAgent,
  createAccount,
  desktopThumbnail,
  linkComputer,
  listComputers,
  sendScreenshot,
  sendSystemInfo,
  setGroup,
  signIn,
  startSession,
  waitForComputer,
  type Account,
  type AgentConnection,
  type LinkedComputer,
} from "./backend";
import { shownText, usePage } from "./browser-fixture";
import { lowContrastText } from "./contrast";
import { screenshot } from "./harness";

const fixture = usePage({ viewport: { width: 1280, height: 860 } });
const baseUrl = fixture.baseUrl;

let owner: Account;
let ownerCookie: string;
const agents: AgentConnection[] = [];
const linked: Record<"reception" | "build" | "imac" | "kiosk" | "aerzte", LinkedComputer> = {} as never;
const id = (key: keyof typeof linked) => linked[key].computerId;
/** Our computers' names; a demo computer shared with every account may be in the list too. */
const ours = new Set(["Reception desk", "build-server", "Design iMac", "Studio iMac", "zebra kiosk", "Ärzte-PC"]);

const systemInfo: SystemInfo = {
  general: {
    os: "Windows 11 Pro",
    osVersion: "23H2",
    hostname: "RECEPTION-01",
    user: "reception",
    cpu: "Intel Core i5-12500",
    cores: 6,
    memoryBytes: 16 * 1024 ** 3,
    uptimeSeconds: 3 * 86_400 + 4 * 3_600 + 12 * 60,
    agentVersion: "0.1.0",
  },
  detail: {
    disks: [{ name: "Samsung SSD 980", type: "NVMe", sizeBytes: 500_107_862_016, usedBytes: 212_000_000_000, mount: "C:" }],
    network: [{ name: "Ethernet", mac: "00:1a:2b:3c:4d:5e", ipv4: ["192.168.1.23"], ipv6: ["fe80::1a2b:3cff:fe4d:5e6f"], speedMbps: 1000 }],
    displays: [{ name: "DELL P2422H", width: 1920, height: 1080, primary: true }],
    bios: { vendor: "Dell Inc.", version: "1.14.0", date: "2024-03-12" },
    board: { manufacturer: "Dell Inc.", model: "OptiPlex 7000", serial: "7X9K2L3" },
  },
};

const shot = (name: string) => screenshot(fixture.page, name);
const row = (key: keyof typeof linked) => fixture.page.locator(`.computer-row[data-computer-id="${id(key)}"]`);
const tile = (key: keyof typeof linked) => fixture.page.locator(`.computer-tile[data-computer-id="${id(key)}"]`);
const openList = () => fixture.openComputers(".computer-row, .computer-tile");

/** Section headings and our computers under each, in display order (the list is one sequence of headings and items). */
async function layout(): Promise<[string, string[]][]> {
  const page = fixture.page;
  // The list renders progressively: wait until every item is there.
  await page.locator('.computer-rows[aria-busy="false"], .computer-tiles[aria-busy="false"]').waitFor();
  const items = await page
    .locator(".computer-rows > li, .computer-tiles > li")
    .evaluateAll((lis) =>
      lis.map((li) => ({
        heading: li.classList.contains("group-heading") ? (li.getAttribute("data-section") ?? "") : null,
        name: li.querySelector(".computer-name")?.textContent ?? "",
      })),
    );
  const out: [string, string[]][] = [];
  let current: [string, string[]] | null = null;
  for (const item of items) {
    if (item.heading !== null) out.push((current = [item.heading, []]));
    else if (ours.has(item.name)) {
      if (!current) out.push((current = ["", []]));
      current[1].push(item.name);
    }
  }
  return out.filter(([, names]) => names.length > 0);
}

/** The names under one heading. */
async function namesUnder(heading: string): Promise<string[]> {
  return (await layout()).find(([label]) => label === heading)?.[1] ?? [];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  owner = await createAccount(baseUrl, "computers-views");
  ownerCookie = await signIn(baseUrl, owner);

  // The date added decides the order by date and which computers exceed the Free plan's 3;
  // the Worker keeps it to the second, so the computers are added a second apart.
  const add = async (key: keyof typeof linked, name: string, os: Computer["os"], installed: boolean) => {
    linked[key] = await linkComputer(baseUrl, owner, { name, os, installed });
    await sleep(1_100);
  };
  await add("reception", "Reception desk", "windows", true);
  await add("build", "build-server", "linux", false);
  await add("imac", "Design iMac", "macos", true);
  await add("kiosk", "zebra kiosk", "other", true);
  await add("aerzte", "Ärzte-PC", "windows", true);

  const reception = await connectAgent(baseUrl, linked.reception, { name: "Reception desk", os: "windows", installed: true });
  agents.push(reception);
  agents.push(await connectAgent(baseUrl, linked.build, { name: "build-server", os: "linux", installed: false }));
  const imac = await connectAgent(baseUrl, linked.imac, { name: "Design iMac", os: "macos", installed: true });
  await waitForComputer(baseUrl, ownerCookie, id("imac"), (c) => c.online);
  await imac.close();

  sendSystemInfo(reception, systemInfo);
  sendScreenshot(reception, await desktopThumbnail({ wallpaper: ["#1d4ed8", "#0ea5e9"], title: "Reception · Calendar" }));

  await setGroup(baseUrl, ownerCookie, id("reception"), "Office");
  await setGroup(baseUrl, ownerCookie, id("imac"), "Office");
  await setGroup(baseUrl, ownerCookie, id("build"), "Servers");
  // Connect once (as the Connect button does): Reception desk was used today.
  await startSession(baseUrl, ownerCookie, id("reception"));

  await waitForComputer(baseUrl, ownerCookie, id("reception"), (c) => c.status === "online" && c.hasSystemInfo && c.screenshotUrl !== null);
  await waitForComputer(baseUrl, ownerCookie, id("build"), (c) => c.status === "not_installed");
  await waitForComputer(baseUrl, ownerCookie, id("imac"), (c) => c.status === "offline" && c.lastSeenAt !== null);
});

afterAll(async () => {
  await Promise.all(agents.map((agent) => agent.close()));
});

// Every test starts signed in as the owner, with a fresh session.
beforeEach(async () => {
  await fixture.signInBrowser(owner);
});

describe("the computers page", () => {
  test("shows statuses with their meaning, location and last connection; Restricted beyond the plan says until when", async () => {
    const page = fixture.page;
    const fromApi = new Map((await listComputers(baseUrl, ownerCookie)).map((c) => [c.id, c]));
    // The Free plan has 3 computers: the 4th and 5th added are Restricted for 10 days.
    expect(fromApi.get(id("kiosk"))?.status).toBe("restricted");
    expect(fromApi.get(id("aerzte"))?.status).toBe("restricted");
    expect(fromApi.get(id("reception"))?.lastConnectedAt).not.toBeNull();

    await openList();
    expect(await shownText(row("reception").locator(".status"))).toBe("Online");
    expect(await shownText(row("build").locator(".status"))).toBe("Not installed");
    expect(await shownText(row("imac").locator(".status"))).toBe("Offline");
    expect(await shownText(row("imac").locator(".status-sub"))).toMatch(/^seen (just now|1 minute ago)$/);
    expect(await shownText(row("kiosk").locator(".status"))).toBe("Restricted");
    const until = fromApi.get(id("kiosk"))!.restrictedUntil!;
    expect(await row("kiosk").locator(".status-until").getAttribute("datetime")).toBe(until);
    const untilText = new Date(until).toLocaleDateString("en-US", { month: "short", day: "numeric", year: "numeric" });
    expect(await shownText(row("kiosk").locator(".status-until"))).toBe(`until ${untilText}`);
    // Restricted is still connectable while online; offline is not.
    expect(await row("kiosk").getByRole("button", { name: "Connect" }).isDisabled()).toBe(true);
    expect(await row("reception").getByTestId("connect").getAttribute("href")).toBe(`/connect/${id("reception")}`);
    expect(await page.getByRole("status").filter({ hasText: "beyond the limit" }).innerText()).toContain("Free");

    // Location as the Worker saw the agent's connection; "unknown" where there is none.
    const { ip, city, country } = fromApi.get(id("reception"))!.location;
    expect(await shownText(row("reception").locator(".location-ip"))).toBe(ip || "unknown");
    expect(await shownText(row("reception").locator(".location-place"))).toBe([city, country].filter(Boolean).join(", ") || "unknown");
    expect(await shownText(row("kiosk").locator(".location-ip"))).toBe("unknown");
    expect(await shownText(row("kiosk").locator(".location-place"))).toBe("unknown");
    expect(await shownText(row("reception").locator(".last-connection"))).toBe("just now");
    expect(await shownText(row("build").locator(".last-connection"))).toBe("Never");
    expect(await row("reception").locator(".os-icon").getAttribute("aria-label")).toBe("System information (Windows)");
    await shot("computers-line");
  });

  test("every text reads at WCAG AA contrast: the computers page in both views, history, profile, sign-in", async () => {
    const page = fixture.page;
    await openList();
    await layout(); // every item there
    expect(await lowContrastText(page)).toEqual([]);
    await page.getByRole("button", { name: "Tile view" }).click();
    await tile("reception").waitFor();
    expect(await lowContrastText(page)).toEqual([]);
    await page.getByRole("button", { name: "Line view" }).click();
    await row("reception").waitFor();
    // The other pages of the cabinet, with their menus and headings (history has a session).
    for (const path of ["/history", "/profile"]) {
      await page.goto(path);
      await page.locator("main h1").first().waitFor();
      await page.locator('[aria-busy="true"]').waitFor({ state: "detached" });
      expect(await lowContrastText(page), path).toEqual([]);
    }
    // Signed out: the sign-in page.
    const login = await fixture.newPage();
    await login.goto("/login");
    await login.getByRole("button", { name: "Sign in" }).first().waitFor();
    expect(await lowContrastText(login)).toEqual([]);
  });

  test("favorites come first; sorts and groupings reorder the list; the choices survive a reload", async () => {
    const page = fixture.page;
    await openList();
    expect(await layout()).toEqual([
      ["Office", ["Design iMac", "Reception desk"]],
      ["Servers", ["build-server"]],
      ["No group", ["Ärzte-PC", "zebra kiosk"]],
    ]);

    // A star makes a favorite: its own group, always the first.
    await row("build").getByRole("button", { name: "Add build-server to favorites" }).click();
    await expect.poll(() => namesUnder("Favorites")).toEqual(["build-server"]);
    expect(await layout()).toEqual([
      ["Favorites", ["build-server"]],
      ["Office", ["Design iMac", "Reception desk"]],
      ["No group", ["Ärzte-PC", "zebra kiosk"]],
    ]);
    await expect.poll(async () => (await listComputers(baseUrl, ownerCookie)).find((c) => c.id === id("build"))?.favorite).toBe(true);

    const sort = page.getByRole("combobox", { name: "Sort" });
    const group = page.getByRole("combobox", { name: "Group" });
    // Newest first.
    await sort.selectOption("added");
    expect(await layout()).toEqual([
      ["Favorites", ["build-server"]],
      ["Office", ["Design iMac", "Reception desk"]],
      ["No group", ["Ärzte-PC", "zebra kiosk"]],
    ]);
    await group.selectOption("none");
    expect(await layout()).toEqual([
      ["Favorites", ["build-server"]],
      ["Other computers", ["Ärzte-PC", "zebra kiosk", "Design iMac", "Reception desk"]],
    ]);
    // Most recently connected first, then by name.
    await sort.selectOption("last-connection");
    expect(await layout()).toEqual([
      ["Favorites", ["build-server"]],
      ["Other computers", ["Reception desk", "Ärzte-PC", "Design iMac", "zebra kiosk"]],
    ]);

    await sort.selectOption("name");
    await group.selectOption("status");
    expect(await layout()).toEqual([
      ["Favorites", ["build-server"]],
      ["Online", ["Reception desk"]],
      ["Restricted", ["Ärzte-PC", "zebra kiosk"]],
      ["Offline", ["Design iMac"]],
    ]);
    // Case-insensitive, by first letter; "Ä" files under A.
    await group.selectOption("alpha");
    expect(await layout()).toEqual([
      ["Favorites", ["build-server"]],
      ["A", ["Ärzte-PC"]],
      ["D", ["Design iMac"]],
      ["R", ["Reception desk"]],
      ["Z", ["zebra kiosk"]],
    ]);
    await group.selectOption("time");
    expect(await layout()).toEqual([
      ["Favorites", ["build-server"]],
      ["Today", ["Reception desk"]],
      ["Never", ["Ärzte-PC", "Design iMac", "zebra kiosk"]],
    ]);

    // Line and tile views, switched top right.
    await page.getByRole("button", { name: "Tile view" }).click();
    await tile("reception").waitFor();
    expect(await page.locator(".computer-row").count()).toBe(0);
    expect(await layout()).toEqual([
      ["Favorites", ["build-server"]],
      ["Today", ["Reception desk"]],
      ["Never", ["Ärzte-PC", "Design iMac", "zebra kiosk"]],
    ]);

    // The choices are kept for the next visit; the favorite is kept by the server.
    await page.reload();
    await tile("reception").waitFor();
    expect(await sort.inputValue()).toBe("name");
    expect(await group.inputValue()).toBe("time");
    expect(await page.getByRole("button", { name: "Tile view" }).getAttribute("aria-pressed")).toBe("true");
    expect((await layout())[0]).toEqual(["Favorites", ["build-server"]]);

    // Un-star, back to the line view grouped by group.
    await tile("build").getByRole("button", { name: "Remove build-server from favorites" }).click();
    await group.selectOption("group");
    await page.getByRole("button", { name: "Line view" }).click();
    await row("build").waitFor();
    expect(await layout()).toEqual([
      ["Office", ["Design iMac", "Reception desk"]],
      ["Servers", ["build-server"]],
      ["No group", ["Ärzte-PC", "zebra kiosk"]],
    ]);
    await expect.poll(async () => (await listComputers(baseUrl, ownerCookie)).find((c) => c.id === id("build"))?.favorite).toBe(false);
  });

  test("the tile view shows the screenshot, status top left, OS icon, name and location", async () => {
    const page = fixture.page;
    await openList();
    await page.getByRole("button", { name: "Tile view" }).click();
    const reception = tile("reception");
    await reception.waitFor();
    const fromApi = (await listComputers(baseUrl, ownerCookie)).find((c) => c.id === id("reception"))!;
    const image = reception.locator("img.thumb-image");
    expect(await image.getAttribute("src")).toBe(fromApi.screenshotUrl);
    expect(await image.getAttribute("loading")).toBe("lazy");
    await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(480);
    expect(await shownText(reception.locator(".tile-status .status"))).toBe("Online");
    expect(await shownText(reception.locator(".computer-name"))).toBe("Reception desk");
    expect(await reception.locator(".os-icon").getAttribute("aria-label")).toBe("System information (Windows)");
    const { ip, city, country } = fromApi.location;
    expect(await shownText(reception.locator(".tile-location"))).toBe(`${ip || "unknown"} · ${[city, country].filter(Boolean).join(", ") || "unknown"}`);
    // No screenshot yet: a placeholder, no broken image.
    expect(await tile("imac").locator("img").count()).toBe(0);
    expect(await tile("imac").locator(".thumb-placeholder").count()).toBe(1);
    expect(await tile("kiosk").locator(".status-until").count()).toBe(1);
    // The screenshot is served only to users with access.
    const anonymous = await fetch(`${baseUrl}${fromApi.screenshotUrl}`);
    expect(anonymous.status).toBe(401);
    await shot("computers-tile");
    await page.setViewportSize({ width: 390, height: 844 });
    await shot("computers-tile-mobile");
    await page.getByRole("button", { name: "Line view" }).click();
    await row("reception").waitFor();
  });

  test("system information opens from the OS icon and the actions menu, with General and Details tabs", async () => {
    const page = fixture.page;
    await openList();
    await row("reception").getByRole("button", { name: "System information (Windows)" }).click();
    const dialog = page.getByRole("dialog", { name: "System information" });
    await dialog.getByRole("tab", { name: "General" }).waitFor();
    const fact = (term: string) => dialog.locator(".fact", { has: page.locator(`dt:text-is("${term}")`) }).locator("dd");
    expect(await fact("Operating system").innerText()).toBe("Windows 11 Pro 23H2");
    expect(await fact("Host name").innerText()).toBe("RECEPTION-01");
    expect(await fact("Processor").innerText()).toBe("Intel Core i5-12500 (6 cores)");
    expect(await fact("Memory").innerText()).toBe("16 GB");
    expect(await fact("Uptime").innerText()).toBe("3 days 4 hours");
    expect(await fact("Agent version").innerText()).toBe("0.1.0");
    await shot("system-info-general");

    await dialog.getByRole("tab", { name: "Details" }).click();
    const details = await dialog.getByRole("tabpanel").innerText();
    for (const text of ["Samsung SSD 980", "197 GB of 466 GB", "00:1a:2b:3c:4d:5e", "192.168.1.23", "1 Gbit/s", "1920 × 1080", "Primary", "Dell Inc.", "OptiPlex 7000"]) {
      expect(details).toContain(text);
    }
    await shot("system-info-details");
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "detached" });
    const focused = () => page.evaluate(() => document.activeElement?.getAttribute("aria-label"));
    await expect.poll(focused).toBe("System information (Windows)");

    // A computer whose agent never reported: said plainly.
    await row("imac").getByRole("button", { name: "Actions for Design iMac" }).click();
    await page.getByRole("menuitem", { name: "System information" }).click();
    await page.getByRole("dialog", { name: "System information" }).getByText("No system information yet.").waitFor();
    await page.getByRole("dialog").getByRole("button", { name: "Close" }).click();
    await page.getByRole("dialog").waitFor({ state: "detached" });
    // Focus goes back to the row it came from, not to the top of the page.
    await expect.poll(focused).toBe("Actions for Design iMac");
  });

  test("the settings dialog saves name, group, the admin-rights option and write-only credentials; API errors show at the field", async () => {
    const page = fixture.page;
    await openList();
    await row("imac").getByRole("button", { name: "Actions for Design iMac" }).click();
    await page.getByRole("menuitem", { name: "Settings…" }).click();
    const dialog = page.getByRole("dialog", { name: "Computer settings" });
    const name = dialog.getByLabel("Name", { exact: true });
    const group = dialog.getByLabel("Group", { exact: true });
    await name.waitFor();
    expect(await name.inputValue()).toBe("Design iMac");
    expect(await group.inputValue()).toBe("Office");
    // Existing groups are offered.
    const listId = await group.getAttribute("list");
    expect(await page.locator(`datalist[id="${listId}"] option`).evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value))).toEqual([
      "Office",
      "Servers",
    ]);

    // The server's validation message appears next to the field it is about.
    await name.fill("   ");
    await dialog.getByRole("button", { name: "Save" }).click();
    await dialog.locator(".field-error", { hasText: "A name cannot be empty." }).waitFor();
    expect(await name.getAttribute("aria-invalid")).toBe("true");
    await shot("settings-error");

    await name.fill("Studio iMac");
    await group.fill("Studio");
    await dialog.getByLabel("Allow configuring the agent without administrator rights").check();
    await dialog.getByLabel("User name").fill("designer");
    await dialog.getByLabel("Password").fill("s3cret-remote-pass");
    await dialog.getByRole("button", { name: "Save" }).click();
    await dialog.waitFor({ state: "detached" });
    await expect.poll(() => namesUnder("Studio")).toEqual(["Studio iMac"]);

    const saved = (await listComputers(baseUrl, ownerCookie)).find((c) => c.id === id("imac"))!;
    expect(saved).toMatchObject({ name: "Studio iMac", group: "Studio", settings: { allowNonAdminConfig: true, hasCredentials: true } });
    expect(JSON.stringify(saved)).not.toContain("s3cret-remote-pass");

    // Stored credentials are never shown again: only "Stored", with Replace and Remove.
    await row("imac").getByRole("button", { name: "Actions for Studio iMac" }).click();
    await page.getByRole("menuitem", { name: "Settings…" }).click();
    await dialog.getByText("Stored", { exact: true }).waitFor();
    expect(await dialog.getByLabel("Password").count()).toBe(0);
    expect(await page.content()).not.toContain("s3cret-remote-pass");
    expect(await dialog.getByLabel("Allow configuring the agent without administrator rights").isChecked()).toBe(true);
    await shot("settings-stored");
    await dialog.getByRole("button", { name: "Remove" }).click();
    await dialog.getByText("The stored credentials will be removed when you save.").waitFor();
    await name.fill("Design iMac");
    await group.fill("Office");
    await dialog.getByRole("button", { name: "Save" }).click();
    await dialog.waitFor({ state: "detached" });
    await expect.poll(() => namesUnder("Office")).toEqual(["Design iMac", "Reception desk"]);
    expect((await listComputers(baseUrl, ownerCookie)).find((c) => c.id === id("imac"))).toMatchObject({
      name: "Design iMac",
      group: "Office",
      settings: { hasCredentials: false, allowNonAdminConfig: true },
    });
  });

  test("status changes arrive live, without a refresh", async () => {
    const page = fixture.page;
    await openList();
    // Only the live feed may bring the change: automatic refresh off.
    const autoRefresh = page.getByRole("checkbox", { name: "Auto-refresh" });
    await page.locator("label.switch", { hasText: "Auto-refresh" }).click();
    expect(await autoRefresh.isChecked()).toBe(false);
    await page.locator('[data-live="open"]').waitFor();
    expect(await shownText(row("imac").locator(".status"))).toBe("Offline");

    const started = Date.now();
    const imac = await connectAgent(baseUrl, linked.imac, { name: "Design iMac", os: "macos", installed: true });
    await row("imac").locator(".status", { hasText: "Online" }).waitFor({ timeout: 5_000 });
    const shownAfter = Date.now() - started;
    expect(shownAfter).toBeLessThan(2_000);

    await imac.close();
    await row("imac").locator(".status", { hasText: "Offline" }).waitFor({ timeout: 5_000 });

    // A change made elsewhere (another tab, the API) shows too.
    const renamed = await apiFetch(baseUrl, `/api/computers/${id("kiosk")}`, { method: "PATCH", cookie: ownerCookie, body: { name: "zebra kiosk 2" } });
    expect(renamed.status).toBe(200);
    await row("kiosk").locator(".computer-name", { hasText: "zebra kiosk 2" }).waitFor({ timeout: 5_000 });
    await apiFetch(baseUrl, `/api/computers/${id("kiosk")}`, { method: "PATCH", cookie: ownerCookie, body: { name: "zebra kiosk" } });
    await row("kiosk").locator(".computer-name", { hasText: /^zebra kiosk$/ }).waitFor({ timeout: 5_000 });
    await page.locator("label.switch", { hasText: "Auto-refresh" }).click();
    expect(await autoRefresh.isChecked()).toBe(true);
  });
});
