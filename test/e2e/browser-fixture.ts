// The set-up every browser test file repeats: one Chromium for the file, a fresh context and
// page per test, every uncaught page error collected and failing the test, and the helpers
// that go with a page (wait for a path, sign the context in, sign in through the form, open
// the computers list).
import type { Browser, BrowserContext, BrowserContextOptions, Locator, Page, Request } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, expect, inject } from "vitest";
import { browserCookies, signIn, type Account } from "./backend";
import { launchBrowser, tail } from "./harness";

export const UI_TIMEOUT = 15_000;

/**
 * The text a user sees in `loc`, for content inside a computer row or tile. Those use
 * `content-visibility: auto`, and Chromium's innerText is "" for such content until a rendering
 * update has found it on screen (and while it is off screen): a row that was just inserted reads
 * empty until a frame has passed, which a loaded machine delays (one CI failure). Scroll it into
 * view and read it after two frames (one is not enough: measured).
 */
export async function shownText(loc: Locator): Promise<string> {
  await loc.scrollIntoViewIfNeeded();
  return loc.evaluate(
    (el) =>
      new Promise<string>((done) => {
        const read = () => done((el as HTMLElement).innerText);
        requestAnimationFrame(() => requestAnimationFrame(read));
        setTimeout(read, 2_000); // should frames stop (a hidden page), read what there is
      }),
  );
}

export type PageFixture = {
  readonly baseUrl: string;
  readonly browser: Browser;
  readonly context: BrowserContext;
  readonly page: Page;
  /** Waits until the page's path is `path`. */
  expectPath(path: string, page?: Page): Promise<void>;
  /** Signs `account` in through the API and gives the context its cookie; returns the Cookie header. */
  signInBrowser(account: Account, context?: BrowserContext): Promise<string>;
  /** Another context (e.g. a second browser, or other options) with its own page, closed after the test. */
  newPage(options?: BrowserContextOptions): Promise<Page>;
  /** Fills the login form already on the page and sends it, as a user does (accounts and account-recovery both sign in this way). */
  submitSignIn(email: string, password: string, page?: Page): Promise<void>;
  /** Opens /computers and waits for the first element matching `ready` (computers-list, -views and -sharing all start so; each names what it waits for). */
  openComputers(ready: string, page?: Page): Promise<void>;
};

/**
 * Call once at the top of a test file. `options` apply to every test's context; the default is
 * a 1280x800 desktop in en-US.
 */
export function usePage(options: BrowserContextOptions = {}): PageFixture {
  const baseUrl = inject("baseUrl");
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;
  let page: Page | undefined;
  let extra: BrowserContext[] = [];
  let pageErrors: string[] = [];
  // Requests of the test's pages that have not finished, with when they started: printed with
  // wrangler's last lines when a test fails, so a request the server never answered shows
  // itself (decision 30 was then found in wrangler's debug log: E2E_WRANGLER_LOG_LEVEL=debug).
  let openRequests = new Map<Request, number>();

  async function open(contextOptions: BrowserContextOptions): Promise<{ context: BrowserContext; page: Page }> {
    const ctx = await browser!.newContext({ baseURL: baseUrl, viewport: { width: 1280, height: 800 }, locale: "en-US", ...contextOptions });
    ctx.setDefaultTimeout(UI_TIMEOUT);
    // Page loads that passed 15 s in full runs were requests wrangler dev's proxy held (decision
    // 30, released now by startWorker); navigation keeps more room than a single UI step.
    ctx.setDefaultNavigationTimeout(2 * UI_TIMEOUT);
    const p = await ctx.newPage();
    p.on("pageerror", (error) => pageErrors.push(error.message));
    p.on("request", (r) => openRequests.set(r, performance.now()));
    p.on("requestfinished", (r) => openRequests.delete(r));
    p.on("requestfailed", (r) => openRequests.delete(r));
    return { context: ctx, page: p };
  }

  beforeAll(async () => {
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
  });

  beforeEach(async () => {
    pageErrors = [];
    openRequests = new Map();
    ({ context, page } = await open(options));
  });

  afterEach(async ({ task }) => {
    if (task.result?.state === "fail") {
      // Before the contexts close, so the ages are those at the failure.
      const now = performance.now();
      const lines = [...openRequests].map(([r, t]) => `  ${r.method()} ${r.url()} (${r.resourceType()}, open ${Math.round(now - t)} ms)`);
      console.error(`requests still open when the test failed: ${lines.length ? `\n${lines.join("\n")}` : "none"}`);
      const log = tail(inject("workerLog"), 500).split("\n").filter((l) => !l.includes("GET /api/health 200")); // not startWorker's pings
      console.error(`wrangler dev's last lines:\n${log.slice(-30).join("\n")}`);
    }
    for (const ctx of extra) await ctx.close();
    extra = [];
    await context?.close();
    expect(pageErrors).toEqual([]);
  });

  return {
    baseUrl,
    get browser() {
      return browser!;
    },
    get context() {
      return context!;
    },
    get page() {
      return page!;
    },
    async expectPath(path, on = page!) {
      await on.waitForURL((url) => url.pathname === path, { timeout: UI_TIMEOUT });
    },
    async signInBrowser(account, on = context!) {
      const cookie = await signIn(baseUrl, account);
      await on.addCookies(browserCookies(baseUrl, cookie));
      return cookie;
    },
    async newPage(contextOptions = {}) {
      const opened = await open({ ...options, ...contextOptions });
      extra.push(opened.context);
      return opened.page;
    },
    async submitSignIn(email, password, on = page!) {
      await on.getByLabel("E-mail").fill(email);
      await on.getByLabel("Password", { exact: true }).fill(password);
      await on.getByRole("button", { name: "Sign in" }).click();
    },
    async openComputers(ready, on = page!) {
      await on.goto("/computers");
      await on.locator(ready).first().waitFor();
    },
  };
}
