// The stream session against a real local WebSocket server acting as the viewer.
import { createHash } from "node:crypto";
import { createServer, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { AgentMsg, CloseCode, decodeClipboard, encodeViewerInput, FrameFlags, isJpeg, MAX_VIEWER_MSG_BYTES, PictureQuality, type Rect, ViewerMsg } from "../../protocol/stream";
import { DamageEmitter, type DamageListener, type RgbaImage, type ScreenSource } from "../../agent/screen/source";
import { VirtualSource } from "../../agent/screen/virtual-source";
import { StreamSession } from "../../agent/stream/stream-session";
import { Canvas, firstDifference, psnr } from "./helpers/compose";
import { posterImage } from "./helpers/images";
import { startViewerServer, type ViewerServer } from "./helpers/viewer";
import { until } from "./helpers/wait";

const cleanups: (() => Promise<unknown> | void)[] = [];

/** A screen showing a few-colour picture that changes `changes` times, 50 ms apart, then holds still. */
class AnimatedSource implements ScreenSource {
  readonly kind = "animated";
  private readonly damage = new DamageEmitter();
  private step = 0;
  private timer: NodeJS.Timeout | undefined;
  frame: RgbaImage;

  constructor(
    readonly width: number,
    readonly height: number,
    private readonly changes: number,
  ) {
    this.frame = { width, height, data: posterImage(width, height, 0) };
  }

  get done(): boolean {
    return this.step >= this.changes;
  }

  async capture(rect: Rect = { x: 0, y: 0, w: this.width, h: this.height }): Promise<RgbaImage> {
    const data = new Uint8Array(rect.w * rect.h * 4);
    for (let j = 0; j < rect.h; j++) {
      const from = ((rect.y + j) * this.width + rect.x) * 4;
      data.set(this.frame.data.subarray(from, from + rect.w * 4), j * rect.w * 4);
    }
    return { width: rect.w, height: rect.h, data };
  }

  onDamage(listener: DamageListener): () => void {
    const off = this.damage.on(listener);
    this.timer ??= setInterval(() => {
      if (this.done) return clearInterval(this.timer);
      this.step++;
      this.frame = { width: this.width, height: this.height, data: posterImage(this.width, this.height, this.step) };
      this.damage.emit([{ x: 0, y: 0, w: this.width, h: this.height }]);
    }, 50);
    return () => {
      off();
      clearInterval(this.timer);
    };
  }

  pointer(): void {}
  wheel(): void {}
  key(): void {}
  releaseInput(): void {}
  async close(): Promise<void> {
    clearInterval(this.timer);
  }
}
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(window = 3) {
  const server: ViewerServer = await startViewerServer();
  const source = new VirtualSource();
  const session = new StreamSession({ url: server.url, source, window });
  cleanups.push(() => server.close(), () => source.close(), () => session.close());
  const viewer = await server.connection;
  return { server, source, session, viewer };
}

/** The canvas area without the clock, which may tick between capture and compare. */
function withoutClock(source: VirtualSource, data: Uint8Array): Uint8Array {
  const copy = data.slice();
  for (let y = 0; y < 72; y++) copy.fill(0, y * source.width * 4, (y + 1) * source.width * 4);
  return copy;
}

describe("stream session", () => {
  it("sends a full key frame first that reproduces the screen", async () => {
    const { source, viewer } = await setup();
    const { messages, frames } = await viewer.nextUpdate();
    expect(frames[0]!.flags & FrameFlags.full).toBeTruthy();
    expect(frames[0]!.seq).toBe(1);
    const canvas = new Canvas(source.width, source.height);
    await canvas.applyMessages(messages);
    const truth = await source.capture();
    // JPEG only where the photo panel is; everything else is lossless.
    expect(psnr(canvas.data, truth.data)).toBeGreaterThan(30);
    expect(frames.some((f) => f.rects.some((r) => isJpeg(r.encoding)))).toBe(true);
    const top = 400 * source.width * 4; // above the photo panel: must be exact
    expect(firstDifference(withoutClock(source, canvas.data.subarray(0, top)), withoutClock(source, truth.data.subarray(0, top)))).toBe(-1);
    // A source that knows no monitors (this one, the demo's) offers no choice of them (F6.2),
    // and a Monitor message for it changes nothing.
    expect(viewer.monitorLayouts).toEqual([]);
    viewer.send({ type: ViewerMsg.Monitor, index: 0 });
    viewer.send({ type: ViewerMsg.Refresh });
    const again = await viewer.nextUpdate();
    expect([again.frames[0]!.width, again.frames[0]!.height]).toEqual([source.width, source.height]);
  });

  it("lets go of what its own viewer holds when it ends, and nothing another session holds", async () => {
    // Two operators on one screen (the demo computer has many): each session's end releases its own keys and buttons only.
    const calls: string[] = [];
    const source = new (class extends VirtualSource {
      override key(keysym: number, down: boolean): void {
        calls.push(`key ${keysym.toString(16)} ${down ? "down" : "up"}`);
        super.key(keysym, down);
      }
      override pointer(x: number, y: number, buttons: number): void {
        calls.push(`pointer ${x},${y} ${buttons}`);
        super.pointer(x, y, buttons);
      }
      override releaseInput(): void {
        calls.push("release all");
        super.releaseInput();
      }
    })();
    const servers = [await startViewerServer(), await startViewerServer()];
    const [a, b] = servers.map((server) => new StreamSession({ url: server.url, source }));
    cleanups.push(...servers.map((server) => () => server.close()), () => source.close(), () => a!.close(), () => b!.close());
    const [viewerA, viewerB] = await Promise.all(servers.map((server) => server.connection));
    await Promise.all([viewerA!.nextUpdate(), viewerB!.nextUpdate()]);
    viewerA!.send({ type: ViewerMsg.Key, keysym: 0xffe3, down: true }); // A holds Ctrl
    viewerB!.send({ type: ViewerMsg.Key, keysym: 0x61, down: true }); // B holds "a"
    viewerB!.send({ type: ViewerMsg.Pointer, x: 40, y: 30, buttons: 1 }); // and the left button
    await until(() => calls.includes("pointer 40,30 1"));
    calls.length = 0;
    b!.close(CloseCode.SessionEnded, "viewer left");
    await until(() => calls.length >= 2);
    await new Promise((r) => setTimeout(r, 100));
    expect(calls).toEqual(["key 61 up", "pointer 40,30 0"]);
  });

  it("answers a Ping with a Pong carrying the same value", async () => {
    const { viewer } = await setup();
    await viewer.nextUpdate();
    viewer.send({ type: ViewerMsg.Ping, t: 0xdeadbeef });
    for (;;) {
      const m = await viewer.next();
      if (m[0] !== 0x02) continue;
      expect(m.byteLength).toBe(5);
      expect(new DataView(m.buffer, m.byteOffset).getUint32(1, true)).toBe(0xdeadbeef);
      break;
    }
  });

  it("types keys into the screen and sends only the changed area", async () => {
    const { source, viewer } = await setup();
    const canvas = new Canvas(source.width, source.height);
    await canvas.applyFrames((await viewer.nextUpdate()).frames);
    viewer.send({ type: ViewerMsg.Ack, seq: 1 });
    for (const ch of "hi") {
      viewer.send({ type: ViewerMsg.Key, down: true, keysym: ch.charCodeAt(0) });
      viewer.send({ type: ViewerMsg.Key, down: false, keysym: ch.charCodeAt(0) });
    }
    // Updates until the canvas shows the text; each is acked like a viewer would.
    let bytes = 0;
    for (;;) {
      const u = await viewer.nextUpdate();
      bytes += u.messages.reduce((n, m) => n + m.byteLength, 0);
      await canvas.applyFrames(u.frames);
      viewer.send({ type: ViewerMsg.Ack, seq: u.frames[0]!.seq });
      expect(u.frames[0]!.flags & FrameFlags.full).toBe(0);
      // The text field and status line; the photo panel is JPEG and never exact.
      const field = { x: 0, y: 100, w: source.width, h: 120 };
      const truth = await source.capture(field);
      const shown = canvas.data.subarray(field.y * source.width * 4, (field.y + field.h) * source.width * 4);
      // Other updates (the status line's clock) may come before the keys are applied.
      if (source.typedText === "hi" && firstDifference(shown, truth.data) === -1) break;
    }
    expect(source.typedText).toBe("hi");
    expect(bytes).toBeLessThan(20_000);
  });

  it("stops at the window without acks and resumes with the newest state only", async () => {
    const { source, session, viewer } = await setup(3);
    const canvas = new Canvas(source.width, source.height);
    const seqs: number[] = [];
    // Move the pointer continuously; never ack.
    let x = 10;
    const mover = setInterval(() => {
      x = (x + 7) % 1200;
      viewer.send({ type: ViewerMsg.Pointer, x, y: 300, buttons: 0 });
    }, 2);
    cleanups.push(() => clearInterval(mover));
    for (let i = 0; i < 3; i++) {
      const u = await viewer.nextUpdate();
      seqs.push(u.frames[0]!.seq);
      await canvas.applyFrames(u.frames);
    }
    expect(seqs).toEqual([1, 2, 3]);
    await new Promise((r) => setTimeout(r, 400));
    clearInterval(mover);
    // Hundreds of moves later: still three updates, nothing else sent or queued.
    expect(viewer.pending).toBe(0);
    expect(session.stats.updates).toBe(3);
    const finalX = x;

    viewer.send({ type: ViewerMsg.Ack, seq: 3 });
    const u = await viewer.nextUpdate();
    expect(u.frames[0]!.seq).toBe(4);
    await canvas.applyFrames(u.frames);
    // The one update after the ack brings the screen straight to the newest state.
    const truth = await source.capture({ x: 0, y: 290, w: source.width, h: 30 });
    const row = (y: number) => canvas.data.subarray(y * source.width * 4, (y + 30) * source.width * 4);
    expect(firstDifference(row(290), truth.data)).toBe(-1);
    // Pointer drawn at the last position: its outline pixel at (finalX, 300) is black.
    const o = (300 * source.width + finalX) * 4;
    expect([...canvas.data.subarray(o, o + 3)]).toEqual([0, 0, 0]);
  });

  it("closes with 4003 on an unknown message type and keeps serving new sessions", async () => {
    const { viewer, source } = await setup();
    await viewer.nextUpdate();
    viewer.sendRaw(new Uint8Array([0x99, 0, 0]));
    expect((await viewer.closed).code).toBe(CloseCode.ProtocolViolation);

    // The process is alive and a new session on the same source works.
    const again = await startViewerServer();
    const s2 = new StreamSession({ url: again.url, source });
    cleanups.push(() => again.close(), () => s2.close());
    const v2 = await again.connection;
    expect((await v2.nextUpdate()).frames[0]!.flags & FrameFlags.full).toBeTruthy();
  });

  it("closes with 4003 on a wrong length, an out-of-range value or a text message", async () => {
    for (const bad of [
      new Uint8Array([ViewerMsg.Ack, 1, 0, 0]),
      new Uint8Array([ViewerMsg.Pointer, 10, 0, 10, 0, 0xff]), // buttons no mouse has
      "hello",
    ]) {
      const { viewer } = await setup();
      viewer.sendRaw(bad);
      expect((await viewer.closed).code).toBe(CloseCode.ProtocolViolation);
    }
  });

  it("takes a pointer off the screen (a watcher still drawing an older size) at the screen's edge, its buttons as sent", async () => {
    const { source, viewer, session } = await setup();
    await viewer.nextUpdate();
    const moves: [number, number, number][] = [];
    const pointer = source.pointer.bind(source);
    source.pointer = (x, y, buttons) => (moves.push([x, y, buttons]), pointer(x, y, buttons));
    // A press on the screen, then its release where an older, larger screen was.
    viewer.send({ type: ViewerMsg.Pointer, x: 10, y: 20, buttons: 1 });
    viewer.sendRaw(new Uint8Array([ViewerMsg.Pointer, 0xff, 0xff, 0xff, 0xff, 0]));
    await until(() => moves.length === 2, "both pointer messages");
    expect(moves).toEqual([
      [10, 20, 1],
      [source.width - 1, source.height - 1, 0],
    ]);
    expect(session.isOpen).toBe(true);
  });

  it("keeps what it queues for a viewer that stops reading bounded, however many Refreshes and Pings it sends", async () => {
    // A pointer shape as large as the protocol takes, of noise: ~64 KiB per message deflated.
    const side = 128;
    const rgba = new Uint8Array(side * side * 4);
    for (let i = 0; i < rgba.length; i++) rgba[i] = (Math.imul(i + 1, 2654435761) >>> 24) & 0xff;
    const source = Object.assign(new VirtualSource(), {
      cursor: { current: () => ({ width: side, height: side, hotX: 0, hotY: 0, rgba }), onChange: () => () => {} },
    });
    const server = await startViewerServer();
    const session = new StreamSession({ url: server.url, source, maxBufferedBytes: 256 * 1024 });
    cleanups.push(() => server.close(), () => source.close(), () => session.close());
    const viewer = await server.connection;
    await viewer.nextUpdate();
    const shapesBefore = viewer.cursors.length;
    // The viewer's side stops reading: what the agent sends now waits in its own memory.
    viewer.ws.pause();
    for (let i = 0; i < 400; i++) {
      viewer.send({ type: ViewerMsg.Refresh });
      viewer.send({ type: ViewerMsg.Ping, t: i });
    }
    await new Promise((r) => setTimeout(r, 1500));
    viewer.ws.resume();
    // Everything queued arrives; then count what came: a few shapes and updates, not a shape
    // per Refresh (before: ~64 KiB queued per Refresh, ~25 MB here).
    let bytes = 0;
    viewer.ws.on("message", (data: Buffer) => void (bytes += data.byteLength));
    await new Promise((r) => setTimeout(r, 1500));
    expect(viewer.cursors.length - shapesBefore).toBeLessThan(20);
    expect(bytes).toBeLessThan(4 * 1024 * 1024);
    expect(session.isOpen).toBe(true);
  });

  it("closes with 4004 on an oversized message", async () => {
    const { viewer } = await setup();
    viewer.sendRaw(new Uint8Array(MAX_VIEWER_MSG_BYTES + 1).fill(ViewerMsg.Ping));
    expect((await viewer.closed).code).toBe(CloseCode.TooLarge);
  });

  it("re-sends a moving picture's JPEG stand-ins losslessly once it holds still", async () => {
    const server = await startViewerServer();
    const source = new AnimatedSource(320, 192, 6);
    const session = new StreamSession({ url: server.url, source, window: 3 });
    cleanups.push(() => server.close(), () => session.close());
    const viewer = await server.connection;
    const canvas = new Canvas(source.width, source.height);
    let sawJpeg = false;
    const deadline = Date.now() + 10_000;
    for (;;) {
      const u = await viewer.nextUpdate();
      await canvas.applyFrames(u.frames);
      viewer.send({ type: ViewerMsg.Ack, seq: u.frames.at(-1)!.seq });
      sawJpeg ||= u.frames.some((f) => f.rects.some((r) => isJpeg(r.encoding)));
      if (source.done && firstDifference(canvas.data, source.frame.data) === -1) break;
      expect(Date.now()).toBeLessThan(deadline);
    }
    // The picture went as JPEG while it moved; the last update made the canvas exact again.
    expect(sawJpeg).toBe(true);
  });

  it("compresses pictures as the viewer chose: Speed smaller, Best closer to the screen", async () => {
    const { source, viewer } = await setup();
    /** The next key frame's JPEG bytes, and how close the photo panel comes out (PSNR). */
    const keyFrame = async () => {
      viewer.send({ type: ViewerMsg.Refresh });
      let u = await viewer.nextUpdate();
      while (!(u.frames[0]!.flags & FrameFlags.full)) {
        viewer.send({ type: ViewerMsg.Ack, seq: u.frames[0]!.seq });
        u = await viewer.nextUpdate();
      }
      viewer.send({ type: ViewerMsg.Ack, seq: u.frames[0]!.seq });
      const canvas = new Canvas(source.width, source.height);
      await canvas.applyFrames(u.frames);
      const truth = await source.capture();
      const photo = (d: Uint8Array) => d.subarray(400 * source.width * 4); // the photo panel, below the text
      let jpeg = 0;
      for (const f of u.frames) for (const r of f.rects) if (isJpeg(r.encoding) && "data" in r) jpeg += r.data.byteLength;
      return { jpeg, psnr: psnr(photo(canvas.data), photo(truth.data)) };
    };
    await viewer.nextUpdate();
    const balanced = await keyFrame();
    viewer.send({ type: ViewerMsg.Quality, level: PictureQuality.Speed });
    const speed = await keyFrame();
    viewer.send({ type: ViewerMsg.Quality, level: PictureQuality.Best });
    const best = await keyFrame();
    expect(balanced.jpeg).toBeGreaterThan(0);
    expect(speed.jpeg).toBeLessThan(balanced.jpeg * 0.8);
    expect(best.jpeg).toBeGreaterThan(balanced.jpeg * 1.2);
    expect(best.psnr).toBeGreaterThan(balanced.psnr);
    expect(speed.psnr).toBeLessThan(balanced.psnr);
    // A level the protocol does not know is a violation.
    viewer.sendRaw(new Uint8Array([ViewerMsg.Quality, 3]));
    expect((await viewer.closed).code).toBe(CloseCode.ProtocolViolation);
  });

  it("has a clipboard on the virtual desktop (the demo): the viewer's text pastes with Ctrl+V, Ctrl+C sends the field", async () => {
    const { source, viewer } = await setup();
    await viewer.nextUpdate();
    const keys = (...seq: [keysym: number, down: boolean][]) => {
      for (const [keysym, down] of seq) viewer.send({ type: ViewerMsg.Key, keysym, down });
    };
    const CTRL = 0xffe3;
    viewer.send({ type: ViewerMsg.Clipboard, text: "pasted\nhere" });
    keys([CTRL, true], [0x76, true], [0x76, false], [CTRL, false]);
    await until(() => source.typedText === "pasted here", "the paste");
    keys([0x21, true], [0x21, false]); // Ctrl is up again: "!" types as usual
    await until(() => source.typedText === "pasted here!", "typing after the paste");
    keys([CTRL, true], [0x63, true], [0x63, false], [CTRL, false]);
    for (;;) {
      const m = await viewer.next();
      if (m[0] !== AgentMsg.Clipboard) continue;
      expect(decodeClipboard(m)).toBe("pasted here!");
      break;
    }
    expect(source.typedText).toBe("pasted here!"); // copied, not cut
  });

  it("keeps the remote clipboard from a viewer told not to get it (the demo, whose sessions are different accounts')", async () => {
    const { source, viewer } = await setup();
    const other = await startViewerServer();
    const stranger = new StreamSession({ url: other.url, source, clipboardToViewer: false });
    cleanups.push(() => other.close(), () => stranger.close());
    const strangerViewer = await other.connection;
    await viewer.nextUpdate();
    await strangerViewer.nextUpdate();
    const CTRL = 0xffe3;
    viewer.send({ type: ViewerMsg.Key, keysym: 0x41, down: true });
    viewer.send({ type: ViewerMsg.Key, keysym: 0x41, down: false });
    for (const [keysym, down] of [[CTRL, true], [0x63, true], [0x63, false], [CTRL, false]] as const) viewer.send({ type: ViewerMsg.Key, keysym, down });
    // The one who copied gets it; the other session's viewer does not, then or later.
    for (;;) {
      const m = await viewer.next();
      if (m[0] === AgentMsg.Clipboard) break;
    }
    await new Promise((r) => setTimeout(r, 300));
    const got: number[] = [];
    while (strangerViewer.pending > 0) got.push((await strangerViewer.next())[0]!);
    expect(got).not.toContain(AgentMsg.Clipboard);
  });

  it("sends a full frame again on Refresh", async () => {
    const { viewer } = await setup();
    await viewer.nextUpdate();
    viewer.send({ type: ViewerMsg.Refresh });
    // A clock tick may already be on its way; the key frame follows within a few updates.
    let u = await viewer.nextUpdate();
    for (let i = 0; i < 3 && !(u.frames[0]!.flags & FrameFlags.full); i++) u = await viewer.nextUpdate();
    expect(u.frames[0]!.flags & FrameFlags.full).toBeTruthy();
    expect(u.frames[0]!.seq).toBeGreaterThan(1);
  });
});

/**
 * A TCP peer on loopback that answers the WebSocket upgrade (or not) and never answers a
 * ping; with `talkEveryMs` it sends a viewer Ping message that often.
 */
async function silentPeer(upgrade: boolean, talkEveryMs?: number): Promise<string> {
  const sockets: Socket[] = [];
  const server = createServer((socket) => {
    sockets.push(socket);
    socket.on("error", () => {});
    socket.once("data", (d) => {
      if (!upgrade) return;
      const key = /sec-websocket-key: *(\S+)/i.exec(d.toString())![1]!;
      const accept = createHash("sha1").update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest("base64");
      socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
      if (!talkEveryMs) return;
      // An unmasked binary frame (server to client) holding a 5-byte viewer Ping.
      const ping = Buffer.from([0x82, 5, ...encodeViewerInput({ type: ViewerMsg.Ping, t: 1 })]);
      const timer = setInterval(() => socket.write(ping), talkEveryMs);
      socket.on("close", () => clearInterval(timer));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  cleanups.push(() => {
    for (const s of sockets) s.destroy();
    server.close();
  });
  return `ws://127.0.0.1:${(server.address() as { port: number }).port}/stream`;
}

describe("a relay that goes silent", () => {
  it("ends the stream when its pings go unanswered (a path that died without a close)", async () => {
    const source = new VirtualSource();
    const session = new StreamSession({ url: await silentPeer(true), source, livenessMs: 100 });
    cleanups.push(() => source.close(), () => session.close());
    // Two pings unanswered, then the third beat closes it (without liveness it never ends).
    expect((await session.ended).code).toBe(1006);
  });

  it("keeps a stream whose viewer is heard from, pongs or not (a slow uplink delays the pongs)", async () => {
    const source = new VirtualSource();
    const session = new StreamSession({ url: await silentPeer(true, 30), source, livenessMs: 150 });
    cleanups.push(() => source.close(), () => session.close());
    let ended = false;
    void session.ended.then(() => (ended = true));
    // Without the viewer's messages the third beat (~450 ms) would end it.
    await new Promise((r) => setTimeout(r, 1_200));
    expect({ ended, open: session.isOpen }).toEqual({ ended: false, open: true });
  });

  it("ends the stream when no viewer says anything for a while, though the relay answers its pings", async () => {
    // The relay stand-in answers WebSocket pings as the real relay does (the runtime answers
    // them itself); the viewer behind it sends nothing: a laptop asleep with the window open.
    const server = await startViewerServer();
    const source = new VirtualSource();
    const session = new StreamSession({ url: server.url, source, livenessMs: 50, viewerSilenceMs: 600 });
    cleanups.push(() => server.close(), () => source.close(), () => session.close());
    const viewer = await server.connection;
    // A viewer that speaks keeps it: Pings for a while, well past the silence allowed.
    for (let i = 0; i < 8; i++) {
      viewer.send({ type: ViewerMsg.Ping, t: i });
      await new Promise((r) => setTimeout(r, 150));
    }
    expect(session.isOpen).toBe(true);
    // Then silence.
    expect((await viewer.closed).code).toBe(CloseCode.PeerTimeout);
  });

  it("gives up on an upgrade the relay never answers", async () => {
    const source = new VirtualSource();
    const session = new StreamSession({ url: await silentPeer(false), source, handshakeTimeoutMs: 200 });
    cleanups.push(() => source.close(), () => session.close());
    expect((await session.ended).code).toBe(1006);
  });
});
