// The X pointer's shape, for the viewer to show as its own pointer (F6.1). The screen capture
// has no pointer in it (the server draws it apart from the framebuffer), so without this the
// operator sees an arrow everywhere: no text cursor over text, no resize arrows on a window's
// edge. XFIXES tells of every change of shape (CursorNotify) and hands the image over
// (GetCursorImage); the agent converts it once per change, which is rare next to updates.
import { MAX_CURSOR_SIDE, type CursorImage } from "../../protocol/stream";
import type { Log } from "../log";
import { Listeners, type RemoteCursor } from "./source";
import { call } from "./x11-connection";

/** XFIXES SelectCursorInput mask: the displayed cursor changed. */
const DISPLAY_CURSOR_NOTIFY = 1;

type XCursorImage = { width: number; height: number; xhot: number; yhot: number; cursorSerial: number; cursorImage: Buffer };

/**
 * X's ARGB32 pixels (premultiplied alpha, in the client's byte order: B, G, R, A here) as RGBA
 * with straight alpha, cropped to MAX_CURSOR_SIDE a side.
 */
export function cursorFromX(x: XCursorImage): CursorImage {
  const width = Math.min(x.width, MAX_CURSOR_SIDE);
  const height = Math.min(x.height, MAX_CURSOR_SIDE);
  const rgba = new Uint8Array(width * height * 4);
  for (let j = 0; j < height; j++) {
    for (let i = 0; i < width; i++) {
      const s = (j * x.width + i) * 4;
      const o = (j * width + i) * 4;
      const a = x.cursorImage[s + 3]!;
      if (a === 0) continue; // fully transparent: leave 0, 0, 0, 0
      const unmul = (c: number) => Math.min(255, Math.round((c * 255) / a));
      rgba[o] = unmul(x.cursorImage[s + 2]!);
      rgba[o + 1] = unmul(x.cursorImage[s + 1]!);
      rgba[o + 2] = unmul(x.cursorImage[s]!);
      rgba[o + 3] = a;
    }
  }
  return { width, height, hotX: Math.min(x.xhot, width - 1), hotY: Math.min(x.yhot, height - 1), rgba };
}

export class X11Cursor implements RemoteCursor {
  private readonly changes = new Listeners<[cursor: CursorImage]>();
  private selected = false;
  private serial: number | undefined;
  private shape: CursorImage | undefined;
  /** A shape is being read; another change meanwhile reads once more after it. */
  private reading = false;
  private readAgain = false;

  constructor(
    private readonly root: number,
    private readonly fixes: any,
    private readonly log: Log,
  ) {}

  /** The pointer's shape as last read; undefined until the first read is done. */
  current(): CursorImage | undefined {
    return this.shape;
  }

  /** Subscribes to shape changes; the first subscriber starts the watch and reads the current shape. */
  onChange(listener: (cursor: CursorImage) => void): () => void {
    const off = this.changes.on(listener);
    if (!this.selected) {
      this.selected = true;
      this.fixes.SelectCursorInput(this.root, DISPLAY_CURSOR_NOTIFY);
      this.read();
    }
    return off;
  }

  /** Takes the X events meant for the cursor; false for any other event. */
  handle(ev: { name?: string; cursorSerial?: number }): boolean {
    if (ev.name !== "CursorNotify") return false;
    // The event names the shape: one already sent (entering a window with the same pointer)
    // needs no round trip for its image.
    if (ev.cursorSerial === undefined || ev.cursorSerial !== this.serial) this.read();
    return true;
  }

  private read(): void {
    if (this.reading) {
      this.readAgain = true;
      return;
    }
    this.reading = true;
    call<XCursorImage>(this.fixes, "GetCursorImage")
      .then((x) => {
        if (x.cursorSerial === this.serial || x.width === 0 || x.height === 0) return;
        this.serial = x.cursorSerial;
        this.shape = cursorFromX(x);
        this.changes.emit(this.shape);
      })
      .catch((err: unknown) => this.log("could not read the pointer's shape", { error: String(err) }))
      .finally(() => {
        this.reading = false;
        if (this.readAgain) {
          this.readAgain = false;
          this.read();
        }
      });
  }

  close(): void {
    this.changes.clear();
  }
}
