// The input of a JPEG: a rect of the encoder's 32-bit screen as packed 8-bit RGB, which is
// what sharp encodes fastest (decision 27). On a screen playing video this runs over every
// pixel of every update, so it works a word at a time: four pixels in, three words out.
import type { Rect } from "../../protocol/stream";
import { rgbOfBgrx } from "../screen/pixels";

/**
 * Packs rect r of `px` (one u32 per pixel, `stride` pixels a row) into R, G, B bytes; with
 * `bgr` the pixels hold blue in the low byte (X11's BGRX), else red (RGBA). `transposed`
 * packs the rect's transpose, output row i being column i of r (Encoding.JpegTransposed);
 * `out` is where to write (r.w * r.h * 3 bytes), a new buffer by default.
 */
export function packRgb(
  px: Uint32Array,
  stride: number,
  r: Rect,
  bgr: boolean,
  opts: { transposed?: boolean; out?: Uint8Array } = {},
): Uint8Array {
  const out = opts.out ?? new Uint8Array(r.w * r.h * 3);
  if (out.byteLength !== r.w * r.h * 3) throw new RangeError("output is not the rect's size");
  if (opts.transposed) packColumns(px, stride, r, bgr, out);
  else packRows(px, stride, r, bgr, out);
  return out;
}

function packRows(px: Uint32Array, stride: number, r: Rect, bgr: boolean, out: Uint8Array): void {
  // Whole words per row when a row is a multiple of 4 pixels (12 bytes); else byte by byte.
  const words = r.w % 4 === 0 && out.byteOffset % 4 === 0 ? new Uint32Array(out.buffer, out.byteOffset, (r.w * r.h * 3) >>> 2) : undefined;
  for (let j = 0, o = 0; j < r.h; j++) {
    const row = (r.y + j) * stride + r.x;
    if (words) {
      let wo = o >>> 2;
      for (let i = row; i < row + r.w; i += 4, wo += 3) {
        // Each pixel as R | G<<8 | B<<16, then three little-endian words hold four of them.
        const a = rgb(px[i]!, bgr);
        const b = rgb(px[i + 1]!, bgr);
        const c = rgb(px[i + 2]!, bgr);
        const d = rgb(px[i + 3]!, bgr);
        words[wo] = a | (b << 24);
        words[wo + 1] = (b >>> 8) | (c << 16);
        words[wo + 2] = (c >>> 16) | (d << 8);
      }
      o += r.w * 3;
      continue;
    }
    for (let i = row; i < row + r.w; i++, o += 3) {
      const p = rgb(px[i]!, bgr);
      out[o] = p & 0xff;
      out[o + 1] = (p >>> 8) & 0xff;
      out[o + 2] = p >>> 16;
    }
  }
}

/** Column by column, byte by byte: the rects that go transposed are narrow strips. */
function packColumns(px: Uint32Array, stride: number, r: Rect, bgr: boolean, out: Uint8Array): void {
  for (let i = 0, o = 0; i < r.w; i++) {
    for (let p = r.y * stride + r.x + i, end = p + r.h * stride; p < end; p += stride, o += 3) {
      const c = rgb(px[p]!, bgr);
      out[o] = c & 0xff;
      out[o + 1] = (c >>> 8) & 0xff;
      out[o + 2] = c >>> 16;
    }
  }
}

/** One pixel as R | G<<8 | B<<16. */
function rgb(p: number, bgr: boolean): number {
  return bgr ? rgbOfBgrx(p) : p & 0xffffff;
}
