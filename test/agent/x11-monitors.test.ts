// A remote computer with two monitors (F6.2): the agent lists them, and a viewer that picks
// one gets that monitor alone, at its size, with its input landing on it. On Xephyr with two
// Xinerama heads side by side (a desktop's two monitors are reported the same way).
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Rect, ViewerMsg, WHOLE_SCREEN } from "../../protocol/stream";
import { monitorsOf, type X11Source } from "../../agent/screen/x11-source";
import type { StreamSession } from "../../agent/stream/stream-session";
import type { Canvas } from "./helpers/compose";
import { settleCanvas } from "./helpers/settle";
import type { Viewer, ViewerServer } from "./helpers/viewer";
import { sleep, until } from "./helpers/wait";
import { haveXephyr, startXephyr, type Xephyr } from "./helpers/xephyr";
import { stopProcess } from "./helpers/xvfb";
import { closeX11Stream, streamX11 } from "./helpers/x11-session";
import { xwdRoot } from "./helpers/xwd";

describe("the monitor list from Xinerama's heads", () => {
  it("clips heads to the screen, lists a mirrored one once, sorts them, and offers no choice of one", () => {
    const head = (x: number, y: number, width: number, height: number) => ({ x, y, width, height });
    expect(monitorsOf([head(1920, 0, 1280, 1024), head(0, 0, 1920, 1080), head(0, 0, 1920, 1080)], 3200, 1080)).toEqual([
      { x: 0, y: 0, w: 1920, h: 1080 },
      { x: 1920, y: 0, w: 1280, h: 1024 },
    ]);
    // Partly off the screen (a layout in the middle of a change): the part on it.
    expect(monitorsOf([head(-10, 0, 110, 50), head(100, 0, 200, 60)], 250, 50)).toEqual([
      { x: 0, y: 0, w: 100, h: 50 },
      { x: 100, y: 0, w: 150, h: 50 },
    ]);
    expect(monitorsOf([head(0, 0, 800, 600)], 800, 600)).toEqual([]);
    expect(monitorsOf([], 800, 600)).toEqual([]);
  });
});

describe.skipIf(!haveXephyr())("a screen of two monitors", () => {
  const LEFT: Rect = { x: 0, y: 0, w: 640, h: 480 };
  const RIGHT: Rect = { x: 640, y: 0, w: 640, h: 480 };
  let xephyr: Xephyr;
  let source: X11Source;
  let server: ViewerServer;
  let session: StreamSession;
  let viewer: Viewer;
  let canvas: Canvas;
  const clients: ChildProcess[] = [];

  /** Pixels of `r` in xwd's capture of the screen. */
  function screenPart(r: Rect): { width: number; height: number; data: Uint8Array } {
    const screen = xwdRoot(xephyr.display);
    const data = new Uint8Array(r.w * r.h * 4);
    for (let y = 0; y < r.h; y++) data.set(screen.data.subarray(((r.y + y) * screen.width + r.x) * 4, ((r.y + y) * screen.width + r.x + r.w) * 4), y * r.w * 4);
    return { width: r.w, height: r.h, data };
  }

  async function settleOn(part: Rect): Promise<void> {
    canvas = await settleCanvas(viewer, canvas, () => screenPart(part));
  }

  const pointerAt = () => {
    const out = execFileSync("xdotool", ["getmouselocation"], { env: { ...process.env, DISPLAY: xephyr.display }, encoding: "utf8" });
    return { x: Number(/x:(\d+)/.exec(out)![1]), y: Number(/y:(\d+)/.exec(out)![1]) };
  };

  beforeAll(async () => {
    xephyr = await startXephyr(["640x480", "640x480"]);
    // Something to see on each monitor, different on each.
    const env = { PATH: process.env.PATH, DISPLAY: xephyr.display, LANG: "C.UTF-8" };
    clients.push(spawn("xterm", ["-T", "on-left", "-geometry", "30x6+20+20", "-e", "/bin/sh"], { env, stdio: "ignore" }));
    clients.push(spawn("xterm", ["-T", "on-right", "-geometry", "40x12+700+150", "-bg", "navy", "-e", "/bin/sh"], { env, stdio: "ignore" }));
    // Both drawn before the stream starts: Xephyr's Xinerama (two X screens under one) reports
    // DAMAGE for its first screen only, so what the right one draws later would show only in
    // the next full frame (a RandR desktop, one X screen with two monitors, reports it all).
    for (const name of ["on-left", "on-right"]) execFileSync("xdotool", ["search", "--sync", "--onlyvisible", "--name", name], { env, timeout: 10_000 });
    await sleep(500);
    ({ source, server, session, viewer, canvas } = await streamX11({ display: xephyr.display }));
  });

  afterAll(async () => {
    await closeX11Stream({ session, server, source });
    for (const c of clients) await stopProcess(c);
    await xephyr?.stop();
  });

  it("lists both monitors and streams the whole screen first", async () => {
    expect(source.monitors()).toEqual([LEFT, RIGHT]);
    await until(() => viewer.monitorLayouts.length > 0, "the monitor list");
    expect(viewer.monitorLayouts[0]).toEqual({ monitors: [LEFT, RIGHT], shown: null });
    await settleOn({ x: 0, y: 0, w: 1280, h: 480 });
    expect(session.snapshot()?.width).toBe(1280);
  });

  it("shows the monitor the viewer picks, alone and at its size, and points on it", async () => {
    viewer.send({ type: ViewerMsg.Monitor, index: 1 });
    await settleOn(RIGHT);
    expect(viewer.monitorLayouts.at(-1)).toEqual({ monitors: [LEFT, RIGHT], shown: 1 });
    // The viewer's (10, 20) is the right monitor's: the screen's (650, 20).
    viewer.send({ type: ViewerMsg.Pointer, x: 10, y: 20, buttons: 0 });
    await until(() => pointerAt().x === 650 && pointerAt().y === 20, "the pointer on the right monitor");
    // A monitor's picture is no thumbnail of the computer.
    expect(session.snapshot()).toBeUndefined();
    // Only what changes on it is sent: typing on the left monitor sends nothing.
    await sleep(300);
    while (viewer.pending > 0) viewer.send({ type: ViewerMsg.Ack, seq: (await viewer.nextUpdate()).frames[0]!.seq });
    execFileSync("xdotool", ["mousemove", "100", "60"], { env: { ...process.env, DISPLAY: xephyr.display } });
    execFileSync("xdotool", ["type", "left"], { env: { ...process.env, DISPLAY: xephyr.display } });
    await sleep(600);
    expect(viewer.pending).toBe(0);
  });

  it("ignores a monitor it never listed, lists them again on Refresh, and goes back to the whole screen", async () => {
    const layouts = viewer.monitorLayouts.length;
    viewer.sendRaw(new Uint8Array([ViewerMsg.Monitor, 5]));
    viewer.send({ type: ViewerMsg.Refresh });
    const u = await viewer.nextUpdate(8000);
    expect([u.frames[0]!.width, u.frames[0]!.height]).toEqual([640, 480]);
    viewer.send({ type: ViewerMsg.Ack, seq: u.frames[0]!.seq });
    // The Refresh brought the list again (a viewer that joins late asks with one; the relay
    // keeps nothing), still with the right monitor shown.
    expect(viewer.monitorLayouts.length).toBe(layouts + 1);
    expect(viewer.monitorLayouts.at(-1)).toEqual({ monitors: [LEFT, RIGHT], shown: 1 });

    viewer.sendRaw(new Uint8Array([ViewerMsg.Monitor, WHOLE_SCREEN]));
    await settleOn({ x: 0, y: 0, w: 1280, h: 480 });
    expect(viewer.monitorLayouts.at(-1)).toEqual({ monitors: [LEFT, RIGHT], shown: null });
    viewer.send({ type: ViewerMsg.Pointer, x: 10, y: 20, buttons: 0 });
    await until(() => pointerAt().x === 10, "the pointer back on the left monitor");
    // The whole screen is the thumbnail again. Read between updates: the pointer's move can
    // start one (Xephyr draws the pointer into its screen), and a snapshot is never taken
    // while a capture writes the lent screen.
    await until(() => session.snapshot()?.width === 1280, "a whole-screen snapshot");
  });
});
