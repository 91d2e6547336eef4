// The remote screen changes size while a session streams it (a user picks another
// resolution, a VM's window is resized): the viewer must get the new size and the whole
// screen again, and the session must go on. Xvfb's screen cannot change size, so this runs
// on Xephyr, whose RandR can (`xrandr -s`).
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import type { EventEmitter } from "node:events";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ViewerMsg } from "../../protocol/stream";
import type { X11Source } from "../../agent/screen/x11-source";
import { StreamSession } from "../../agent/stream/stream-session";
import { Canvas, firstDifference } from "./helpers/compose";
import { settleCanvas } from "./helpers/settle";
import { startViewerServer, type Viewer, type ViewerServer } from "./helpers/viewer";
import { until } from "./helpers/wait";
import { haveXephyr, startXephyr, type Xephyr } from "./helpers/xephyr";
import { stopProcess } from "./helpers/xvfb";
import { closeX11Stream, streamX11 } from "./helpers/x11-session";
import { xwdRoot } from "./helpers/xwd";

const setups = [
  { name: "mapped SHM and DAMAGE", options: {}, mapped: true },
  { name: "core GetImage and polling", options: { useShm: false, useDamage: false, pollIntervalMs: 100 }, mapped: false },
];

describe.skipIf(!haveXephyr()).each(setups)("a screen that changes size mid-session ($name)", ({ options, mapped }) => {
  let xephyr: Xephyr;
  let source: X11Source;
  let server: ViewerServer;
  let session: StreamSession;
  let viewer: Viewer;
  let canvas: Canvas;
  const clients: ChildProcess[] = [];
  const resizes: string[] = [];

  const xrandr = (size: string) => execFileSync("xrandr", ["-d", xephyr.display, "-s", size]);
  const xterm = (geometry: string) =>
    clients.push(spawn("xterm", ["-geometry", geometry, "-e", "/bin/sh"], { env: { PATH: process.env.PATH, DISPLAY: xephyr.display, LANG: "C.UTF-8" }, stdio: "ignore" }));

  async function settle(): Promise<void> {
    canvas = await settleCanvas(viewer, canvas, () => xwdRoot(xephyr.display));
  }

  beforeAll(async () => {
    xephyr = await startXephyr("1024x768");
    xterm("40x10+20+20");
    ({ source, server, session, viewer, canvas } = await streamX11({ display: xephyr.display, ...options }));
    source.onResize(() => resizes.push(`${source.width}x${source.height}`));
  });

  afterAll(async () => {
    await closeX11Stream({ session, server, source });
    for (const c of clients) await stopProcess(c);
    await xephyr?.stop();
  });

  it("streams the screen at its first size", async () => {
    expect(source.mode.mappedShm).toBe(mapped);
    expect(source.mode.damage).toBe(mapped);
    await settle();
    expect(canvas.width).toBe(1024);
  });

  it("follows a smaller screen: a full frame at the new size, and input the viewer aimed at the old one does not end the session", async () => {
    xrandr("800x600");
    // Sent before the viewer can know: a point on the old screen, off the new one.
    viewer.send({ type: ViewerMsg.Pointer, x: 1000, y: 700, buttons: 0 });
    await settle();
    expect([canvas.width, canvas.height]).toEqual([800, 600]);
    expect(resizes).toEqual(["800x600"]);
    // Captures go to a segment of the new size, still mapped, and the session still runs.
    expect(source.mode.mappedShm).toBe(mapped);
    expect(session.isOpen).toBe(true);
    expect((await source.capture()).width).toBe(800);
  });

  it("follows a larger screen, and what is drawn beyond the old size reaches the viewer", async () => {
    xrandr("1280x1024");
    await settle();
    expect([canvas.width, canvas.height]).toEqual([1280, 1024]);
    xterm("30x6+1000+850"); // wholly outside both earlier sizes
    await settle();
    // The pixels there are the xterm's, not the black of an empty root.
    const screen = xwdRoot(xephyr.display);
    const at = (850 + 40) * 1280 * 4 + (1000 + 40) * 4;
    expect(screen.data.subarray(at, at + 3)).toEqual(new Uint8Array([255, 255, 255]));
    expect(resizes).toEqual(["800x600", "1280x1024"]);
    // Still an ordinary session: pointer input inside the new area is taken.
    viewer.send({ type: ViewerMsg.Pointer, x: 1270, y: 1010, buttons: 0 });
    await new Promise((r) => setTimeout(r, 200));
    expect(session.isOpen).toBe(true);
  });

  it("takes input aimed at any size the viewer may still show, through shrinks in a row, until it acks the new one", async () => {
    // 1280x1024 -> 1024x768 -> 800x600 faster than the viewer draws: it may still show 1280.
    xrandr("1024x768");
    await until(() => resizes.length === 3, "the first shrink");
    xrandr("800x600");
    await until(() => resizes.length === 4, "the second shrink");
    viewer.send({ type: ViewerMsg.Pointer, x: 1200, y: 1000, buttons: 0 });
    await settle();
    expect([canvas.width, canvas.height]).toEqual([800, 600]);
    expect(session.isOpen).toBe(true);
    // The viewer has acked the new size: a point off it now goes to the screen's edge (a
    // watcher may still show the old size, and a button it lets go there must be let go;
    // ending everyone's stream for it, as before, was worse), and the stream goes on.
    viewer.send({ type: ViewerMsg.Pointer, x: 700, y: 500, buttons: 0 });
    viewer.send({ type: ViewerMsg.Pointer, x: 1200, y: 1000, buttons: 0 });
    await new Promise((r) => setTimeout(r, 300));
    const at = execFileSync("xdotool", ["getmouselocation"], { env: { ...process.env, DISPLAY: xephyr.display }, encoding: "utf8" });
    expect(at).toMatch(/^x:799 y:599 /);
    expect(session.isOpen).toBe(true);
    // Done with this session: the next case needs the segment free to be lent again.
    session.close();
    await session.ended;
  });

  it("a session whose socket opens after a resize starts at the new size", async () => {
    // The resize comes while the agent's socket is still connecting, before it listens for one.
    const held = await startViewerServer({ hold: true });
    const late = new StreamSession({ url: held.url, source });
    try {
      await held.upgradeSeen;
      xrandr("1024x768");
      await until(() => resizes.length === 5, "the resize");
      held.release();
      const v = await held.connection;
      const first = await v.nextUpdate(8000);
      expect([first.frames[0]!.width, first.frames[0]!.height]).toEqual([1024, 768]);
      const c = new Canvas(1024, 768);
      await c.applyFrames(first.frames);
      v.send({ type: ViewerMsg.Ack, seq: first.frames[0]!.seq });
      // The whole screen came, at the size it has now.
      await until(() => v.pending === 0 && firstDifference(c.data, xwdRoot(xephyr.display).data) === -1, "the canvas to match", 8000);
    } finally {
      late.close();
      await held.close();
    }
    if (mapped) {
      // Both sessions have ended: the segment is lent again, at the new size.
      await session.ended;
      await late.ended;
      const lent = source.lendScreen();
      expect(lent?.byteLength).toBe(1024 * 768 * 4);
      source.returnScreen(lent!);
    }
  });

  it.runIf(mapped)("lends no screen between a resize and the swap of its segment", async () => {
    // Right when the source learns of the new size, its segment still has the old one: a
    // session opening then must get no screen (one of the old size made its encoder throw).
    const X = (source as unknown as { X: EventEmitter }).X;
    // What a lend returns at the first event with the new size (0: nothing lent).
    let during: number | undefined;
    const spy = (ev: { name?: string; width?: number }) => {
      if (ev.name !== "ConfigureNotify" || ev.width !== 800 || during !== undefined) return;
      const lent = source.lendScreen();
      during = lent?.byteLength ?? 0;
      if (lent) source.returnScreen(lent);
    };
    X.on("event", spy); // after the source's own listener: the size is already the new one
    try {
      xrandr("800x600");
      await until(() => resizes.length === 6, "the resize");
    } finally {
      X.off("event", spy);
    }
    expect(during).toBe(0);
    const after = source.lendScreen();
    expect(after?.byteLength).toBe(800 * 600 * 4);
    source.returnScreen(after!);
  });
});
