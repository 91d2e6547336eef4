// The JPEG input packer against the plain per-byte definition, for both pixel layouts and
// for widths that are and are not a multiple of its 4-pixel words.
import { describe, expect, it } from "vitest";
import { packRgb } from "../../agent/encode/pack-rgb";

function naive(px: Uint32Array, stride: number, r: { x: number; y: number; w: number; h: number }, bgr: boolean): Uint8Array {
  const out: number[] = [];
  for (let y = r.y; y < r.y + r.h; y++) {
    for (let x = r.x; x < r.x + r.w; x++) {
      const p = px[y * stride + x]!;
      const [lo, mid, hi] = [p & 0xff, (p >>> 8) & 0xff, (p >>> 16) & 0xff];
      out.push(...(bgr ? [hi, mid, lo] : [lo, mid, hi]));
    }
  }
  return Uint8Array.from(out);
}

describe("packRgb", () => {
  it("matches the per-byte definition for both layouts and any width", () => {
    const stride = 37;
    const px = new Uint32Array(stride * 11);
    let seed = 7;
    for (let i = 0; i < px.length; i++) px[i] = seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    for (const bgr of [true, false]) {
      for (let w = 1; w <= 13; w++) {
        const r = { x: 5, y: 2, w, h: 7 };
        expect(packRgb(px, stride, r, bgr), `w ${w} bgr ${bgr}`).toEqual(naive(px, stride, r, bgr));
        // Into a given buffer (the encoder's pool hands out views of bigger ones), same bytes.
        const out = new Uint8Array(new ArrayBuffer(4096), 0, w * 7 * 3);
        expect(packRgb(px, stride, r, bgr, { out })).toBe(out);
        expect(out).toEqual(naive(px, stride, r, bgr));
      }
    }
  });

  it("packs the transpose: output row i is column i of the rect", () => {
    const stride = 37;
    const px = new Uint32Array(stride * 30);
    let seed = 11;
    for (let i = 0; i < px.length; i++) px[i] = seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    // The transpose of the screen, so the plain definition applied to it is the expectation.
    const t = new Uint32Array(30 * stride);
    for (let y = 0; y < 30; y++) for (let x = 0; x < stride; x++) t[x * 30 + y] = px[y * stride + x]!;
    for (const bgr of [true, false]) {
      const r = { x: 4, y: 3, w: 5, h: 21 };
      expect(packRgb(px, stride, r, bgr, { transposed: true }), `bgr ${bgr}`).toEqual(naive(t, 30, { x: r.y, y: r.x, w: r.h, h: r.w }, bgr));
    }
  });
});
