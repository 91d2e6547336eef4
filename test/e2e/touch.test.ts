// The connection window on a phone (F9), end to end: a phone-sized Chromium with a touch
// screen, the real agent on Xvfb, and `xev` covering the remote screen. xev prints every X
// event it receives, so each gesture is checked by what the remote X server saw: the button,
// where, and the keys the on-screen keyboard typed, not merely that something changed.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CDPSession, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { haveXephyr, startXephyr } from "../agent/helpers/xephyr";
import { startXvfb, stopProcess, type Xvfb } from "../agent/helpers/xvfb";
import { onlineComputerId, startAgentProcess, type AgentProcess } from "./agent-process";
import { createAccount, signIn, type Account } from "./backend";
import { usePage } from "./browser-fixture";
import { screenshot } from "./harness";

const SCREEN = { width: 800, height: 600 };
const fixture = usePage({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true, locale: "en-US" });
const baseUrl = fixture.baseUrl;

let workDir: string;
let x: Xvfb;
let xev: ChildProcess;
let agent: AgentProcess;
let account: Account;
let computerId: string;
let xevOutput = "";

type XEvent = { type: string; x: number; y: number; state: number; button?: number; keysym?: number };

/** xev's output as events: "ButtonPress event, …\n    root 0x…, …, root:(200,150),\n    state 0x0, button 1, …". */
function xEvents(output = xevOutput): XEvent[] {
  return output
    .split(/\n\s*\n/)
    .map((block) => {
      const type = /^(\w+) event/m.exec(block)?.[1] ?? "";
      const root = /root:\((-?\d+),(-?\d+)\)/.exec(block);
      const state = /state 0x([0-9a-f]+)/.exec(block);
      const button = /button (\d+)/.exec(block);
      const keysym = /keysym 0x([0-9a-f]+)/.exec(block);
      return {
        type,
        x: Number(root?.[1] ?? NaN),
        y: Number(root?.[2] ?? NaN),
        state: state ? parseInt(state[1]!, 16) : 0,
        ...(button ? { button: Number(button[1]) } : {}),
        ...(keysym ? { keysym: parseInt(keysym[1]!, 16) } : {}),
      };
    })
    .filter((e) => e.type);
}

/** Events of `type` (and `button`) after the first `since` events. */
function eventsSince(since: number, type: string, button?: number): XEvent[] {
  return xEvents()
    .slice(since)
    .filter((e) => e.type === type && (button === undefined || e.button === button));
}

async function waitForEvent(since: number, type: string, button?: number): Promise<XEvent> {
  await expect.poll(() => eventsSince(since, type, button).length, { timeout: 10_000 }).toBeGreaterThan(0);
  return eventsSince(since, type, button)[0]!;
}

/** Waits until `read` gives the same value for `quietMs` (events of a gesture still arriving), and returns it. */
async function settled(read: () => number, quietMs = 500, timeoutMs = 10_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let value = read();
  let since = Date.now();
  while (Date.now() - since < quietMs) {
    if (Date.now() > deadline) throw new Error(`still changing after ${timeoutMs} ms (last ${value})`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const now = read();
    if (now !== value) [value, since] = [now, Date.now()];
  }
  return value;
}

function expectNear(event: XEvent, at: { x: number; y: number }, tolerance = 3): void {
  expect(Math.abs(event.x - at.x), `x ${event.x} vs ${at.x}`).toBeLessThanOrEqual(tolerance);
  expect(Math.abs(event.y - at.y), `y ${event.y} vs ${at.y}`).toBeLessThanOrEqual(tolerance);
}

/** Where the remote pixel (x, y) is on the page now (the canvas's box includes any zoom). */
async function clientPoint(page: Page, remote: { x: number; y: number }): Promise<{ x: number; y: number }> {
  const box = (await page.getByTestId("remote-screen").boundingBox())!;
  return { x: box.x + (remote.x * box.width) / SCREEN.width, y: box.y + (remote.y * box.height) / SCREEN.height };
}

type TouchPoint = { x: number; y: number; id: number };
const touch = (cdp: CDPSession, type: "touchStart" | "touchMove" | "touchEnd", touchPoints: TouchPoint[]) =>
  cdp.send("Input.dispatchTouchEvent", { type, touchPoints: touchPoints.map((p) => ({ ...p, radiusX: 4, radiusY: 4, force: 1 })) });

/** Fingers from `from` to `to` (one point per finger) in `steps` moves. */
async function gesture(page: Page, cdp: CDPSession, from: { x: number; y: number }[], to: { x: number; y: number }[], steps = 10): Promise<void> {
  await touch(cdp, "touchStart", from.map((p, id) => ({ ...p, id })));
  for (let i = 1; i <= steps; i++) {
    const points = from.map((p, id) => ({ id, x: p.x + ((to[id]!.x - p.x) * i) / steps, y: p.y + ((to[id]!.y - p.y) * i) / steps }));
    await touch(cdp, "touchMove", points);
    await page.waitForTimeout(16);
  }
  await touch(cdp, "touchEnd", []);
}

/** Two fingers spread apart around `center`, 40 to 120 CSS px: a pinch that zooms in. */
function pinchOut(page: Page, cdp: CDPSession, center: { x: number; y: number }): Promise<void> {
  return gesture(
    page,
    cdp,
    [
      { x: center.x - 20, y: center.y },
      { x: center.x + 20, y: center.y },
    ],
    [
      { x: center.x - 60, y: center.y },
      { x: center.x + 60, y: center.y },
    ],
  );
}

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), "edgedesk-touch-"));
  x = await startXvfb(`${SCREEN.width}x${SCREEN.height}x24`);
  // A window over the whole screen that reports every pointer, button and key event.
  xev = spawn("xev", ["-geometry", `${SCREEN.width}x${SCREEN.height}+0+0`, "-event", "button", "-event", "keyboard", "-event", "mouse"], {
    env: { ...process.env, DISPLAY: x.display },
    stdio: ["ignore", "pipe", "ignore"],
  });
  xev.stdout!.on("data", (chunk: Buffer) => (xevOutput += chunk.toString()));
  account = await createAccount(baseUrl, "touch");
  agent = startAgentProcess(baseUrl, workDir, account, "e2e-touch", ["--display", x.display]);
  computerId = await onlineComputerId(baseUrl, await signIn(baseUrl, account), "e2e-touch", agent);
}, 120_000);

afterAll(async () => {
  if (agent) await stopProcess(agent.proc);
  if (xev) await stopProcess(xev);
  await x?.stop();
  rmSync(workDir, { recursive: true, force: true });
});

async function openViewer(): Promise<{ page: Page; cdp: CDPSession }> {
  const page = fixture.page;
  await fixture.signInBrowser(account);
  await page.goto(`/connect/${computerId}`);
  await expect.poll(() => page.getByTestId("viewer-state").textContent(), { timeout: 20_000 }).toBe("Connected");
  const canvas = page.getByTestId("remote-screen");
  await expect
    .poll(() => canvas.evaluate((c) => [(c as HTMLCanvasElement).width, (c as HTMLCanvasElement).height]), { timeout: 10_000 })
    .toEqual([SCREEN.width, SCREEN.height]);
  return { page, cdp: await fixture.context.newCDPSession(page) };
}

describe("the connection window on a phone", () => {
  test("tap clicks, long press right-clicks, one finger drags, two fingers scroll, pinch zooms the view", { timeout: 120_000 }, async () => {
    const { page, cdp } = await openViewer();
    await screenshot(page, "touch-viewer");

    // Tap: a left click exactly there.
    let since = xEvents().length;
    const tapAt = { x: 200, y: 150 };
    const tapPoint = await clientPoint(page, tapAt);
    await page.touchscreen.tap(tapPoint.x, tapPoint.y);
    expectNear(await waitForEvent(since, "ButtonPress", 1), tapAt);
    expectNear(await waitForEvent(since, "ButtonRelease", 1), tapAt);
    expect(eventsSince(since, "ButtonPress").every((e) => e.button === 1)).toBe(true);

    // Long press: a right click (X button 3), and no left click.
    since = xEvents().length;
    const holdAt = { x: 500, y: 300 };
    const hold = await clientPoint(page, holdAt);
    await touch(cdp, "touchStart", [{ ...hold, id: 0 }]);
    await page.waitForTimeout(900);
    await touch(cdp, "touchEnd", []);
    expectNear(await waitForEvent(since, "ButtonPress", 3), holdAt);
    await waitForEvent(since, "ButtonRelease", 3);
    expect(eventsSince(since, "ButtonPress", 1)).toEqual([]);

    // One-finger drag: pressed where the finger landed, moved with the button held, released at the end.
    since = xEvents().length;
    const dragFrom = { x: 100, y: 400 };
    const dragTo = { x: 400, y: 450 };
    await gesture(page, cdp, [await clientPoint(page, dragFrom)], [await clientPoint(page, dragTo)]);
    expectNear(await waitForEvent(since, "ButtonPress", 1), dragFrom);
    const release = await waitForEvent(since, "ButtonRelease", 1);
    expectNear(release, dragTo);
    // Button1Mask (0x100) in the state of the motion between press and release.
    expect(eventsSince(since, "MotionNotify").some((e) => (e.state & 0x100) !== 0 && e.x > dragFrom.x + 50)).toBe(true);

    // Two fingers moving up: the wheel scrolls down (X button 5), one notch per 40 CSS px.
    since = xEvents().length;
    const mid = await clientPoint(page, { x: 400, y: 300 });
    await gesture(
      page,
      cdp,
      [
        { x: mid.x - 40, y: mid.y + 80 },
        { x: mid.x + 40, y: mid.y + 80 },
      ],
      [
        { x: mid.x - 40, y: mid.y - 80 },
        { x: mid.x + 40, y: mid.y - 80 },
      ],
      12,
    );
    await expect.poll(() => eventsSince(since, "ButtonPress", 5).length, { timeout: 10_000 }).toBeGreaterThanOrEqual(3);
    // All of the scroll's notches in before the next gesture counts from here (on a loaded
    // machine the last one can arrive after the third).
    await settled(() => xEvents().length);
    expect(eventsSince(since, "ButtonPress", 4)).toEqual([]);
    expect(eventsSince(since, "ButtonPress", 1)).toEqual([]);

    // Pinch: the view zooms (CSS only), nothing reaches the remote computer...
    since = xEvents().length;
    const canvas = page.getByTestId("remote-screen");
    const center = await clientPoint(page, { x: 400, y: 300 });
    await pinchOut(page, cdp, center);
    await expect.poll(() => canvas.evaluate((c) => (c as HTMLCanvasElement).style.transform)).toMatch(/scale\(3(\.\d+)?\)/);
    expect(await canvas.evaluate((c) => [(c as HTMLCanvasElement).width, (c as HTMLCanvasElement).height])).toEqual([SCREEN.width, SCREEN.height]);
    await page.waitForTimeout(300);
    expect(eventsSince(since, "ButtonPress")).toEqual([]);
    await screenshot(page, "touch-zoomed");

    // ...and a tap on the zoomed view lands on the remote pixel under the finger.
    since = xEvents().length;
    const zoomedAt = { x: 410, y: 290 };
    const zoomedPoint = await clientPoint(page, zoomedAt);
    await page.touchscreen.tap(zoomedPoint.x, zoomedPoint.y);
    expectNear(await waitForEvent(since, "ButtonPress", 1), zoomedAt, 2);

    // Reset zoom.
    await page.getByRole("button", { name: "Reset zoom" }).tap();
    await expect.poll(() => canvas.evaluate((c) => (c as HTMLCanvasElement).style.transform)).toBe("");
  });

  test("the session bar is one row; the less used controls are under More", { timeout: 90_000 }, async () => {
    const { page } = await openViewer();
    const bar = page.locator("header.viewer-bar");
    const more = page.getByRole("button", { name: "More controls" });
    // Hidden ones included: the menu's controls are in the page, out of sight while it is closed.
    const viewOnly = page.getByRole("button", { name: "View only", includeHidden: true });
    // One row of 30-odd px buttons (three rows before the menu).
    expect((await bar.boundingBox())!.height).toBeLessThan(56);
    expect(await page.getByRole("button", { name: "End session" }).isVisible()).toBe(true);
    expect(await viewOnly.isVisible()).toBe(false);
    expect(await more.getAttribute("aria-expanded")).toBe("false");

    // More opens the menu; a control chosen in it works and closes it.
    await more.tap();
    expect(await more.getAttribute("aria-expanded")).toBe("true");
    expect(await viewOnly.isVisible()).toBe(true);
    expect(await page.getByRole("button", { name: "Ctrl+Alt+Del", includeHidden: true }).isVisible()).toBe(true);
    await screenshot(page, "touch-bar-more");
    await viewOnly.tap();
    expect(await viewOnly.getAttribute("aria-pressed")).toBe("true");
    expect(await viewOnly.isVisible()).toBe(false);
    await more.tap();
    await viewOnly.tap();
    expect(await viewOnly.getAttribute("aria-pressed")).toBe("false");

    // A tap beside the open menu closes it and clicks nothing on the remote computer.
    await more.tap();
    const since = xEvents().length;
    const at = await clientPoint(page, { x: 200, y: 450 });
    await page.touchscreen.tap(at.x, at.y);
    expect(await more.getAttribute("aria-expanded")).toBe("false");
    await page.waitForTimeout(500);
    expect(eventsSince(since, "ButtonPress")).toEqual([]);
    // The next tap is a click again.
    await page.touchscreen.tap(at.x, at.y);
    expectNear(await waitForEvent(since, "ButtonPress", 1), { x: 200, y: 450 });
    await screenshot(page, "touch-bar");

    // 1:1 on a phone is the zoom at which a remote pixel is a CSS pixel (a pinch pans it; a
    // larger canvas could not be scrolled, as fingers on it are the remote's mouse); Fit undoes it.
    const canvas = page.getByTestId("remote-screen");
    const fitted = await canvas.evaluate((c) => (c as HTMLCanvasElement).offsetWidth);
    await more.tap();
    await page.getByRole("button", { name: "1:1" }).tap();
    await expect.poll(async () => (await canvas.boundingBox())!.width).toBeCloseTo(SCREEN.width, 0);
    expect(await canvas.evaluate((c) => (c as HTMLCanvasElement).style.transform)).toMatch(/scale\(/);
    const zoomedTap = await clientPoint(page, { x: 100, y: 60 });
    const before = xEvents().length;
    await page.touchscreen.tap(zoomedTap.x, zoomedTap.y);
    expectNear(await waitForEvent(before, "ButtonPress", 1), { x: 100, y: 60 }, 2);
    await more.tap();
    await page.getByRole("button", { name: "Fit" }).tap();
    await expect.poll(async () => (await canvas.boundingBox())!.width).toBeCloseTo(fitted, 0);
  });

  test("the on-screen keyboard types text, Backspace and Enter on the remote computer", { timeout: 90_000 }, async () => {
    const { page } = await openViewer();
    // Put the remote pointer (and so the X keyboard focus) on the xev window.
    const at = await clientPoint(page, { x: 300, y: 300 });
    await page.touchscreen.tap(at.x, at.y);

    const since = xEvents().length;
    const button = page.getByRole("button", { name: "Show the on-screen keyboard" });
    await button.tap();
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute("data-testid"))).toBe("keyboard-input");
    expect(await button.getAttribute("aria-pressed")).toBe("true");

    // Key by key, as a keyboard that sends key events does...
    await page.keyboard.type("hi");
    // ...and as text without key events, as Android keyboards compose it.
    await page.keyboard.insertText("ok 7");
    await page.keyboard.press("Backspace");
    await page.keyboard.press("Enter");

    const expected = [0x68, 0x69, 0x6f, 0x6b, 0x20, 0x37, 0xff08, 0xff0d];
    await expect
      .poll(() => eventsSince(since, "KeyPress").map((e) => e.keysym), { timeout: 10_000 })
      .toEqual(expected);
    // Each release follows its press over the wire: the last one may still be on its way.
    await expect
      .poll(() => eventsSince(since, "KeyRelease").map((e) => e.keysym), { timeout: 10_000 })
      .toEqual(expected);
    await screenshot(page, "touch-keyboard");

    // Autocorrect rewrites a word the keyboard already typed: the remote side gets the
    // difference (two Backspaces, then the corrected letters), as the user sees it.
    const before = xEvents().length;
    await page.keyboard.insertText("teh");
    await page.getByTestId("keyboard-input").evaluate((input) => {
      const field = input as HTMLInputElement;
      field.value = field.value.replace(/teh$/, "the ");
      field.dispatchEvent(new InputEvent("input", { bubbles: true, inputType: "insertReplacementText" }));
    });
    await expect
      .poll(() => eventsSince(before, "KeyPress").map((e) => e.keysym), { timeout: 10_000 })
      .toEqual([0x74, 0x65, 0x68, 0xff08, 0xff08, 0x68, 0x65, 0x20]);

    // The button closes it again.
    await button.tap();
    await expect.poll(() => button.getAttribute("aria-pressed")).toBe("false");
  });
});

describe("a zoomed view when the remote screen changes size", () => {
  const watchers: ChildProcess[] = [];
  // Xvfb cannot change its size; Xephyr's RandR can (`xrandr -s`), as a resolution change or a
  // resized VM window does on a real computer.
  test.skipIf(!haveXephyr())("the pinch zoom starts over at the new size, and taps land on the new screen", { timeout: 120_000 }, async () => {
    const xephyr = await startXephyr("800x600");
    const resizing = startAgentProcess(baseUrl, workDir, account, "e2e-touch-resize", ["--display", xephyr.display]);
    try {
      const id = await onlineComputerId(baseUrl, await signIn(baseUrl, account), "e2e-touch-resize", resizing);
      const page = fixture.page;
      await fixture.signInBrowser(account);
      await page.goto(`/connect/${id}`);
      await expect.poll(() => page.getByTestId("viewer-state").textContent(), { timeout: 20_000 }).toBe("Connected");
      const canvas = page.getByTestId("remote-screen");
      const size = () => canvas.evaluate((c) => [(c as HTMLCanvasElement).width, (c as HTMLCanvasElement).height]);
      await expect.poll(size, { timeout: 10_000 }).toEqual([800, 600]);
      const cdp = await fixture.context.newCDPSession(page);

      const box = (await canvas.boundingBox())!;
      const center = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
      await pinchOut(page, cdp, center);
      const transform = () => canvas.evaluate((c) => (c as HTMLCanvasElement).style.transform);
      await expect.poll(transform).toMatch(/scale\(3(\.\d+)?\)/);
      const resetZoom = page.getByRole("button", { name: "Reset zoom" });
      expect(await resetZoom.isVisible()).toBe(true);

      // The remote screen grows: the zoom's offsets were for the old size, so the view is unzoomed.
      execFileSync("xrandr", ["-d", xephyr.display, "-s", "1024x768"]);
      await expect.poll(size, { timeout: 10_000 }).toEqual([1024, 768]);
      await expect.poll(transform).toBe("");
      expect(await resetZoom.count()).toBe(0);
      // The whole new screen fits the view again: its box is the canvas's, at the new aspect.
      const after = (await canvas.boundingBox())!;
      expect(Math.abs(after.width / after.height - 1024 / 768)).toBeLessThan(0.02);
      expect(after.x).toBeGreaterThanOrEqual(0);
      expect(after.x + after.width).toBeLessThanOrEqual(page.viewportSize()!.width + 1);
      await screenshot(page, "touch-resized");

      // A tap where the old screen ended is a click there on the new one (xev over all of it).
      let seen = "";
      const watcher = spawn("xev", ["-geometry", "1024x768+0+0", "-event", "button"], { env: { ...process.env, DISPLAY: xephyr.display }, stdio: ["ignore", "pipe", "ignore"] });
      watchers.push(watcher);
      watcher.stdout!.on("data", (chunk: Buffer) => (seen += chunk.toString()));
      const tapAt = { x: 900, y: 700 };
      const presses = () => xEvents(seen).filter((e) => e.type === "ButtonPress" && e.button === 1);
      // Until xev's window is up, a tap reaches the root window and xev sees nothing: tap again.
      await expect
        .poll(
          async () => {
            await page.touchscreen.tap(after.x + (tapAt.x * after.width) / 1024, after.y + (tapAt.y * after.height) / 768);
            return presses().length;
          },
          { timeout: 10_000, interval: 500 },
        )
        .toBeGreaterThan(0);
      expectNear(presses()[0]!, tapAt, 2);
    } finally {
      for (const w of watchers.splice(0)) await stopProcess(w);
      await stopProcess(resizing.proc);
      await xephyr.stop();
    }
  });
});
