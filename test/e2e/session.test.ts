// The live session end to end (issue 3): Xvfb with an xterm, the real agent on that display,
// the real Worker, and headless Chromium driving the cabinet. Sign in, click Connect, see the
// xterm's pixels on the canvas (compared with an xwd capture of the display), type a command
// into the canvas and check what it did on the remote side. Then the same with --virtual.
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { promisify } from "node:util";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, BrowserContext, Page, WebSocketRoute } from "playwright-core";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import WebSocket from "ws";
import { AgentMsg, CloseCode } from "../../protocol/stream";
import { browserCookies, connectAgent, createAccount, linkComputer, listHistory, signIn, waitForComputer, type Account } from "./backend";
import { startAgentProcess, onlineComputerId, type AgentProcess } from "./agent-process";
import { lowContrastText } from "./contrast";
import { launchBrowser, screenshot } from "./harness";
import { psnr } from "../agent/helpers/compose";
import { haveTool, startXvfb, stopProcess, type Xvfb } from "../agent/helpers/xvfb";
import { haveXephyr, startXephyr } from "../agent/helpers/xephyr";
import { xwdRoot } from "../agent/helpers/xwd";

const baseUrl = inject("baseUrl");
const run = promisify(execFile);

let browser: Browser;
let workDir: string;
const processes: ChildProcess[] = [];
const displays: { stop(): Promise<void> }[] = [];

beforeAll(async () => {
  browser = await launchBrowser();
  workDir = mkdtempSync(join(tmpdir(), "edgedesk-session-"));
});

afterAll(async () => {
  for (const p of processes.reverse()) await stopProcess(p);
  for (const d of displays) await d.stop();
  await browser?.close();
  rmSync(workDir, { recursive: true, force: true });
});

/** The real agent as a user runs it (test/e2e/agent-process.ts), stopped in afterAll. */
function startAgent(account: Account, name: string, screen: string[], env?: Record<string, string>): AgentProcess {
  const agent = startAgentProcess(baseUrl, workDir, account, name, screen, env);
  processes.push(agent.proc);
  return agent;
}

/** Every binary message the page sends on a WebSocket, as byte arrays in window.__sent. */
const RECORD_SENT = `
  window.__sent = [];
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (data) {
    if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) {
      const bytes = data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
      window.__sent.push(Array.from(bytes));
    }
    return send.call(this, data);
  };`;

/** Signs in, opens the list, clicks Connect and returns the connection window's page. */
async function connectFromCabinet(
  cookie: string,
  computerId: string,
  options: { recordSent?: boolean; permissions?: string[]; initScript?: string; beforeConnect?: (context: BrowserContext) => Promise<void> } = {},
): Promise<{ context: BrowserContext; viewer: Page }> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, permissions: options.permissions });
  await options.beforeConnect?.(context);
  await context.addCookies(browserCookies(baseUrl, cookie));
  if (options.recordSent) await context.addInitScript(RECORD_SENT);
  if (options.initScript) await context.addInitScript(options.initScript);
  const cabinet = await context.newPage();
  await cabinet.goto(`${baseUrl}/computers`);
  const row = cabinet.locator(`[data-computer-id="${computerId}"]`);
  const [viewer] = await Promise.all([context.waitForEvent("page"), row.getByTestId("connect").click()]);
  await viewer.waitForLoadState();
  await expect.poll(() => viewer.getByTestId("viewer-state").textContent(), { timeout: 20_000 }).toBe("Connected");
  return { context, viewer };
}

/** The binary messages the page sent since the last call (recordSent). */
async function takeSent(viewer: Page): Promise<number[][]> {
  return (await viewer.evaluate(() => (window as unknown as { __sent: number[][] }).__sent.splice(0))) as number[][];
}

/** A new account, its --virtual agent online as "e2e-<prefix>", and a connection window to it from the cabinet. */
async function connectVirtual(prefix: string, options: { recordSent?: boolean; initScript?: string; beforeConnect?: (context: BrowserContext) => Promise<void> } = {}) {
  const account = await createAccount(baseUrl, prefix);
  const cookie = await signIn(baseUrl, account);
  const agent = startAgent(account, `e2e-${prefix}`, ["--virtual"]);
  const computerId = await onlineComputerId(baseUrl, cookie, `e2e-${prefix}`, agent);
  return { cookie, agent, ...(await connectFromCabinet(cookie, computerId, options)) };
}

/**
 * Waits for the first picture of a --virtual agent (1280 wide): the canvas takes the remote
 * screen's size then (a canvas starts at 300x150, so "wider than 100" proved nothing).
 */
async function firstPicture(viewer: Page, width = 1280): Promise<void> {
  await expect.poll(() => viewer.getByTestId("remote-screen").evaluate((c) => (c as HTMLCanvasElement).width), { timeout: 15_000 }).toBe(width);
}

/** The canvas as RGBA (through a PNG, so no colour management or scaling is involved). */
async function canvasRgba(viewer: Page): Promise<{ width: number; height: number; rgba: Uint8Array }> {
  const dataUrl = await viewer.getByTestId("remote-screen").evaluate((c) => (c as HTMLCanvasElement).toDataURL("image/png"));
  const { data, info } = await sharp(Buffer.from(dataUrl.split(",")[1]!, "base64")).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, rgba: new Uint8Array(data) };
}

describe("a live session with a real X display", () => {
  test("connect from the cabinet, see the xterm, type a command that runs remotely", { timeout: 180_000 }, async () => {
    const x = await startXvfb("1024x768x24");
    displays.push(x);
    const xterm = spawn("xterm", ["-geometry", "80x24+20+20", "-bg", "white", "-fg", "black", "-e", "bash", "--noprofile", "--norc"], {
      env: { ...process.env, DISPLAY: x.display, PS1: "$ " },
      stdio: "ignore",
    });
    processes.push(xterm);

    const account = await createAccount(baseUrl, "session");
    const cookie = await signIn(baseUrl, account);
    const agent = startAgent(account, "e2e-xterm", ["--display", x.display]);
    const computerId = await onlineComputerId(baseUrl, cookie, "e2e-xterm", agent);
    await waitForComputer(baseUrl, cookie, computerId, (c) => c.os === "linux");

    const { context, viewer } = await connectFromCabinet(cookie, computerId);
    const canvas = viewer.getByTestId("remote-screen");
    await expect.poll(() => canvas.evaluate((c) => [(c as HTMLCanvasElement).width, (c as HTMLCanvasElement).height]), { timeout: 10_000 }).toEqual([1024, 768]);

    // The canvas converges to what the X server shows: lossy tiles allowed, so PSNR, not equality.
    await expect
      .poll(async () => psnr((await canvasRgba(viewer)).rgba, xwdRoot(x.display).data), { timeout: 20_000, interval: 500 })
      .toBeGreaterThan(30);

    // The remote pointer's shape (F6.1) is this window's pointer over the picture: first the
    // bare screen's (the remote pointer starts mid-screen, beside the xterm), then, once the
    // click below has moved it onto the xterm, the xterm's text cursor.
    const cursorStyle = () => canvas.evaluate((c) => (c as HTMLElement).style.cursor);
    const asCss = /^url\("data:image\/png;base64,([^"]+)"\) (\d+) (\d+), default$/;
    await expect.poll(cursorStyle, { timeout: 10_000 }).toMatch(asCss);
    const bare = await cursorStyle();

    // Type into the canvas: the keys travel viewer -> relay -> agent -> XTEST -> xterm -> bash.
    const marker = join(workDir, `typed-${Date.now()}.txt`);
    await canvas.click({ position: { x: 200, y: 100 } });
    await expect.poll(cursorStyle, { timeout: 10_000 }).not.toBe(bare);
    const [, png, hotX, hotY] = asCss.exec(await cursorStyle())!;
    const shape = await sharp(Buffer.from(png!, "base64")).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    expect(shape.info.width).toBeLessThanOrEqual(128);
    expect(Number(hotX)).toBeLessThan(shape.info.width);
    expect(Number(hotY)).toBeLessThan(shape.info.height);
    expect(shape.data.some((v, i) => i % 4 === 3 && v > 0), "the shape has visible pixels").toBe(true);
    // View only keeps its own "not allowed" pointer; the remote shape comes back after.
    const viewOnly = viewer.getByRole("button", { name: "View only" });
    const shownPointer = () => canvas.evaluate((c) => getComputedStyle(c).cursor);
    await viewOnly.click();
    expect(await shownPointer()).toBe("not-allowed");
    await viewOnly.click();
    expect(await shownPointer()).toMatch(/^url\(/);
    await viewer.keyboard.type(`echo "Edgedesk E2E ok" > ${marker}`);
    await viewer.keyboard.press("Enter");
    await expect.poll(() => (existsSync(marker) ? readFileSync(marker, "utf8") : ""), { timeout: 15_000 }).toBe("Edgedesk E2E ok\n");

    // And the echo shows up on the canvas too: the screen changed and still matches the display.
    await expect
      .poll(async () => psnr((await canvasRgba(viewer)).rgba, xwdRoot(x.display).data), { timeout: 15_000, interval: 500 })
      .toBeGreaterThan(30);
    // The viewer pings as the agent joins and every 2 s after.
    await expect.poll(() => viewer.getByTestId("viewer-stats").textContent(), { timeout: 5_000 }).toMatch(/RTT \d+ ms/);
    await screenshot(viewer, "session-xterm");
    await context.close();
  });
});

/** The columns [x0, x0 + w) of an RGBA screen `width` wide. */
function columns(rgba: Uint8Array, width: number, x0: number, w: number): Uint8Array {
  const height = rgba.byteLength / 4 / width;
  const out = new Uint8Array(w * height * 4);
  for (let y = 0; y < height; y++) out.set(rgba.subarray((y * width + x0) * 4, (y * width + x0 + w) * 4), y * w * 4);
  return out;
}

describe("a live session with a moving picture", () => {
  // The bench's painter pans a photo-like picture 8 px a frame: every update uncovers a strip
  // at the edge taller than wide. The agent's jpeg addon sends it as a plain JPEG; without the
  // addon (sharp) it travels transposed (protocol 0x08) and the viewer draws it through an
  // x/y swap. Frozen mid-pan, the canvas must match the display, the edge strips too.
  test.each<{ jpeg: string; env: Record<string, string> }>([
    { jpeg: "addon", env: {} },
    { jpeg: "sharp", env: { EDGEDESK_AGENT_JPEG: "sharp" } },
  ])("a picture panned sideways arrives where it belongs, its tall new strips included (JPEGs by $jpeg)", { timeout: 180_000 }, async ({ jpeg, env }) => {
    const x = await startXvfb("1024x768x24");
    displays.push(x);
    const painterPath = join(process.cwd(), "bench", "session", "painter.mjs");
    const painter = spawn(process.execPath, [painterPath, x.display, "30", join(workDir, "picture.bgrx"), "pan"], { stdio: ["ignore", "pipe", "ignore"] });
    processes.push(painter);
    await new Promise<void>((resolve, reject) => {
      painter.stdout!.on("data", (d: Buffer) => d.toString().includes("ready") && resolve());
      painter.once("exit", (code) => reject(new Error(`painter exited (${code})`)));
    });

    const account = await createAccount(baseUrl, `panning-${jpeg}`);
    const cookie = await signIn(baseUrl, account);
    const agent = startAgent(account, `e2e-panning-${jpeg}`, ["--display", x.display], env);
    const computerId = await onlineComputerId(baseUrl, cookie, `e2e-panning-${jpeg}`, agent);
    const { context, viewer } = await connectFromCabinet(cookie, computerId);
    await expect.poll(async () => (await canvasRgba(viewer)).width, { timeout: 10_000 }).toBe(1024);
    // The agent says at start when it encodes with sharp: proof this run took the path it names.
    expect(readFileSync(agent.log, "utf8").includes("JPEGs are encoded with sharp")).toBe(jpeg === "sharp");
    await viewer.waitForTimeout(1500);
    painter.kill("SIGSTOP");
    try {
      const matches = async () => {
        const screen = xwdRoot(x.display).data;
        const canvas = (await canvasRgba(viewer)).rgba;
        return Math.min(psnr(canvas, screen), psnr(columns(canvas, 1024, 0, 64), columns(screen, 1024, 0, 64)), psnr(columns(canvas, 1024, 960, 64), columns(screen, 1024, 960, 64)));
      };
      await expect.poll(matches, { timeout: 20_000, interval: 500 }).toBeGreaterThan(30);
    } finally {
      // Done with the picture: no painting at 30 fps for the rest of the file.
      painter.kill("SIGKILL");
    }
    await context.close();
  });
});

describe("a live session with two monitors", () => {
  // Xephyr with two Xinerama heads, 640x480 each, side by side; an xterm on each.
  test.skipIf(!haveXephyr())("the monitor choice shows one monitor alone, and all of them again", { timeout: 120_000 }, async () => {
    const x = await startXephyr(["640x480", "640x480"]);
    displays.push(x);
    const env = { PATH: process.env.PATH, DISPLAY: x.display, LANG: "C.UTF-8" };
    for (const [name, geometry] of [["on-left", "30x6+20+20"], ["on-right", "40x12+700+150"]] as const) {
      processes.push(spawn("xterm", ["-T", name, "-geometry", geometry, "-bg", name === "on-right" ? "navy" : "white", "-e", "/bin/sh"], { env, stdio: "ignore" }));
      await run("xdotool", ["search", "--sync", "--onlyvisible", "--name", name], { env, timeout: 10_000 });
    }
    const account = await createAccount(baseUrl, "monitors");
    const cookie = await signIn(baseUrl, account);
    const agent = startAgent(account, "e2e-monitors", ["--display", x.display]);
    const computerId = await onlineComputerId(baseUrl, cookie, "e2e-monitors", agent);
    const { context, viewer } = await connectFromCabinet(cookie, computerId);
    const size = async () => {
      const c = await canvasRgba(viewer);
      return [c.width, c.height];
    };
    await expect.poll(size, { timeout: 10_000 }).toEqual([1280, 480]);
    const choice = viewer.getByRole("combobox", { name: "Monitor shown" });
    await expect.poll(() => choice.locator("option").allTextContents()).toEqual(["All monitors", "Monitor 1 (640×480)", "Monitor 2 (640×480)"]);

    // Monitor 2 alone: the canvas is its size and shows what xwd sees there.
    await choice.selectOption({ label: "Monitor 2 (640×480)" });
    await expect.poll(size, { timeout: 10_000 }).toEqual([640, 480]);
    const rightHalf = () => columns(xwdRoot(x.display).data, 1280, 640, 640);
    await expect.poll(async () => psnr((await canvasRgba(viewer)).rgba, rightHalf()), { timeout: 10_000, interval: 500 }).toBeGreaterThan(40);
    expect(await choice.inputValue()).toBe("1");
    await screenshot(viewer, "session-monitor-2");

    // The next window to this computer opens on the same monitor (remembered by its place).
    await viewer.reload();
    await expect.poll(() => viewer.getByTestId("viewer-state").textContent(), { timeout: 20_000 }).toBe("Connected");
    await expect.poll(size, { timeout: 10_000 }).toEqual([640, 480]);
    await expect.poll(() => choice.inputValue()).toBe("1");

    // And all of them again.
    await choice.selectOption({ label: "All monitors" });
    await expect.poll(size, { timeout: 10_000 }).toEqual([1280, 480]);
    await expect.poll(async () => psnr((await canvasRgba(viewer)).rgba, xwdRoot(x.display).data), { timeout: 10_000, interval: 500 }).toBeGreaterThan(40);
    expect(await choice.inputValue()).toBe("all");
    // And that is remembered too.
    expect(await viewer.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith("edgedesk.viewer.monitor.")))).toEqual([]);
    await context.close();
  });
});

describe("a live session with the virtual screen", () => {
  test.skipIf(!haveTool("/usr/bin/xclip"))("the clipboard both ways: Ctrl+V pastes what was copied here, and text copied there lands here", { timeout: 120_000 }, async () => {
    const x = await startXvfb("1024x768x24");
    displays.push(x);
    const account = await createAccount(baseUrl, "clipboard");
    const cookie = await signIn(baseUrl, account);
    const agent = startAgent(account, "e2e-clipboard", ["--display", x.display]);
    const computerId = await onlineComputerId(baseUrl, cookie, "e2e-clipboard", agent);
    const { context, viewer } = await connectFromCabinet(cookie, computerId, { permissions: ["clipboard-read", "clipboard-write"] });
    const xclip = (args: string[]) => run("xclip", ["-selection", "clipboard", ...args], { env: { DISPLAY: x.display }, timeout: 3000 });
    const remoteClipboard = () => xclip(["-o"]).then((r) => r.stdout, () => undefined);

    // Copied in this browser, pasted with Ctrl+V on the remote: the remote clipboard has it first.
    await viewer.evaluate(() => navigator.clipboard.writeText("from the browser ✓"));
    await viewer.getByTestId("remote-screen").focus();
    await viewer.keyboard.press("Control+V");
    await expect.poll(remoteClipboard, { timeout: 10_000 }).toBe("from the browser ✓");

    // Copied on the remote computer (xclip owns CLIPBOARD as an application would): it lands here.
    const copier = spawn("xclip", ["-i", "-selection", "clipboard", "-quiet", "-loops", "1"], { env: { DISPLAY: x.display }, stdio: ["pipe", "ignore", "ignore"] });
    processes.push(copier);
    copier.on("error", () => {}); // a failed start shows as the text never arriving
    copier.stdin!.end("from the remote ✓");
    await expect.poll(() => viewer.evaluate(() => navigator.clipboard.readText()), { timeout: 10_000 }).toBe("from the remote ✓");

    // Too long for the stream (over 32 KiB): the window says so, and the remote keeps its text.
    await viewer.evaluate(() => navigator.clipboard.writeText("a short one"));
    await viewer.getByTestId("remote-screen").focus();
    await viewer.keyboard.press("Control+V");
    await expect.poll(remoteClipboard, { timeout: 10_000 }).toBe("a short one");
    expect(await viewer.getByTestId("viewer-notice").count()).toBe(0);
    await viewer.evaluate(() => navigator.clipboard.writeText("x".repeat(40_000)));
    await viewer.keyboard.press("Control+V");
    await expect.poll(() => viewer.getByTestId("viewer-notice").textContent(), { timeout: 10_000 }).toContain("too long");
    expect(await remoteClipboard()).toBe("a short one");
    await context.close();
  });

  test("the --virtual agent needs no display and shows typed keys", { timeout: 120_000 }, async () => {
    const { agent, context, viewer } = await connectVirtual("virtual");
    const canvas = viewer.getByTestId("remote-screen");
    await firstPicture(viewer);
    // The virtual desktop's text field (agent/screen/virtual-source.ts): 40,130, full width - 80, 40 high.
    // The clock ticks elsewhere, so a change inside this box can only come from typing.
    const field = async () => {
      const { width, rgba } = await canvasRgba(viewer);
      const rows: number[] = [];
      for (let y = 130; y < 170; y++) for (let x = 40; x < width - 40; x++) rows.push(...rgba.subarray((y * width + x) * 4, (y * width + x) * 4 + 3));
      return rows.join(",");
    };
    await viewer.waitForTimeout(1000);
    const before = await field();
    await canvas.click({ position: { x: 50, y: 50 } });
    await viewer.keyboard.type("hello edgedesk");
    await expect.poll(field, { timeout: 10_000 }).not.toBe(before);
    await screenshot(viewer, "session-virtual");

    // The agent goes away: the window says so and offers a retry, which reports the computer offline.
    // Said in the live region that was there while connected (a screen reader announces a
    // change in it; a region that appears already filled it does not).
    const status = await viewer.getByRole("status").elementHandle();
    expect(await status!.textContent()).toContain("Connected");
    await stopProcess(agent.proc);
    await expect.poll(() => status!.textContent(), { timeout: 15_000 }).toContain("The remote computer disconnected.");
    await expect.poll(() => viewer.getByTestId("viewer-state").textContent(), { timeout: 15_000 }).toBe("Offline");
    await expect.poll(() => viewer.getByRole("status").textContent()).toContain("The remote computer disconnected.");
    // And the figures no longer pretend a stream runs.
    expect(await viewer.getByTestId("viewer-stats").textContent()).toBe("0 fps · RTT – ms");
    // The keyboard is the page's again: Tab leaves the screen (it took every key while live,
    // and kept them after, so a keyboard user could never reach Retry).
    await viewer.getByRole("application", { name: /remote computer's screen/ }).focus();
    await viewer.keyboard.press("Tab");
    expect(await viewer.evaluate(() => document.activeElement?.getAttribute("data-testid"))).not.toBe("remote-screen");
    await viewer.getByRole("button", { name: "Retry" }).click();
    await expect.poll(() => viewer.getByRole("status").textContent(), { timeout: 15_000 }).toContain("is offline. Start the Edgedesk agent");
    await viewer.getByRole("button", { name: "Retry" }).waitFor();
    await context.close();
  });
  test("shows its own round trip only: a Pong the relay hands on from another viewer of the session is ignored", { timeout: 120_000 }, async () => {
    // The relay gives every viewer of a session every Pong; another tab's stamp, from its own
    // clock, made this one show round trips of up to ~4e9 ms. The page's stream socket is
    // routed through the test, which adds such a Pong on the way in.
    let stream: WebSocketRoute | undefined;
    const { agent, context, viewer } = await connectVirtual("rtt", {
      beforeConnect: (ctx) =>
        ctx.routeWebSocket(
          (url) => url.pathname === "/api/stream/viewer",
          (ws) => {
            stream = ws;
            ws.connectToServer(); // everything else passes both ways untouched
          },
        ),
    });
    await firstPicture(viewer);
    const rtt = async () => Number(/RTT (\d+) ms/.exec((await viewer.getByTestId("viewer-stats").textContent()) ?? "")?.[1] ?? NaN);
    await expect.poll(rtt, { timeout: 10_000 }).toBeLessThan(10_000);
    // The last one, from a clock ahead of this page's, would read as ~4.29e9 ms.
    for (const t of [1, 0xfffffff0, 123_456]) {
      const pong = Buffer.alloc(5);
      pong[0] = AgentMsg.Pong;
      pong.writeUInt32LE(t, 1);
      stream!.send(pong);
    }
    await viewer.waitForTimeout(300);
    expect(await rtt()).toBeLessThan(10_000);
    await stopProcess(agent.proc);
    await context.close();
  });

  test("on a Mac, keys pressed with Command held go up with Command (the browser sends them no keyup)", { timeout: 120_000 }, async () => {
    const mac = `Object.defineProperty(Navigator.prototype, "platform", { get: () => "MacIntel" });`;
    const { agent, context, viewer } = await connectVirtual("mac", { recordSent: true, initScript: mac });
    await expect.poll(() => viewer.evaluate(() => document.activeElement?.getAttribute("data-testid"))).toBe("remote-screen");
    await takeSent(viewer);
    // What macOS Chrome does for Cmd+A: Meta down, A down, Meta up, and no keyup for A.
    await viewer.keyboard.down("Meta");
    await viewer.keyboard.down("KeyA");
    await viewer.keyboard.up("Meta");
    const keys = (await takeSent(viewer))
      .filter((m) => m[0] === 0x84)
      .map((m) => ({ down: m[1] === 1, keysym: new DataView(Uint8Array.from(m).buffer).getUint32(2, true) }));
    const held = new Set<number>();
    for (const k of keys) k.down ? held.add(k.keysym) : held.delete(k.keysym);
    expect(keys).toContainEqual({ down: true, keysym: 0x61 });
    expect([...held]).toEqual([]);
    await viewer.keyboard.up("KeyA"); // (Chromium on Linux does send it: nothing is left to release)
    // The remote is not a Mac (the virtual agent registers as this machine's Linux): Command
    // with a key is Control there (Cmd+A selects all), never the Windows/Super key.
    expect(keys.map((k) => k.keysym)).not.toContain(0xffeb);
    expect(keys.slice(0, 2)).toEqual([
      { down: true, keysym: 0xffe3 },
      { down: true, keysym: 0x61 },
    ]);
    // Command pressed alone is the Windows key there: one press and release when it comes up.
    await viewer.keyboard.down("Meta");
    expect((await takeSent(viewer)).filter((m) => m[0] === 0x84)).toEqual([]);
    await viewer.keyboard.up("Meta");
    const alone = (await takeSent(viewer)).filter((m) => m[0] === 0x84).map((m) => [m[1], new DataView(Uint8Array.from(m).buffer).getUint32(2, true)]);
    expect(alone).toEqual([
      [1, 0xffeb],
      [0, 0xffeb],
    ]);
    // Cmd+click is Ctrl+click there: Control goes down before the press, up with Command.
    await firstPicture(viewer);
    const box = (await viewer.getByTestId("remote-screen").boundingBox())!;
    await viewer.mouse.move(box.x + 50, box.y + 50);
    await takeSent(viewer);
    await viewer.keyboard.down("Meta");
    await viewer.mouse.down();
    await viewer.mouse.up();
    await viewer.keyboard.up("Meta");
    const click = (await takeSent(viewer)).filter((m) => m[0] === 0x84 || m[0] === 0x82).map((m) => (m[0] === 0x84 ? `key ${m[1]} ${new DataView(Uint8Array.from(m).buffer).getUint32(2, true).toString(16)}` : `pointer ${m[5]}`));
    expect(click.filter((c) => c.startsWith("key"))).toEqual(["key 1 ffe3", "key 0 ffe3"]);
    expect(click.indexOf("key 1 ffe3")).toBeLessThan(click.indexOf("pointer 1"));
    // Both Command keys: the left one became Control with A, the right one stayed alone; A
    // (whose keyup a Mac never sends) goes up with the last of them.
    await viewer.keyboard.down("MetaLeft");
    await viewer.keyboard.down("KeyA");
    await viewer.keyboard.down("MetaRight");
    await viewer.keyboard.up("MetaLeft");
    await viewer.keyboard.up("MetaRight");
    const both = (await takeSent(viewer)).filter((m) => m[0] === 0x84).map((m) => ({ down: m[1] === 1, keysym: new DataView(Uint8Array.from(m).buffer).getUint32(2, true) }));
    const stillDown = new Set<number>();
    for (const k of both) k.down ? stillDown.add(k.keysym) : stillDown.delete(k.keysym);
    expect(both).toContainEqual({ down: true, keysym: 0x61 });
    expect([...stillDown]).toEqual([]);
    // The right one joined the chord under way as Control: no Windows key tapped in the middle of it.
    expect(both.map((k) => k.keysym).filter((k) => k === 0xffeb || k === 0xffec)).toEqual([]);
    await viewer.keyboard.up("KeyA");
    // Caps Lock: macOS sends a keydown as it turns on and a keyup as it turns off; each is
    // one press and release on the remote (held, the remote never saw the second press).
    await takeSent(viewer);
    await viewer.keyboard.down("CapsLock");
    await viewer.keyboard.up("CapsLock");
    const caps = (await takeSent(viewer)).filter((m) => m[0] === 0x84).map((m) => (m[1] === 1 ? "down" : "up"));
    expect(caps).toEqual(["down", "up", "down", "up"]);
    await stopProcess(agent.proc);
    await context.close();
  });

  test("full screen asks the browser to lock the keyboard to the page, keys still go to the remote, and the lock goes when full screen ends", { timeout: 120_000 }, async () => {
    // The real Keyboard Lock API, watched: what the page asked the browser for, in order.
    const watch = `{
      const k = navigator.keyboard;
      window.__lock = [];
      const lock = k.lock.bind(k), unlock = k.unlock.bind(k);
      k.lock = (codes) => { window.__lock.push("lock"); return lock(codes); };
      k.unlock = () => { window.__lock.push("unlock"); unlock(); };
    }`;
    const { agent, context, viewer } = await connectVirtual("fullscreen", { recordSent: true, initScript: watch });
    const calls = () => viewer.evaluate(() => (window as unknown as { __lock: string[] }).__lock);
    // (The window's bar and notices read at WCAG AA contrast, like the cabinet's pages.)
    await firstPicture(viewer);
    expect(await lowContrastText(viewer)).toEqual([]);
    await viewer.getByRole("button", { name: "Fullscreen" }).click();
    await expect.poll(() => viewer.evaluate(() => document.fullscreenElement?.className)).toBe("viewer");
    await expect.poll(calls).toEqual(["lock"]);
    // In full screen the keys the browser would take go to the remote, and the screen keeps the keyboard.
    expect(await viewer.evaluate(() => document.activeElement?.getAttribute("data-testid"))).toBe("remote-screen");
    await takeSent(viewer);
    await viewer.keyboard.press("Control+KeyW");
    const keys = (await takeSent(viewer)).filter((m) => m[0] === 0x84).map((m) => new DataView(Uint8Array.from(m).buffer).getUint32(2, true));
    expect(keys).toEqual([0xffe3, 0x77, 0x77, 0xffe3]);
    // Left however it was left (here by the page, as Escape held down would): the lock goes.
    await viewer.evaluate(() => document.exitFullscreen());
    await expect.poll(calls).toEqual(["lock", "unlock"]);
    await stopProcess(agent.proc);
    await context.close();
  });

  test("nothing stays held on the remote, and the wheel and a trackpad scroll in steps", { timeout: 120_000 }, async () => {
    const { context, viewer } = await connectVirtual("held", { recordSent: true });
    const canvas = viewer.getByTestId("remote-screen");
    // Live, and the keyboard already goes to the remote screen (no click on it needed).
    await expect.poll(() => viewer.evaluate(() => document.activeElement?.getAttribute("data-testid"))).toBe("remote-screen");
    const sent = async (type: number) => (await takeSent(viewer)).filter((m) => m[0] === type);
    const KEY = 0x84;
    const POINTER = 0x82;
    const WHEEL = 0x83;
    await sent(KEY);

    // Shift let go before the letter: "A" went down, so "A" must come up (not "a").
    await viewer.keyboard.down("Shift");
    await viewer.keyboard.down("KeyA");
    await viewer.keyboard.up("Shift");
    await viewer.keyboard.up("KeyA");
    // Alt held while the focus goes elsewhere (here a toolbar button; Alt+Tab alike): it comes up.
    await viewer.keyboard.down("Alt");
    await viewer.getByRole("button", { name: "1:1" }).click();
    await viewer.keyboard.up("Alt");
    const keys = (await sent(KEY)).map((m) => ({ down: m[1] === 1, keysym: new DataView(Uint8Array.from(m).buffer).getUint32(2, true) }));
    const held = new Set<number>();
    for (const k of keys) k.down ? held.add(k.keysym) : held.delete(k.keysym);
    expect([...held]).toEqual([]);
    expect(keys).toContainEqual({ down: false, keysym: 0x41 });
    expect(keys).toContainEqual({ down: false, keysym: 0xffe9 });
    // The button did its job and handed the keyboard back to the remote screen.
    expect(await viewer.evaluate(() => document.activeElement?.getAttribute("data-testid"))).toBe("remote-screen");

    // A drag that ends off the canvas (over the toolbar) still lets go of the button. Pointer
    // input needs the remote screen's size, which the first picture brings: until it came, the
    // window sent no pointer message (and, in one full run, this test saw only the release; the
    // first picture can take seconds on a loaded machine).
    await firstPicture(viewer);
    const box = (await canvas.boundingBox())!;
    await sent(POINTER);
    await viewer.mouse.move(box.x + 100, box.y + 100);
    await viewer.mouse.down();
    await viewer.mouse.move(box.x + 160, box.y + 120);
    await viewer.mouse.move(box.x + 160, 5);
    await viewer.mouse.up();
    const buttons = (await sent(POINTER)).map((m) => m[5]);
    expect(buttons).toContain(1);
    expect(buttons.at(-1)).toBe(0);

    // A trackpad's many small deltas (10 x 6 px) make one step; a mouse's notch (120 px) one.
    await viewer.mouse.move(box.x + 100, box.y + 100);
    await sent(WHEEL);
    for (let i = 0; i < 10; i++) await viewer.mouse.wheel(0, 6);
    await viewer.waitForTimeout(300);
    const steps = async () => (await sent(WHEEL)).map((m) => new DataView(Uint8Array.from(m).buffer).getInt16(7, true));
    expect(await steps()).toEqual([1]);
    await viewer.mouse.wheel(0, 120);
    await viewer.waitForTimeout(300);
    expect(await steps()).toEqual([1]);
    // Three notches Chromium merged into one event (it does while the page is busy): three steps.
    await viewer.mouse.wheel(0, 360);
    await viewer.waitForTimeout(300);
    expect(await steps()).toEqual([3]);
    await viewer.mouse.wheel(0, -300);
    await viewer.waitForTimeout(300);
    expect(await steps()).toEqual([-3]);
    // Five notches of 120 px (Linux, macOS) are five, not six.
    await viewer.mouse.wheel(0, 600);
    await viewer.waitForTimeout(300);
    expect(await steps()).toEqual([5]);
    await context.close();
  });

  test("a press still goes when the browser refuses the pointer capture", { timeout: 120_000 }, async () => {
    // Chromium throws from setPointerCapture when the pointer is no longer active by the time
    // the handler runs: the press and the drag must reach the remote all the same.
    const refuse = `HTMLElement.prototype.setPointerCapture = function () { throw new DOMException("No active pointer", "NotFoundError"); };`;
    const { context, viewer } = await connectVirtual("no-capture", { recordSent: true, initScript: refuse });
    // The first picture sets the canvas's size, and with it where the canvas sits.
    await firstPicture(viewer);
    const box = (await viewer.getByTestId("remote-screen").boundingBox())!;
    await takeSent(viewer);
    await viewer.mouse.move(box.x + 100, box.y + 100);
    await viewer.mouse.down();
    await viewer.mouse.move(box.x + 140, box.y + 120);
    await viewer.mouse.up();
    const buttons = (await takeSent(viewer)).filter((m) => m[0] === 0x82).map((m) => m[5]);
    expect(buttons).toEqual([0, 1, 1, 0]);
    await context.close();
  });

  test("the session bar: time connected, view only, End for both sides, picture quality", { timeout: 120_000 }, async () => {
    const { cookie, agent, context, viewer } = await connectVirtual("bar", { recordSent: true });
    const canvas = viewer.getByTestId("remote-screen");
    const duration = viewer.getByTestId("viewer-duration");
    // Time connected counts from when the stream went live.
    await expect.poll(() => duration.textContent(), { timeout: 5_000 }).toMatch(/^0:0[1-9]$/);
    const sent = () => takeSent(viewer);
    const input = (messages: number[][]) => messages.filter((m) => m[0] === 0x82 || m[0] === 0x83 || m[0] === 0x84);

    // View only: clicks, keys and the wheel send nothing; Ctrl+Alt+Del is off too.
    const viewOnly = viewer.getByRole("button", { name: "View only" });
    await viewOnly.click();
    expect(await viewOnly.getAttribute("aria-pressed")).toBe("true");
    expect(await viewer.getByRole("button", { name: "Ctrl+Alt+Del" }).isDisabled()).toBe(true);
    await sent();
    await canvas.click({ position: { x: 60, y: 60 } });
    await viewer.keyboard.type("watching");
    await viewer.mouse.wheel(0, 120);
    await viewer.waitForTimeout(300);
    expect(input(await sent())).toEqual([]);
    // And back: input flows again.
    await viewOnly.click();
    expect(await viewOnly.getAttribute("aria-pressed")).toBe("false");
    await canvas.click({ position: { x: 60, y: 60 } });
    await viewer.keyboard.type("x");
    await expect.poll(async () => input(await sent()).some((m) => m[0] === 0x84 && m[1] === 1)).toBe(true);

    // End: the window says so at once, the agent's stream ends and the history entry has its end.
    await viewer.getByRole("button", { name: "End session" }).click();
    await expect.poll(() => viewer.getByTestId("viewer-state").textContent()).toBe("Ended");
    expect(await viewer.getByRole("status").textContent()).toContain("You ended the session.");
    await expect.poll(async () => (await listHistory(baseUrl, cookie)).entries.map((e) => e.endedAt !== null), { timeout: 10_000 }).toEqual([true]);
    await expect.poll(() => readFileSync(agent.log, "utf8"), { timeout: 10_000 }).toContain("stream closed");
    // The time connected stops with the session.
    const final = await duration.textContent();
    await viewer.waitForTimeout(1_500);
    expect(await duration.textContent()).toBe(final);
    expect(await viewer.getByRole("button", { name: "End session" }).isDisabled()).toBe(true);

    // Picture quality: chosen before connecting again, it goes to the agent once live, and
    // the next window starts with it.
    const quality = viewer.getByLabel("Picture quality against speed");
    expect(await quality.inputValue()).toBe("1");
    await quality.selectOption({ label: "Speed" });
    await sent();
    await viewer.getByRole("button", { name: "Retry" }).click();
    await expect.poll(() => viewer.getByTestId("viewer-state").textContent(), { timeout: 20_000 }).toBe("Connected");
    await expect.poll(async () => (await sent()).some((m) => m[0] === 0x87 && m[1] === 0)).toBe(true);
    await viewer.reload();
    expect(await viewer.getByLabel("Picture quality against speed").inputValue()).toBe("0");
    await context.close();
  });

  test("a computer already running as many sessions as it will says so at once", { timeout: 60_000 }, async () => {
    const account = await createAccount(baseUrl, "busy");
    const cookie = await signIn(baseUrl, account);
    const facts = { name: "e2e-busy", os: "linux" as const, installed: true };
    const linked = await linkComputer(baseUrl, account, facts);
    const control = await connectAgent(baseUrl, linked, facts);
    // An agent at its limit of streams (agent/stream/refuse-stream.ts): it joins each session
    // only to close with Busy.
    control.socket.on("message", (data, isBinary) => {
      const text = data.toString();
      if (isBinary || !text.startsWith("{")) return;
      const msg = JSON.parse(text) as { type: string; path?: string };
      if (msg.type !== "open-stream" || !msg.path) return;
      const stream = new WebSocket(new URL(msg.path, baseUrl.replace(/^http/, "ws")).href);
      stream.on("open", () => stream.close(CloseCode.Busy, "the remote computer runs too many sessions"));
      stream.on("error", () => {});
    });
    await waitForComputer(baseUrl, cookie, linked.computerId, (c) => c.online);
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    await context.addCookies(browserCookies(baseUrl, cookie));
    const cabinet = await context.newPage();
    await cabinet.goto(`${baseUrl}/computers`);
    const [viewer] = await Promise.all([context.waitForEvent("page"), cabinet.locator(`[data-computer-id="${linked.computerId}"]`).getByTestId("connect").click()]);
    // Told why, well before the relay's 30 s wait for a peer would have said "did not answer".
    await expect.poll(() => viewer.getByRole("status").textContent(), { timeout: 15_000 }).toContain("already serving as many sessions as it can");
    expect(await viewer.getByTestId("viewer-state").textContent()).toBe("Offline");
    await context.close();
    await control.close();
  });
});
