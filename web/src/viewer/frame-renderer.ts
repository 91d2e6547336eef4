import { Encoding, FrameFlags, decodeFrame, type Frame, type FrameRect } from "../../../protocol/stream";

const MIME: Record<number, string> = {
  [Encoding.Jpeg]: "image/jpeg",
  [Encoding.Png]: "image/png",
  [Encoding.Webp]: "image/webp",
};

/**
 * Draws Frame messages onto a canvas in arrival order. Image tiles of one message are
 * decoded in parallel (createImageBitmap decodes off the main thread), then every rect is
 * drawn in order, so copies see the screen as it was when the agent encoded them.
 */
export class FrameRenderer {
  private readonly ctx: CanvasRenderingContext2D;
  private chain: Promise<void> = Promise.resolve();
  /** Frames drawn since the last call of takeFrameCount(), for the fps figure. */
  private drawn = 0;

  constructor(
    private readonly canvas: HTMLCanvasElement,
    /** Called after the final part of an update is on the canvas. */
    private readonly onUpdateDrawn: (seq: number) => void,
    private readonly onResize: (width: number, height: number) => void,
  ) {
    const ctx = canvas.getContext("2d", { alpha: false });
    if (!ctx) throw new Error("2D canvas is not available");
    this.ctx = ctx;
  }

  /** Queues one Frame message; throws synchronously if it is malformed. */
  push(message: ArrayBuffer): void {
    const frame = decodeFrame(new Uint8Array(message));
    this.chain = this.chain.then(() => this.draw(frame)).catch((err) => console.error("frame failed", err));
  }

  takeFrameCount(): number {
    const n = this.drawn;
    this.drawn = 0;
    return n;
  }

  private async draw(frame: Frame): Promise<void> {
    if (this.canvas.width !== frame.width || this.canvas.height !== frame.height) {
      this.canvas.width = frame.width;
      this.canvas.height = frame.height;
      this.onResize(frame.width, frame.height);
    }
    const bitmaps = await Promise.all(frame.rects.map((r) => decodeTile(r)));
    const ctx = this.ctx;
    frame.rects.forEach((r, i) => {
      switch (r.encoding) {
        case Encoding.Copy:
          ctx.drawImage(this.canvas, r.srcX, r.srcY, r.w, r.h, r.x, r.y, r.w, r.h);
          break;
        case Encoding.Fill:
          ctx.fillStyle = `rgb(${r.r},${r.g},${r.b})`;
          ctx.fillRect(r.x, r.y, r.w, r.h);
          break;
        default: {
          const bmp = bitmaps[i];
          if (bmp) {
            ctx.drawImage(bmp, r.x, r.y, r.w, r.h);
            bmp.close();
          }
        }
      }
    });
    if (frame.flags & FrameFlags.final) {
      this.drawn++;
      this.onUpdateDrawn(frame.seq);
    }
  }
}

function decodeTile(r: FrameRect): Promise<ImageBitmap | undefined> {
  if (r.encoding === Encoding.Copy || r.encoding === Encoding.Fill) return Promise.resolve(undefined);
  // Copy into a fresh ArrayBuffer-backed view: Blob needs its own bytes, not a window on the message.
  return createImageBitmap(new Blob([new Uint8Array(r.data)], { type: MIME[r.encoding] }));
}
