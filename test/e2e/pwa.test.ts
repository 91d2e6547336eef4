// PWA (F9) in real Chromium against the built cabinet on `wrangler dev`: the web app manifest
// and its icons, the service worker (vite-plugin-pwa) reaching "activated", the app shell
// loading offline while /api stays uncached, and the 360 px phone layout of the login page and
// the computers list. Set E2E_SCREENSHOTS=<dir> to keep screenshots for a look by eye.
import type { Browser, BrowserContext, Page } from "playwright-core";
import sharp from "sharp";
import { afterAll, afterEach, beforeAll, describe, expect, inject, test } from "vitest";
import { browserCookies, createAccount, linkComputer, signIn } from "./backend";
import { launchBrowser, screenshot } from "./harness";

const baseUrl = inject("baseUrl");
const UI_TIMEOUT = 15_000;
const PHONE = { width: 360, height: 740 };

type ManifestIcon = { src: string; sizes: string; type?: string; purpose?: string };
type Manifest = {
  name: string;
  short_name: string;
  start_url: string;
  display: string;
  theme_color: string;
  background_color: string;
  icons: ManifestIcon[];
};

let browser: Browser;
let context: BrowserContext | undefined;
let pageErrors: string[];

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

afterEach(async () => {
  await context?.close();
  context = undefined;
  expect(pageErrors).toEqual([]);
});

async function newPage(options: Parameters<Browser["newContext"]>[0] = {}): Promise<Page> {
  context = await browser.newContext({ baseURL: baseUrl, viewport: { width: 1280, height: 800 }, locale: "en-US", ...options });
  context.setDefaultTimeout(UI_TIMEOUT);
  // Page loads get more room than a UI step (see browser-fixture.ts).
  context.setDefaultNavigationTimeout(2 * UI_TIMEOUT);
  const page = await context.newPage();
  pageErrors = [];
  page.on("pageerror", (error) => pageErrors.push(error.message));
  return page;
}

/** Waits until the page's service worker is active (navigator.serviceWorker.ready) and returns its state. */
function serviceWorkerReady(page: Page): Promise<{ state: string | undefined; scope: string; script: string | undefined }> {
  return page.evaluate(async () => {
    const registration = await navigator.serviceWorker.ready;
    const worker = registration.active;
    if (worker && worker.state !== "activated") {
      await new Promise<void>((resolve) => worker.addEventListener("statechange", () => worker.state === "activated" && resolve()));
    }
    return { state: worker?.state, scope: registration.scope, script: worker?.scriptURL };
  });
}

/** No horizontal scrolling, and the left menu is a bar across the top rather than a column. */
async function expectPhoneLayout(page: Page): Promise<void> {
  const widths = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, body: document.body.scrollWidth }));
  expect(widths.scroll).toBeLessThanOrEqual(PHONE.width);
  expect(widths.body).toBeLessThanOrEqual(PHONE.width);
}

describe("installable web app", () => {
  test("the manifest is linked, has the required fields and icons that load as PNGs of their size", async () => {
    const page = await newPage();
    await page.goto("/login");
    await page.getByRole("button", { name: "Sign in" }).waitFor();

    const href = await page.locator('link[rel="manifest"]').getAttribute("href");
    expect(href).toBeTruthy();
    const response = await fetch(new URL(href!, baseUrl));
    expect(response.status).toBe(200);
    const manifest = (await response.json()) as Manifest;
    expect(manifest).toMatchObject({
      name: "Edgedesk",
      short_name: "Edgedesk",
      start_url: "/computers",
      display: "standalone",
      // --primary and --bg of web/src/styles.css.
      theme_color: "#2453d6",
      background_color: "#f4f6fa",
    });

    const pngs = manifest.icons.filter((icon) => icon.type === "image/png");
    const sizes = new Set(pngs.map((icon) => icon.sizes));
    expect(sizes).toContain("192x192");
    expect(sizes).toContain("512x512");
    expect(pngs.some((icon) => icon.purpose?.split(" ").includes("maskable"))).toBe(true);
    for (const icon of pngs) {
      const res = await fetch(new URL(icon.src, new URL(href!, baseUrl)));
      expect(res.status, icon.src).toBe(200);
      expect(res.headers.get("content-type"), icon.src).toMatch(/^image\/png/);
      const meta = await sharp(Buffer.from(await res.arrayBuffer())).metadata();
      expect(`${meta.width}x${meta.height}`, icon.src).toBe(icon.sizes);
      expect(meta.format).toBe("png");
    }
  });

  test("the service worker activates; offline, /computers still opens the app shell while /api fails", async () => {
    const page = await newPage();
    await page.goto("/computers");
    await page.waitForURL((url) => url.pathname === "/login");
    const worker = await serviceWorkerReady(page);
    expect(worker.state).toBe("activated");
    expect(worker.scope).toBe(`${baseUrl}/`);
    expect(worker.script).toBe(`${baseUrl}/sw.js`);

    // Online, the API answers; the worker lets it through.
    expect(await page.evaluate(async () => (await fetch("/api/health")).status)).toBe(200);

    await context!.setOffline(true);
    await page.goto("/computers");
    // The shell from the precache: the page renders (not the browser's offline error page).
    // Unable to ask /api/me, the app shows the sign-in page (or its "try again" splash).
    await page.locator("#app .auth-card, #app .splash, #app .shell").first().waitFor();
    await expect(page.title()).resolves.toContain("Edgedesk");
    expect(await page.locator('link[rel="manifest"]').count()).toBe(1);
    await screenshot(page, "pwa-offline");
    // Nothing of the API was cached: offline it fails, it is not answered from a cache.
    const offlineApi = await page.evaluate(async () => {
      try {
        const response = await fetch("/api/health");
        return `answered ${response.status}`;
      } catch (error) {
        return `failed: ${(error as Error).name}`;
      }
    });
    expect(offlineApi).toBe("failed: TypeError");
    const cached = await page.evaluate(async () => {
      const urls: string[] = [];
      for (const name of await caches.keys()) {
        for (const request of await (await caches.open(name)).keys()) urls.push(new URL(request.url).pathname);
      }
      return urls;
    });
    expect(cached).toContain("/index.html");
    expect(cached.filter((path) => path.startsWith("/api") || path.startsWith("/dev"))).toEqual([]);

    // Back online, the same tab recovers.
    await context!.setOffline(false);
    await page.goto("/computers");
    await page.waitForURL((url) => url.pathname === "/login");
    await page.getByRole("button", { name: "Sign in" }).waitFor();
    // The API docs (a navigation under /api) are never answered with the app shell.
    await page.goto("/api/docs", { waitUntil: "domcontentloaded" });
    expect(await page.locator("#app").count()).toBe(0);
  });
});

describe("phone viewport (360 px)", () => {
  const phone = { viewport: PHONE, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };

  test("the login page fits without horizontal scrolling", async () => {
    const page = await newPage(phone);
    await page.goto("/login");
    await page.getByRole("button", { name: "Sign in" }).waitFor();
    await screenshot(page, "pwa-phone-login");
    await expectPhoneLayout(page);
    const card = await page.locator(".auth-card").boundingBox();
    expect(card!.x).toBeGreaterThanOrEqual(0);
    expect(card!.x + card!.width).toBeLessThanOrEqual(PHONE.width);
  });

  test("signed in, the menu collapses to a top bar and the computers list shows cards", async () => {
    const account = await createAccount(baseUrl, "pwa");
    await linkComputer(baseUrl, account, { name: "Reception desk with a rather long computer name", os: "windows", installed: true });
    const imac = await linkComputer(baseUrl, account, { name: "Studio iMac", os: "macos", installed: false });
    const cookie = await signIn(baseUrl, account);
    const page = await newPage(phone);
    await context!.addCookies(browserCookies(baseUrl, cookie));
    await page.goto("/computers");
    await page.getByText("Studio iMac").waitFor();
    await screenshot(page, "pwa-phone-computers");
    await expectPhoneLayout(page);

    // The menu is not a left column any more: a bar across the top, above the content, its
    // "Soon" badges and long labels hidden.
    const sidebar = (await page.locator(".sidebar").boundingBox())!;
    const content = (await page.locator("main.content").boundingBox())!;
    expect(sidebar.width).toBeGreaterThanOrEqual(PHONE.width - 1);
    expect(sidebar.height).toBeLessThan(100);
    expect(content.y).toBeGreaterThanOrEqual(sidebar.y + sidebar.height - 1);
    expect(content.x).toBeLessThan(1);
    await expect(page.locator(".nav-soon").first().isVisible()).resolves.toBe(false);
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Computers" }).waitFor();

    // Each computer is a card: no table header, every row inside the viewport, with a border.
    await expect(page.locator(".computer-list-head").isVisible()).resolves.toBe(false);
    const rows = page.locator(".computer-row");
    expect(await rows.count()).toBeGreaterThanOrEqual(2);
    for (const row of await rows.all()) {
      const box = (await row.boundingBox())!;
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width).toBeLessThanOrEqual(PHONE.width);
      const radius = await row.evaluate((el) => parseFloat(getComputedStyle(el).borderTopLeftRadius));
      expect(radius).toBeGreaterThan(0);
    }

    // The profile menu opens inside the screen.
    await page.locator(".profile-button").click();
    const popup = (await page.locator(".profile-popup").boundingBox())!;
    expect(popup.x).toBeGreaterThanOrEqual(0);
    expect(popup.x + popup.width).toBeLessThanOrEqual(PHONE.width);
    await screenshot(page, "pwa-phone-profile");

    // The connection window (no agent online, so it says so): its bar fits the screen, and
    // the remote screen takes touch rather than scrolling the page.
    await page.goto(`/connect/${imac.computerId}`);
    await page.getByTestId("remote-screen").waitFor({ state: "attached" });
    await page.locator(".viewer-bar button").first().waitFor();
    await screenshot(page, "pwa-phone-connect");
    await expectPhoneLayout(page);
    const bar = (await page.locator(".viewer-bar").boundingBox())!;
    expect(bar.x + bar.width).toBeLessThanOrEqual(PHONE.width);
    // Every control in reach, those under More too (open it to see them).
    const fits = async () => {
      const shown = await page.locator(".viewer-bar button:visible, .viewer-bar select:visible").all();
      expect(shown.length).toBeGreaterThan(0);
      for (const control of shown) {
        const box = (await control.boundingBox())!;
        expect(box.x).toBeGreaterThanOrEqual(0);
        expect(box.x + box.width).toBeLessThanOrEqual(PHONE.width);
        expect(box.height).toBeGreaterThanOrEqual(32);
      }
      return shown.length;
    };
    const inBar = await fits();
    await page.getByRole("button", { name: "More controls" }).click();
    expect(await fits()).toBeGreaterThan(inBar);
    const touchAction = await page.getByTestId("remote-screen").evaluate((el) => getComputedStyle(el).touchAction);
    expect(touchAction).toBe("none");
  });
});
