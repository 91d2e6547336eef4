// A reference viewer: applies Frame messages to an RGBA canvas the way the web app
// does, decoding image rects with sharp. Tests compare its canvas with the source.
import sharp from "sharp";
import { FrameReader, unpackPixels } from "../../../protocol/frame-codec";
import { Encoding, type Frame, FrameFlags } from "../../../protocol/stream";

export class Canvas {
  readonly data: Uint8Array;
  /** The stream's inflate context, for applyMessages: one Canvas follows one stream. */
  private readonly reader = new FrameReader();
  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.data = new Uint8Array(width * height * 4);
  }

  async apply(frame: Frame): Promise<void> {
    for (const r of frame.rects) {
      switch (r.encoding) {
        case Encoding.Fill:
          for (let y = r.y; y < r.y + r.h; y++)
            for (let x = r.x; x < r.x + r.w; x++) this.data.set([r.r, r.g, r.b, 255], (y * this.width + x) * 4);
          break;
        case Encoding.Copy: {
          // Read the whole source first: source and destination may overlap.
          const src = new Uint8Array(r.w * r.h * 4);
          for (let j = 0; j < r.h; j++) {
            const o = ((r.srcY + j) * this.width + r.srcX) * 4;
            src.set(this.data.subarray(o, o + r.w * 4), j * r.w * 4);
          }
          for (let j = 0; j < r.h; j++) this.data.set(src.subarray(j * r.w * 4, (j + 1) * r.w * 4), ((r.y + j) * this.width + r.x) * 4);
          break;
        }
        case Encoding.Palette:
        case Encoding.Raw: {
          const px = new Uint32Array(r.w * r.h);
          unpackPixels(r, px);
          const bytes = new Uint8Array(px.buffer);
          for (let j = 0; j < r.h; j++) this.data.set(bytes.subarray(j * r.w * 4, (j + 1) * r.w * 4), ((r.y + j) * this.width + r.x) * 4);
          break;
        }
        case Encoding.JpegTransposed: {
          // An h x w image whose row i is the rect's column i (or half that size, scaled up).
          const img = await decodeJpeg(r.data, r.h, r.w);
          const out = new Uint32Array(this.data.buffer, this.data.byteOffset, this.data.byteLength / 4);
          for (let i = 0; i < r.w; i++) for (let j = 0; j < r.h; j++) out[(r.y + j) * this.width + r.x + i] = img[i * r.h + j]!;
          break;
        }
        default: {
          const img = new Uint8Array((await decodeJpeg(r.data, r.w, r.h)).buffer);
          for (let j = 0; j < r.h; j++) this.data.set(img.subarray(j * r.w * 4, (j + 1) * r.w * 4), ((r.y + j) * this.width + r.x) * 4);
        }
      }
    }
  }

  /** Applies the messages of one update (all but the last without the final flag), in stream order. */
  async applyMessages(messages: readonly Uint8Array[]): Promise<readonly Frame[]> {
    const frames = messages.map((m) => {
      const f = this.reader.read(m);
      if (!f) throw new Error("a message before the stream's first key frame");
      return f;
    });
    return this.applyFrames(frames);
  }

  /** Applies the decoded frames of one update (see Viewer.nextUpdate). */
  async applyFrames(frames: readonly Frame[]): Promise<readonly Frame[]> {
    frames.forEach((f, i) => {
      const final = (f.flags & FrameFlags.final) !== 0;
      if (final !== (i === frames.length - 1)) throw new Error("only the last message of an update may be final");
      if (f.seq !== frames[0]!.seq) throw new Error("messages of one update must share a seq");
    });
    for (const f of frames) await this.apply(f);
    return frames;
  }
}

/** Peak signal-to-noise ratio over RGB, in dB (Infinity when equal). */
export function psnr(a: Uint8Array, b: Uint8Array): number {
  let sum = 0;
  let n = 0;
  for (let i = 0; i < a.length; i += 4) {
    for (let k = 0; k < 3; k++) {
      const d = a[i + k]! - b[i + k]!;
      sum += d * d;
      n++;
    }
  }
  if (sum === 0) return Infinity;
  return 10 * Math.log10((255 * 255) / (sum / n));
}

/** Index of the first differing RGB pixel, or -1. */
export function firstDifference(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < a.length; i += 4) {
    if (a[i] !== b[i] || a[i + 1] !== b[i + 1] || a[i + 2] !== b[i + 2]) return i / 4;
  }
  return -1;
}

/**
 * A JPEG rect's picture as w x h RGBA pixels. The picture is w x h, or half that size each
 * way (rounded up) for a picture in motion, which a viewer scales up to the rect as a
 * browser's drawImage does (bilinear); any other size is a protocol error.
 */
async function decodeJpeg(jpeg: Uint8Array, w: number, h: number): Promise<Uint32Array> {
  const img = sharp(jpeg);
  const { width, height } = await img.metadata();
  const half = width === (w + 1) >> 1 && height === (h + 1) >> 1;
  if (!(width === w && height === h) && !half) throw new Error(`tile is ${width}x${height}, rect says ${w}x${h}`);
  const scaled = half && (width !== w || height !== h) ? img.resize(w, h, { kernel: "linear", fit: "fill" }) : img;
  const { data } = await scaled.ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return new Uint32Array(data.buffer, data.byteOffset, data.byteLength / 4);
}
