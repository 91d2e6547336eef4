// The pointer's shape (F6.1) on a real X server: the agent reads it through XFIXES and sends
// it to the viewer when the stream opens, when it changes (here: the pointer moved by the
// viewer onto an xterm, whose pointer is a text cursor) and on a Refresh.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cursorFromX } from "../../agent/screen/x11-cursor";
import { type CursorImage, MAX_CURSOR_SIDE, ViewerMsg } from "../../protocol/stream";
import type { Viewer } from "./helpers/viewer";
import { closeX11Stream, streamX11, type X11Stream } from "./helpers/x11-session";
import { haveTool, haveXvfb, startXvfb, stopProcess, type Xvfb } from "./helpers/xvfb";

/** The next Cursor message to the viewer (they are kept apart from updates); undefined if none comes in time. */
async function nextCursor(viewer: Viewer, timeoutMs = 5000): Promise<CursorImage | undefined> {
  const seen = taken.get(viewer) ?? 0;
  const deadline = Date.now() + timeoutMs;
  while (viewer.cursors.length <= seen && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  if (viewer.cursors.length <= seen) return undefined;
  taken.set(viewer, seen + 1);
  return viewer.cursors[seen];
}
const taken = new WeakMap<Viewer, number>();

const opaque = (c: CursorImage) => c.rgba.filter((_, i) => i % 4 === 3 && c.rgba[i]! > 0).length;
const same = (a: CursorImage, b: CursorImage) => a.width === b.width && a.height === b.height && a.hotX === b.hotX && a.hotY === b.hotY && Buffer.compare(a.rgba, b.rgba) === 0;

describe("the pointer's shape from X", () => {
  it("turns X's premultiplied ARGB into straight RGBA, and crops what no browser would show", () => {
    // One pixel: half-transparent red, premultiplied (B, G, R, A in memory); one fully transparent.
    const x = { width: 2, height: 1, xhot: 5, yhot: 0, cursorSerial: 1, cursorImage: Buffer.from([0, 0, 100, 128, 9, 9, 9, 0]) };
    const c = cursorFromX(x);
    expect([...c.rgba]).toEqual([199, 0, 0, 128, 0, 0, 0, 0]);
    expect([c.hotX, c.hotY]).toEqual([1, 0]); // a hot spot beyond the image is kept inside it
    const big = cursorFromX({ width: 200, height: 150, xhot: 10, yhot: 140, cursorSerial: 2, cursorImage: Buffer.alloc(200 * 150 * 4, 255) });
    expect([big.width, big.height, big.hotX, big.hotY]).toEqual([MAX_CURSOR_SIDE, MAX_CURSOR_SIDE, 10, MAX_CURSOR_SIDE - 1]);
    expect(big.rgba.every((v) => v === 255)).toBe(true);
  });
});

describe.skipIf(!haveXvfb() || !haveTool("/usr/bin/xterm", "/usr/bin/xdotool"))("the pointer's shape on a real X server", () => {
  let xvfb: Xvfb;
  let stream: X11Stream;
  let xterm: ChildProcess;

  beforeAll(async () => {
    xvfb = await startXvfb("1024x768x24");
    const env = { PATH: process.env.PATH, DISPLAY: xvfb.display };
    xterm = spawn("xterm", ["-T", "cursor-test", "-geometry", "60x20+0+0", "-e", "/bin/sh"], { env, stdio: "ignore" });
    execFileSync("xdotool", ["search", "--sync", "--onlyvisible", "--name", "cursor-test"], { env, timeout: 10_000 });
    stream = await streamX11({ display: xvfb.display });
  });

  afterAll(async () => {
    await closeX11Stream(stream ?? {});
    if (xterm) await stopProcess(xterm);
    await xvfb?.stop();
  });

  it("sends the shape at the start, its changes as the pointer moves, and again on a Refresh", async () => {
    const { source, viewer } = stream;
    // The pointer starts in the middle of the screen, away from the xterm (top left): the
    // bare screen's shape.
    const bare = await nextCursor(viewer);
    expect(bare, "a shape when the stream opens").toBeDefined();
    // Onto the xterm: its text cursor.
    source.pointer(100, 100, 0);
    const overText = await nextCursor(viewer);
    expect(overText, "a new shape over the xterm").toBeDefined();
    expect(same(overText!, bare!)).toBe(false);
    expect(opaque(overText!)).toBeGreaterThan(0);
    // Back to the bare screen: its shape again, byte for byte.
    source.pointer(900, 700, 0);
    const back = await nextCursor(viewer);
    expect(back && same(back, bare!)).toBe(true);
    // A viewer that joins later asks for a full picture: the current shape comes with it.
    viewer.send({ type: ViewerMsg.Refresh });
    const again = await nextCursor(viewer);
    expect(again && same(again, back!)).toBe(true);
  });
});
