// Decides how a tile travels. Text and flat UI have few distinct colours and must stay
// sharp (a palette, deflated in the stream's context); photos and gradients-with-noise have many and compress far better as JPEG.
import type { Rect } from "../../protocol/stream";

export const TileKind = {
  /** One colour: sent as a Fill, 4 bytes. */
  Fill: 1,
  /** Few colours: lossless palette (see palette.ts). */
  Lossless: 2,
  /** Many colours: JPEG. */
  Photo: 3,
} as const;
export type TileKind = (typeof TileKind)[keyof typeof TileKind];

/** Above this many distinct colours a tile counts as photographic. */
export const LOSSLESS_MAX_COLOURS = 256;

// An open-addressing set reused across calls, cleared by bumping a generation number
// instead of zeroing: classification runs on every changed tile of every frame.
const SLOTS = 1024; // > 2 * LOSSLESS_MAX_COLOURS keeps probes short
const keys = new Uint32Array(SLOTS);
const gens = new Uint32Array(SLOTS);
let gen = 0;

/**
 * Classifies the rect of a 32-bit-per-pixel screen (one u32 per pixel, stride in
 * pixels). Returns the kind, for Fill the pixel value, and the number of distinct colours
 * (counting stops past LOSSLESS_MAX_COLOURS).
 */
export function classifyTile(px: Uint32Array, stride: number, r: Rect): { kind: TileKind; pixel: number; colours: number } {
  gen = (gen + 1) >>> 0;
  if (gen === 0) {
    gens.fill(0);
    gen = 1;
  }
  const first = px[r.y * stride + r.x]!;
  let last = first;
  let distinct = 0;
  const insert = (p: number): boolean => {
    let h = Math.imul(p, 0x9e3779b1) >>> 22; // top 10 bits -> 0..1023
    for (;;) {
      if (gens[h] !== gen) {
        gens[h] = gen;
        keys[h] = p;
        return ++distinct <= LOSSLESS_MAX_COLOURS;
      }
      if (keys[h] === p) return true;
      h = (h + 1) & (SLOTS - 1);
    }
  };
  insert(first);
  for (let y = r.y; y < r.y + r.h; y++) {
    let i = y * stride + r.x;
    const end = i + r.w;
    for (; i < end; i++) {
      const p = px[i]!;
      // Runs of one colour are the common case in UI content: skip the set for them.
      if (p === last) continue;
      last = p;
      if (!insert(p)) return { kind: TileKind.Photo, pixel: 0, colours: distinct };
    }
  }
  return distinct === 1 ? { kind: TileKind.Fill, pixel: first, colours: 1 } : { kind: TileKind.Lossless, pixel: 0, colours: distinct };
}
