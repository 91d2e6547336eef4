// Windows and macOS backend (it also runs on Linux/X11, which is how it is tested here):
// capture with node-screenshots, input with libnut from the maintained nut.js fork.
// Both are native packages with prebuilt binaries, loaded only when this backend is
// chosen. Neither OS API offers damage events through them, so changes are found by
// tile polling.
import { createRequire } from "node:module";
import type { Monitor } from "node-screenshots";
import type { Rect } from "../../protocol/stream";
import { type Log, silentLog } from "../log";
import { nativeKey } from "./native-keys";
import { captureRect, DamageEmitter, type DamageListener, type RgbaImage, type ScreenSource } from "./source";
import { TilePoller } from "./tile-poller";

/** The part of libnut's native API used here. */
type Libnut = {
  moveMouse(x: number, y: number): void;
  mouseToggle(down: "down" | "up", button: "left" | "middle" | "right"): void;
  scrollMouse(x: number, y: number): void;
  keyToggle(key: string, down: "down" | "up", modifiers?: string[]): void;
  typeString(text: string): void;
  setMouseDelay(ms: number): void;
  setKeyboardDelay(ms: number): void;
};

export type NativeSourceOptions = { pollIntervalMs?: number; log?: Log };

/** A full capture is reused for this long: one update asks for several rects in a row. */
const CAPTURE_REUSE_MS = 15;

const BUTTONS: [bit: number, name: "left" | "middle" | "right"][] = [
  [1, "left"],
  [2, "middle"],
  [4, "right"],
];

export async function openNativeSource(opts: NativeSourceOptions = {}): Promise<NativeSource> {
  const screenshots = await import("node-screenshots");
  const Monitors = (screenshots.Monitor ?? (screenshots as unknown as { default: typeof screenshots }).default.Monitor) as typeof Monitor;
  const require = createRequire(import.meta.url);
  const { libnut } = require("@nut-tree-fork/libnut/dist/import_libnut.js") as { libnut: Libnut };
  const monitors = Monitors.all();
  const monitor = monitors.find((m) => m.isPrimary()) ?? monitors[0];
  if (!monitor) throw new Error("no monitor found to capture");
  const first = await monitor.captureImage();
  return new NativeSource(monitor, libnut, first.width, first.height, opts);
}

export class NativeSource implements ScreenSource {
  readonly kind = "native";
  private readonly damage = new DamageEmitter();
  private readonly poller: TilePoller;
  private readonly log: Log;
  /** Input uses logical points, capture physical pixels (HiDPI): points per pixel. */
  private readonly scale: number;
  private last: { at: number; data: Uint8Array } | undefined;
  private buttons = 0;
  private readonly keysDown = new Set<string>();
  private closed = false;

  constructor(
    private readonly monitor: Monitor,
    private readonly nut: Libnut,
    readonly width: number,
    readonly height: number,
    opts: NativeSourceOptions,
  ) {
    this.log = opts.log ?? silentLog;
    this.scale = monitor.width() / width;
    // libnut sleeps after each event by default (robotjs heritage): remote input must not.
    nut.setMouseDelay(0);
    nut.setKeyboardDelay(0);
    this.poller = new TilePoller(
      () => this.capture(),
      (rects) => this.damage.emit(rects),
      opts.pollIntervalMs ?? 100,
      (err) => this.log("screen poll failed", { error: String(err) }),
    );
  }

  async capture(rect?: Rect): Promise<RgbaImage> {
    const r = captureRect(this, rect);
    const full = await this.fullCapture();
    if (r.x === 0 && r.y === 0 && r.w === this.width && r.h === this.height) return { width: r.w, height: r.h, data: full };
    const data = new Uint8Array(r.w * r.h * 4);
    for (let j = 0; j < r.h; j++) {
      const start = ((r.y + j) * this.width + r.x) * 4;
      data.set(full.subarray(start, start + r.w * 4), j * r.w * 4);
    }
    return { width: r.w, height: r.h, data };
  }

  onDamage(listener: DamageListener): () => void {
    const off = this.damage.on(listener);
    this.poller.start();
    return () => {
      off();
      if (this.damage.size === 0) this.poller.stop();
    };
  }

  pointer(x: number, y: number, buttons: number): void {
    this.nut.moveMouse(Math.round(x * this.scale), Math.round(y * this.scale));
    for (const [bit, name] of BUTTONS) {
      if ((buttons & bit) !== (this.buttons & bit)) this.nut.mouseToggle(buttons & bit ? "down" : "up", name);
    }
    this.buttons = buttons;
  }

  wheel(dx: number, dy: number): void {
    // libnut: positive y scrolls up; the protocol: positive dy scrolls down.
    this.nut.scrollMouse(dx, -dy);
  }

  key(keysym: number, down: boolean): void {
    const k = nativeKey(keysym);
    if (!k) return this.log("no key for keysym", { keysym: keysym.toString(16) });
    if (k.kind === "text") {
      if (down) this.nut.typeString(k.text);
      return;
    }
    const shift = k.shift && !this.keysDown.has("shift") && !this.keysDown.has("right_shift") ? ["shift"] : [];
    this.nut.keyToggle(k.name, down ? "down" : "up", shift);
    if (down) this.keysDown.add(k.name);
    else this.keysDown.delete(k.name);
  }

  releaseInput(): void {
    if (this.closed) return;
    for (const name of this.keysDown) this.nut.keyToggle(name, "up");
    this.keysDown.clear();
    for (const [bit, name] of BUTTONS) if (this.buttons & bit) this.nut.mouseToggle("up", name);
    this.buttons = 0;
  }

  async close(): Promise<void> {
    this.releaseInput();
    this.closed = true;
    this.poller.stop();
  }

  private async fullCapture(): Promise<Uint8Array> {
    if (this.last && performance.now() - this.last.at < CAPTURE_REUSE_MS) return this.last.data;
    const image = await this.monitor.captureImage();
    if (image.width !== this.width || image.height !== this.height) {
      throw new Error(`the screen changed size to ${image.width}x${image.height}; restart the agent`);
    }
    const raw = await image.toRaw(); // RGBA
    // Word-aligned, as the tile hashing reads it 32 bits at a time.
    const data = raw.byteOffset % 4 === 0 ? new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength) : new Uint8Array(raw);
    this.last = { at: performance.now(), data };
    return data;
  }
}
