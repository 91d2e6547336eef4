// The one interface every screen backend (X11, virtual, later Windows/macOS) implements.
// The stream session only talks to this, so a backend never sees the wire protocol.
import type { CursorImage, Rect } from "../../protocol/stream";

/**
 * Pixels of one rectangle: RGBA, 4 bytes per pixel, rows packed (stride = width * 4),
 * alpha always 255. Backends convert from their native layout (X11 gives BGRX) once,
 * at capture, so the encoder has a single format to handle.
 */
export type RgbaImage = { width: number; height: number; data: Uint8Array };

/** Byte order of a screen buffer's pixels (see ScreenSource.captureFormat). */
export type PixelFormat = "rgba" | "bgrx";

/** Called with the screen areas that changed; the rectangles may overlap. */
export type DamageListener = (rects: readonly Rect[]) => void;

/** The remote computer's clipboard, as text. */
export interface RemoteClipboard {
  /** Makes `text` what a paste on the remote computer pastes. */
  set(text: string): void;
  /**
   * Forgets `text` if the clipboard still holds it from set(): an operator's pasted text (a
   * password, say) must not outlive their session for anyone at the computer to paste.
   */
  clear(text: string): void;
  /** Called with the text when something on the remote computer copies text (not on set()). */
  onChange(listener: (text: string) => void): () => void;
}

/** The remote pointer's shape (F6.1), which screen captures leave out. */
export interface RemoteCursor {
  /** The shape as last read; undefined before the first read. */
  current(): CursorImage | undefined;
  /** Called with each new shape; the first subscription also reads the current one. */
  onChange(listener: (cursor: CursorImage) => void): () => void;
}

/**
 * Where captureInto writes: a buffer of `width` pixels a row, whose first pixel is the
 * screen's pixel at `origin` (default 0,0: a whole-screen buffer; else one monitor's).
 */
export type CaptureTarget = { data: Uint8Array; width: number; origin?: { x: number; y: number } };

/** Called once the screen has its new size (read it from the source). */
export type ResizeListener = () => void;

export interface ScreenSource {
  /** "x11", "virtual", ... for logs. */
  readonly kind: string;
  /** The current size: it may change while the source runs (see onResize). */
  readonly width: number;
  readonly height: number;
  /** The whole screen when rect is omitted. The rect must lie inside the screen. */
  capture(rect?: Rect): Promise<RgbaImage>;
  /**
   * Optional fast path: captures rect straight into a full-screen buffer (the encoder's)
   * at the rect's place, in `captureFormat`, with no image allocated and no pixel
   * converted per capture. A full-screen update at 1920x1080 is 8 MB: allocating,
   * converting and copying it again was a third of the agent's CPU while video played.
   */
  captureInto?(rect: Rect, target: CaptureTarget): Promise<void>;
  /**
   * The byte order captureInto writes: "rgba" (R, G, B, A = 255) or "bgrx" (B, G, R,
   * anything: X11's usual TrueColor layout). The encoder converts only what it sends.
   */
  readonly captureFormat?: PixelFormat;
  /**
   * Optional: a full-screen buffer, in `captureFormat`, that captureInto fills without a
   * copy (X11: the mapped SHM segment the server writes into). One borrower at a time;
   * undefined when there is none to lend. The borrower gives it back with returnScreen
   * once no capture into it can be running.
   */
  lendScreen?(): Uint8Array | undefined;
  returnScreen?(screen: Uint8Array): void;
  /** Subscribes to change notifications; returns the unsubscribe function. */
  onDamage(listener: DamageListener): () => void;
  /**
   * Optional: subscribes to size changes (a resolution change on the remote). Called once
   * captures at the new size can run; until then a capture outside the new size fails.
   */
  onResize?(listener: ResizeListener): () => void;
  /** Optional (F6.3): the remote clipboard's text, both ways. */
  readonly clipboard?: RemoteClipboard;
  /** Optional (F6.1): the pointer's shape, for the viewer to show. */
  readonly cursor?: RemoteCursor;
  /**
   * Optional (F6.2): the monitors' places on the screen, at most MAX_MONITORS; a single one
   * (the screen) when there is no choice. Read again after each resize event.
   */
  monitors?(): Rect[];
  /** Absolute pointer position and the protocol's button bits (bit0 left, bit1 middle, bit2 right). */
  pointer(x: number, y: number, buttons: number): void;
  /** Wheel steps; positive = down/right. */
  wheel(dx: number, dy: number): void;
  /** An X11 keysym pressed (down) or released. */
  key(keysym: number, down: boolean): void;
  /** Releases every key and button this source pressed, so an ended session leaves nothing stuck. */
  releaseInput(): void;
  close(): Promise<void>;
}

/** Small fan-out used by the backends for onDamage, onResize and their clipboards' onChange. */
export class Listeners<A extends unknown[]> {
  private readonly listeners = new Set<(...args: A) => void>();

  /** Adds a listener; returns the function that removes it. */
  on(listener: (...args: A) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(...args: A): void {
    for (const l of this.listeners) l(...args);
  }

  get size(): number {
    return this.listeners.size;
  }

  clear(): void {
    this.listeners.clear();
  }
}

/** Damage fan-out: an empty list of rects is not worth telling anyone. */
export class DamageEmitter extends Listeners<[rects: readonly Rect[]]> {
  override emit(rects: readonly Rect[]): void {
    if (rects.length > 0) super.emit(rects);
  }
}

/** The whole screen, or rect checked against it. */
export function captureRect(screen: { width: number; height: number }, rect?: Rect): Rect {
  const r = rect ?? { x: 0, y: 0, w: screen.width, h: screen.height };
  if (r.w <= 0 || r.h <= 0 || r.x < 0 || r.y < 0 || r.x + r.w > screen.width || r.y + r.h > screen.height) {
    throw new RangeError(`capture rect ${r.x},${r.y} ${r.w}x${r.h} is outside the ${screen.width}x${screen.height} screen`);
  }
  return r;
}
