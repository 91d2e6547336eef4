// Lossless rects without image containers: a palette and packed indices when the rect has
// at most 256 colours (text, UI), else plain RGB. Both go into the stream's deflate
// context (protocol/frame-codec.ts), which does the compressing across updates.
import { Encoding, type FrameRect, type Rect } from "../../protocol/stream";
import { paletteBits } from "../../protocol/frame-codec";

const SLOTS = 1024; // a power of two > 2 * 256 keeps probes short
const keys = new Uint32Array(SLOTS);
const vals = new Uint16Array(SLOTS);
const gens = new Uint32Array(SLOTS);
let gen = 0;
const colours = new Uint32Array(256);

/**
 * Encodes rect r of a screen (one u32 pixel each, stride in pixels) losslessly; with
 * `bgr`, the screen's pixels have red and blue swapped (X11's BGRX).
 */
export function encodeLossless(px: Uint32Array, stride: number, r: Rect, bgr = false): FrameRect {
  gen = (gen + 1) >>> 0;
  if (gen === 0) {
    gens.fill(0);
    gen = 1;
  }
  const index = new Uint8Array(r.w * r.h);
  let n = 0;
  let last = -1;
  let lastIdx = 0;
  let k = 0;
  for (let y = r.y; y < r.y + r.h; y++) {
    const end = y * stride + r.x + r.w;
    for (let i = y * stride + r.x; i < end; i++, k++) {
      const p = px[i]!;
      if (p !== last) {
        let h = Math.imul(p, 0x9e3779b1) >>> 22;
        for (;;) {
          if (gens[h] !== gen) {
            if (n === 256) return raw(px, stride, r, bgr);
            gens[h] = gen;
            keys[h] = p;
            vals[h] = n;
            colours[n++] = p;
            break;
          }
          if (keys[h] === p) break;
          h = (h + 1) & (SLOTS - 1);
        }
        last = p;
        lastIdx = vals[h]!;
      }
      index[k] = lastIdx;
    }
  }
  const palette = new Uint8Array(n * 3);
  const [ri, bi] = bgr ? [2, 0] : [0, 2];
  for (let c = 0; c < n; c++) {
    const p = colours[c]!;
    palette[3 * c + ri] = p & 0xff;
    palette[3 * c + 1] = (p >>> 8) & 0xff;
    palette[3 * c + bi] = (p >>> 16) & 0xff;
  }
  return { encoding: Encoding.Palette, x: r.x, y: r.y, w: r.w, h: r.h, palette, indices: pack(index, r.w, r.h, paletteBits(n)) };
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
