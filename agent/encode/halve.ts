// A rect at half its size each way, for a picture in motion (decision 41): each pixel the
// rounded mean of a 2x2 block, the last row or column repeated where a side is odd. The jpeg
// addon does the same in C (its halve_row); this is the path without it (sharp), and gives
// the same pixels, so both send the same JPEG.
import type { Rect } from "../../protocol/stream";

/** The size of a halved rect. */
export function halfSize(r: Pick<Rect, "w" | "h">): { w: number; h: number } {
  return { w: (r.w + 1) >> 1, h: (r.h + 1) >> 1 };
}

const M = 0x00ff00ff;
const ROUND = 0x00020002;

/** Every byte of four 32-bit pixels averaged at once: two bytes of each word per 16-bit lane. */
function mean4(a: number, b: number, c: number, d: number): number {
  const even = (a & M) + (b & M) + (c & M) + (d & M) + ROUND;
  const odd = ((a >>> 8) & M) + ((b >>> 8) & M) + ((c >>> 8) & M) + ((d >>> 8) & M) + ROUND;
  return ((even >>> 2) & M) | (((odd >>> 2) & M) << 8);
}

/**
 * Writes rect r of `px` (one u32 per pixel, `stride` pixels a row) halved into `out`
 * (halfSize(r) pixels, row after row), in the same byte order.
 */
export function halveRect(px: Uint32Array, stride: number, r: Rect, out: Uint32Array): void {
  const { w, h } = halfSize(r);
  if (out.length < w * h) throw new RangeError("output is smaller than the halved rect");
  const pairs = r.w >> 1;
  for (let j = 0, o = 0; j < h; j++) {
    const top = (r.y + 2 * j) * stride + r.x;
    const bottom = 2 * j + 1 < r.h ? top + stride : top;
    for (let i = 0; i < pairs; i++, o++) out[o] = mean4(px[top + 2 * i]!, px[top + 2 * i + 1]!, px[bottom + 2 * i]!, px[bottom + 2 * i + 1]!);
    if (r.w & 1) {
      const a = px[top + r.w - 1]!;
      const c = px[bottom + r.w - 1]!;
      out[o++] = mean4(a, a, c, c);
    }
  }
}
