import { FrameReader, unpackPixels } from "../../../protocol/frame-codec";
import { Encoding, FrameFlags, ProtocolError, ScreenTooLarge, type Frame, type FrameRect } from "../../../protocol/stream";

const MIME: Record<number, string> = {
  [Encoding.Jpeg]: "image/jpeg",
  [Encoding.JpegTransposed]: "image/jpeg",
  [Encoding.Png]: "image/png",
  [Encoding.Webp]: "image/webp",
};

type ImageRect = FrameRect & { data: Uint8Array };

/**
 * Screens' worth of image pixels that may be decoding or waiting to be drawn at once. Flow
 * control lets a well-behaved agent have 3 updates in flight, each covering the screen at
 * most, and a Refresh (a quality or monitor change) empties its window while up to 3 may
 * still be decoding here: 6. Past that, an agent is ignoring flow control, and each decode
 * holds w x h x 4 bytes (a screen of 48 Mi pixels, the most a stream may declare, is 192 MiB).
 */
const MAX_PENDING_SCREENS = 6;
const isImage = (r: FrameRect): r is ImageRect => "data" in r;

/**
 * Draws Frame messages onto a canvas in arrival order. Each message is inflated at once,
 * in stream order (protocol/frame-codec.ts). An update of lossless rects, fills and
 * copies — typing, scrolling, moving windows — is drawn synchronously in the message
 * handler: no decoder round trip between the bytes arriving and the pixels changing.
 * Updates with JPEG tiles decode them in parallel (createImageBitmap works off the main
 * thread) and draw when all are ready; later updates queue behind them.
 */
export class FrameRenderer {
  private readonly ctx: CanvasRenderingContext2D;
  private readonly reader = new FrameReader();
  /** Draws waiting for image decodes, in order; empty when nothing is pending. */
  private chain: Promise<void> = Promise.resolve();
  private pending = 0;
  /** Frames drawn since the last call of takeFrameCount(), for the fps figure. */
  private drawn = 0;
  /** Which stream draws: updates still decoding when reset() came belong to the one before. */
  private generation = 0;
  /** Pixels of the images decoding or decoded and waiting their turn (MAX_PENDING_SCREENS). */
  private pendingPixels = 0;

  constructor(
    private readonly canvas: HTMLCanvasElement,
    /** Called after the final part of an update is on the canvas. */
    private readonly onUpdateDrawn: (seq: number) => void,
    private readonly onResize: (width: number, height: number) => void,
    /** Called after a message that could not be read: the stream waits for a key frame. */
    private readonly onDesync: () => void,
    /** Called for a screen larger than a viewer draws (MAX_SCREEN_PIXELS): the stream waits for a smaller one. */
    private readonly onTooLarge: () => void,
  ) {
    const ctx = canvas.getContext("2d", { alpha: false });
    if (!ctx) throw new Error("2D canvas is not available");
    this.ctx = ctx;
  }

  /**
   * Takes one Frame message. A malformed one breaks the deflate stream it belongs to: the
   * reader starts over at the next key frame, which onDesync asks the agent for, so the
   * picture heals instead of freezing.
   */
  push(message: ArrayBuffer): void {
    let frame: Frame | null;
    try {
      frame = this.reader.read(new Uint8Array(message));
    } catch (err) {
      if (!(err instanceof ProtocolError)) throw err;
      this.reader.resync();
      // Another key frame of the same screen would be as large: no Refresh (it would loop).
      if (err instanceof ScreenTooLarge) return this.onTooLarge();
      console.warn("unreadable frame, asking for a key frame", err.message);
      this.onDesync();
      return;
    }
    if (!frame) return; // joined mid-stream: the next key frame starts this viewer's picture
    const images = frame.rects.filter(isImage);
    if (images.length === 0 && this.pending === 0) return this.draw(frame, new Map());
    // Each image is at most its rect (the reader checked its header): what its decode holds.
    const pixels = images.reduce((n, r) => n + r.w * r.h, 0);
    if (this.pendingPixels + pixels > MAX_PENDING_SCREENS * frame.width * frame.height) {
      this.reader.resync();
      console.warn("more pictures in flight than flow control allows, asking for a key frame");
      this.onDesync();
      return;
    }
    // Start decoding now, in parallel with any earlier update still decoding.
    const decoded = Promise.all(images.map((r) => createImageBitmap(new Blob([new Uint8Array(r.data)], { type: MIME[r.encoding] }))));
    this.pending++;
    this.pendingPixels += pixels;
    const generation = this.generation;
    this.chain = this.chain
      .then(async () => {
        const bitmaps = await decoded;
        if (generation !== this.generation) return bitmaps.forEach((b) => b.close());
        this.draw(frame, new Map(images.map((r, i) => [r, bitmaps[i]!])));
      })
      .catch((err) => {
        // An image that does not decode leaves this update undrawn and unacked: ask for a key
        // frame (which also resets the agent's flow window) rather than stall.
        console.error("frame failed", err);
        if (generation === this.generation) this.onDesync(); // (an old stream's: nothing to ask its successor)
      })
      .finally(() => {
        this.pending--;
        this.pendingPixels -= pixels;
      });
  }

  /**
   * A new connection (Retry): its stream starts afresh. The old stream may have stopped inside
   * an update, whose rest never comes (the new key frame was then refused as "a new stream
   * inside an update", costing a Refresh round trip), and its JPEGs still decoding must not
   * draw, nor ack into the new session.
   */
  reset(): void {
    this.reader.resync();
    this.generation++;
  }

  takeFrameCount(): number {
    const n = this.drawn;
    this.drawn = 0;
    return n;
  }

  private draw(frame: Frame, bitmaps: Map<FrameRect, ImageBitmap>): void {
    if (this.canvas.width !== frame.width || this.canvas.height !== frame.height) {
      this.canvas.width = frame.width;
      this.canvas.height = frame.height;
      this.onResize(frame.width, frame.height);
    }
    const ctx = this.ctx;
    for (const r of frame.rects) {
      switch (r.encoding) {
        case Encoding.Copy:
          // Canvas copies a same-canvas source before drawing, so overlapping moves are safe.
          ctx.drawImage(this.canvas, r.srcX, r.srcY, r.w, r.h, r.x, r.y, r.w, r.h);
          break;
        case Encoding.Fill:
          ctx.fillStyle = `rgb(${r.r},${r.g},${r.b})`;
          ctx.fillRect(r.x, r.y, r.w, r.h);
          break;
        case Encoding.Palette:
        case Encoding.Raw: {
          const img = new ImageData(r.w, r.h);
          unpackPixels(r, new Uint32Array(img.data.buffer));
          ctx.putImageData(img, r.x, r.y);
          break;
        }
        default: {
          const bmp = bitmaps.get(r);
          if (!bmp) break;
          if (r.encoding === Encoding.JpegTransposed) {
            // The bitmap is h x w: (u, v) lands on (r.x + v, r.y + u).
            ctx.save();
            ctx.setTransform(0, 1, 1, 0, r.x, r.y);
            ctx.drawImage(bmp, 0, 0, r.h, r.w);
            ctx.restore();
          } else ctx.drawImage(bmp, r.x, r.y, r.w, r.h);
          // Drawn to the rect's size either way: a picture in motion comes at half size
          // (docs/protocol.md), and drawImage scales it up.
          bmp.close();
        }
      }
    }
    if (frame.flags & FrameFlags.final) {
      this.drawn++;
      this.onUpdateDrawn(frame.seq);
    }
  }
}
