// Lossless rects without image containers: a palette and packed indices when the rect has
// at most 256 colours (text, UI), else plain RGB. Both go into the stream's deflate
// context (protocol/frame-codec.ts), which does the compressing across updates.
import { Encoding, type FrameRect, type Rect } from "../../protocol/stream";
import { paletteBits } from "../../protocol/frame-codec";
import { ColourSet } from "./colour-set";

/** Reused for every rect: the palette, numbered in order of first appearance. */
const palette = new ColourSet(256);

/**
 * Encodes rect r of a screen (one u32 pixel each, stride in pixels) losslessly; with
 * `bgr`, the screen's pixels have red and blue swapped (X11's BGRX).
 */
export function encodeLossless(px: Uint32Array, stride: number, r: Rect, bgr = false): FrameRect {
  palette.clear();
  const index = new Uint8Array(r.w * r.h);
  let last = -1;
  let lastIdx = 0;
  let k = 0;
  for (let y = r.y; y < r.y + r.h; y++) {
    const end = y * stride + r.x + r.w;
    for (let i = y * stride + r.x; i < end; i++, k++) {
      const p = px[i]!;
      if (p !== last) {
        lastIdx = palette.add(p);
        if (lastIdx < 0) return raw(px, stride, r, bgr);
        last = p;
      }
      index[k] = lastIdx;
    }
  }
  const n = palette.size;
  const rgb = new Uint8Array(n * 3);
  const [ri, bi] = bgr ? [2, 0] : [0, 2];
  for (let c = 0; c < n; c++) {
    const p = palette.colours[c]!;
    rgb[3 * c + ri] = p & 0xff;
    rgb[3 * c + 1] = (p >>> 8) & 0xff;
    rgb[3 * c + bi] = (p >>> 16) & 0xff;
  }
  return { encoding: Encoding.Palette, x: r.x, y: r.y, w: r.w, h: r.h, palette: rgb, indices: pack(index, r.w, r.h, paletteBits(n)) };
}

/** Packs one index per byte into rows of `bits`-bit indices, most significant first. */
function pack(index: Uint8Array, w: number, h: number, bits: number): Uint8Array {
  if (bits === 8) return index;
  const rowBytes = Math.ceil((w * bits) / 8);
  const out = new Uint8Array(rowBytes * h);
  const perByte = 8 / bits;
  for (let y = 0; y < h; y++) {
    let src = y * w;
    let dst = y * rowBytes;
    for (let x = 0; x < w; x += perByte, dst++) {
      let b = 0;
      for (let j = 0; j < perByte; j++) b = (b << bits) | (x + j < w ? index[src + j]! : 0);
      out[dst] = b;
      src += perByte;
    }
  }
  return out;
}

function raw(px: Uint32Array, stride: number, r: Rect, bgr: boolean): FrameRect {
  const rgb = new Uint8Array(r.w * r.h * 3);
  const [ri, bi] = bgr ? [2, 0] : [0, 2];
  let o = 0;
  for (let y = r.y; y < r.y + r.h; y++) {
    const end = y * stride + r.x + r.w;
    for (let i = y * stride + r.x; i < end; i++) {
      const p = px[i]!;
      rgb[o + ri] = p & 0xff;
      rgb[o + 1] = (p >>> 8) & 0xff;
      rgb[o + bi] = (p >>> 16) & 0xff;
      o += 3;
    }
  }
  return { encoding: Encoding.Raw, x: r.x, y: r.y, w: r.w, h: r.h, rgb };
}
