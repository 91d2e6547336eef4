// Agent-side measurements (not a test: timings never gate CI).
//   npx tsx test/agent/bench/agent-bench.ts
// 1. encode time of a 1920x1080 key frame (photo-like and UI-like content);
// 2. updates per second while the whole 1920x1080 screen changes (Xvfb, SHM capture);
// 3. bytes sent and key-to-update latency for typing 100 characters into an xterm.
import { type ChildProcess, spawn } from "node:child_process";
import { FrameEncoder } from "../../../agent/encode/frame-encoder";
import { connectX11 } from "../../../agent/screen/x11-connection";
import { openX11Source } from "../../../agent/screen/x11-source";
import { StreamSession } from "../../../agent/stream/stream-session";
import { FrameWriter } from "../../../agent/stream/frame-writer";
import { ViewerMsg } from "../../../protocol/stream";
import { photoImage, uiImage } from "../helpers/images";
import { startViewerServer } from "../helpers/viewer";
import { startXvfb, stopProcess } from "../helpers/xvfb";

const W = 1920;
const H = 1080;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;

async function encodeBench(): Promise<void> {
  for (const [name, img] of [
    ["photo", photoImage(W, H)],
    ["ui", uiImage(W, H)],
  ] as const) {
    const enc = new FrameEncoder(W, H);
    const times: number[] = [];
    let bytes = 0;
    for (let i = 0; i < 8; i++) {
      enc.put({ x: 0, y: 0, w: W, h: H }, { width: W, height: H, data: img });
      const t = performance.now();
      const parts = await new FrameWriter().write({ seq: 1, flags: 2, width: W, height: H, rects: await enc.encode([{ x: 0, y: 0, w: W, h: H }], true) });
      times.push(performance.now() - t);
      bytes = parts.reduce((n: number, p: Uint8Array) => n + p.byteLength, 0);
    }
    console.log(`encode ${W}x${H} ${name} key frame: median ${median(times).toFixed(1)} ms, ${(bytes / 1024).toFixed(0)} KiB`);
  }
}

async function fullScreenFps(): Promise<void> {
  const xvfb = await startXvfb(`${W}x${H}x24`);
  const source = await openX11Source({ display: xvfb.display });
  const painter = await connectX11(xvfb.display);
  const X = painter.client;
  const root = painter.screen[0]!.root;
  // Two full-screen photo pixmaps, swapped onto the root window as fast as the server
  // takes them: every pixel changes every time, and painting costs the agent nothing.
  const pixmaps = [0, 1].map((k) => {
    const pm = X.AllocID();
    X.CreatePixmap(pm, root, 24, W, H);
    return pm;
  });
  const gc = X.AllocID();
  X.CreateGC(gc, root, {});
  for (const [k, pm] of pixmaps.entries()) {
    const rgba = photoImage(W, H, k * 50);
    for (let y = 0; y < H; y += 64) {
      const rows = Math.min(64, H - y);
      const bgrx = Buffer.alloc(W * rows * 4);
      for (let i = 0; i < W * rows; i++) {
        const o = (y * W + i) * 4;
        bgrx[i * 4] = rgba[o + 2]!;
        bgrx[i * 4 + 1] = rgba[o + 1]!;
        bgrx[i * 4 + 2] = rgba[o]!;
      }
      X.PutImage(2, pm, gc, W, rows, 0, y, 0, 24, bgrx);
    }
  }
  await X.sync();
  let flip = 0;
  let painting = true;
  const paint = async () => {
    while (painting) {
      X.CopyArea(pixmaps[flip++ % 2], root, gc, 0, 0, 0, 0, W, H);
      await X.sync();
      await new Promise((r) => setTimeout(r, 5));
    }
  };
  const server = await startViewerServer();
  const session = new StreamSession({ url: server.url, source });
  const viewer = await server.connection;
  void paint();
  const started = performance.now();
  let updates = 0;
  let bytes = 0;
  while (performance.now() - started < 5000) {
    const u = await viewer.nextUpdate();
    updates++;
    bytes += u.messages.reduce((n, m) => n + m.byteLength, 0);
    viewer.send({ type: ViewerMsg.Ack, seq: u.frames[0]!.seq });
  }
  const secs = (performance.now() - started) / 1000;
  console.log(`full-screen change ${W}x${H} on Xvfb: ${(updates / secs).toFixed(1)} updates/s, ${((bytes / secs) * 8e-6).toFixed(1)} Mbit/s`);
  painting = false;
  session.close();
  await server.close();
  await source.close();
  X.terminate();
  await xvfb.stop();
}

async function typingBench(): Promise<void> {
  const xvfb = await startXvfb("1280x720x24");
  const xterm: ChildProcess = spawn("xterm", ["-geometry", "80x24+0+0", "-e", "/bin/sh"], {
    env: { PATH: process.env.PATH, DISPLAY: xvfb.display, HOME: "/tmp", LANG: "C.UTF-8" },
    stdio: "ignore",
  });
  const source = await openX11Source({ display: xvfb.display });
  const server = await startViewerServer();
  const session = new StreamSession({ url: server.url, source });
  const viewer = await server.connection;
  // Drain updates until the screen is quiet (xterm mapped and drawn).
  const drain = async (quietMs: number) => {
    let bytes = 0;
    for (;;) {
      const u = await viewer.nextUpdate(quietMs).catch(() => undefined);
      if (!u) return bytes;
      bytes += u.messages.reduce((n, m) => n + m.byteLength, 0);
      viewer.send({ type: ViewerMsg.Ack, seq: u.frames[0]!.seq });
    }
  };
  await new Promise((r) => setTimeout(r, 1000));
  await drain(500);
  viewer.send({ type: ViewerMsg.Pointer, x: 100, y: 100, buttons: 0 });
  await drain(300);

  const text = "the quick brown fox jumps over the lazy dog 0123456789 ".repeat(2).slice(0, 100);
  const latencies: number[] = [];
  let bytes = 0;
  for (const ch of text) {
    const t = performance.now();
    viewer.send({ type: ViewerMsg.Key, down: true, keysym: ch.charCodeAt(0) });
    viewer.send({ type: ViewerMsg.Key, down: false, keysym: ch.charCodeAt(0) });
    if (ch === " ") {
      // A space next to the cursor may change no pixel worth sending; do not wait on it.
      bytes += await drain(60);
      continue;
    }
    const u = await viewer.nextUpdate();
    latencies.push(performance.now() - t);
    bytes += u.messages.reduce((n, m) => n + m.byteLength, 0);
    viewer.send({ type: ViewerMsg.Ack, seq: u.frames[0]!.seq });
    bytes += await drain(30);
  }
  console.log(
    `typing 100 characters into an xterm: ${bytes} bytes (${(bytes / 100).toFixed(0)} per key), ` +
      `key-to-update in the agent p50 ${median(latencies).toFixed(1)} ms, p95 ${pct(latencies, 0.95).toFixed(1)} ms`,
  );
  session.close();
  await server.close();
  await source.close();
  await stopProcess(xterm);
  await xvfb.stop();
}

await encodeBench();
await fullScreenFps();
await typingBench();
process.exit(0);
