// The whole agent path on a real display: an xterm on Xvfb, a stream session, and a
// reference viewer. The viewer's canvas must match xwd's capture, and keys sent as
// viewer input must run a command in the xterm.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Encoding, FrameFlags, ViewerMsg } from "../../protocol/stream";
import type { X11Source } from "../../agent/screen/x11-source";
import { StreamSession } from "../../agent/stream/stream-session";
import { Canvas, firstDifference } from "./helpers/compose";
import { startViewerServer, type Viewer, type ViewerServer } from "./helpers/viewer";
import { haveXvfb, startXvfb, stopProcess, type Xvfb } from "./helpers/xvfb";
import { closeX11Stream, streamX11 } from "./helpers/x11-session";
import { xwdRoot } from "./helpers/xwd";

describe.skipIf(!haveXvfb())("streaming an xterm", () => {
  let xvfb: Xvfb;
  let source: X11Source;
  let server: ViewerServer;
  let session: StreamSession;
  let viewer: Viewer;
  let xterm: ChildProcess;
  let canvas: Canvas;
  const dir = mkdtempSync(join(tmpdir(), "edgedesk-stream-"));

  /** Whether no update waits and, after a moment for trailing damage, the canvas equals xwd's view. */
  async function matches(): Promise<boolean> {
    if (viewer.pending !== 0) return false;
    await new Promise((r) => setTimeout(r, 150));
    return viewer.pending === 0 && firstDifference(canvas.data, xwdRoot(xvfb.display).data) === -1;
  }

  /**
   * Applies and acks updates until the canvas equals xwd's view of the screen. Waits for at
   * least one update (the caller just changed the screen) unless `maybeDone`.
   */
  async function settle(maybeDone = false): Promise<{ updates: number; bytes: number; copies: number }> {
    let updates = 0;
    let bytes = 0;
    let copies = 0;
    if (maybeDone && (await matches())) return { updates, bytes, copies };
    for (;;) {
      const u = await viewer.nextUpdate(8000);
      updates++;
      bytes += u.messages.reduce((n, m) => n + m.byteLength, 0);
      copies += u.frames.flatMap((f) => f.rects).filter((r) => r.encoding === Encoding.Copy).length;
      await canvas.applyFrames(u.frames);
      viewer.send({ type: ViewerMsg.Ack, seq: u.frames[0]!.seq });
      if (await matches()) return { updates, bytes, copies };
    }
  }

  /** Types a line as viewer key input, Return included. */
  function typeLine(text: string): void {
    for (const ch of text) {
      viewer.send({ type: ViewerMsg.Key, down: true, keysym: ch.charCodeAt(0) });
      viewer.send({ type: ViewerMsg.Key, down: false, keysym: ch.charCodeAt(0) });
    }
    viewer.send({ type: ViewerMsg.Key, down: true, keysym: 0xff0d });
    viewer.send({ type: ViewerMsg.Key, down: false, keysym: 0xff0d });
  }

  beforeAll(async () => {
    xvfb = await startXvfb();
    xterm = spawn("xterm", ["-geometry", "80x24+0+0", "-e", "/bin/sh"], {
      env: { PATH: process.env.PATH, DISPLAY: xvfb.display, HOME: dir, LANG: "C.UTF-8", PS1: "$ " },
      stdio: "ignore",
    });
    ({ source, server, session, viewer, canvas } = await streamX11({ display: xvfb.display }));
  });

  afterAll(async () => {
    await closeX11Stream({ session, server, source });
    if (xterm) await stopProcess(xterm);
    await xvfb?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("shows the screen exactly as xwd sees it, starting from a full frame", async () => {
    // The X server captures straight into the session's encoder (mapped SHM, lent screen).
    expect(source.mode.mappedShm).toBe(true);
    expect(source.lendScreen()).toBeUndefined();
    const first = await viewer.nextUpdate();
    expect(first.frames[0]!.flags & FrameFlags.full).toBeTruthy();
    await canvas.applyFrames(first.frames);
    viewer.send({ type: ViewerMsg.Ack, seq: first.frames[0]!.seq });
    // The xterm may map and draw after the key frame, or may already be in it (a busy machine
    // starts the agent later): either way the canvas must end up as xwd sees the screen.
    await settle(true);
  });

  it("runs a command typed as viewer key input and shows its output", async () => {
    viewer.send({ type: ViewerMsg.Pointer, x: 100, y: 100, buttons: 0 }); // focus follows the pointer
    const out = join(dir, "out.txt");
    typeLine(`echo streamed > ${out}`);
    await settle();
    expect(readFileSync(out, "utf8")).toBe("streamed\n");
  });

  it("scrolls the xterm with Copy rects", async () => {
    typeLine("seq 1 60"); // fills the terminal, so the next output scrolls it
    await settle();
    typeLine("seq 1 3");
    const { copies, bytes } = await settle();
    expect(copies).toBeGreaterThan(0);
    expect(bytes).toBeLessThan(30_000);
  });

  it("streams a second session at the same time from its own copy, and lends the screen again once the first ends", async () => {
    const server2 = await startViewerServer();
    const second = new StreamSession({ url: server2.url, source });
    try {
      const viewer2 = await server2.connection;
      const canvas2 = new Canvas(source.width, source.height);
      const first = await viewer2.nextUpdate();
      await canvas2.applyFrames(first.frames);
      viewer2.send({ type: ViewerMsg.Ack, seq: first.frames[0]!.seq });
      typeLine("echo two viewers");
      await settle();
      // The second viewer gets there too (its updates come from copies out of the scratch half).
      for (;;) {
        await new Promise((r) => setTimeout(r, 150));
        if (viewer2.pending === 0 && firstDifference(canvas2.data, xwdRoot(xvfb.display).data) === -1) break;
        const u = await viewer2.nextUpdate(8000);
        await canvas2.applyFrames(u.frames);
        viewer2.send({ type: ViewerMsg.Ack, seq: u.frames[0]!.seq });
      }
      expect(source.lendScreen()).toBeUndefined();
      session.close();
      await session.ended;
      const again = source.lendScreen();
      expect(again?.byteLength).toBe(source.width * source.height * 4);
      source.returnScreen(again!);
    } finally {
      second.close();
      await server2.close();
    }
  });
});
