// Decides how a tile travels. Text and flat UI have few distinct colours and must stay
// sharp (a palette, deflated in the stream's context); photos and gradients-with-noise have many and compress far better as JPEG.
import type { Rect } from "../../protocol/stream";
import { ColourSet } from "./colour-set";

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

/** Reused for every tile; one more than the lossless limit, so "full" means photographic. */
const seen = new ColourSet(LOSSLESS_MAX_COLOURS + 1);

/**
 * Classifies the rect of a 32-bit-per-pixel screen (one u32 per pixel, stride in
 * pixels). Returns the kind, for Fill the pixel value, and the number of distinct colours
 * (counting stops past LOSSLESS_MAX_COLOURS).
 */
export function classifyTile(px: Uint32Array, stride: number, r: Rect): { kind: TileKind; pixel: number; colours: number } {
  seen.clear();
  const first = px[r.y * stride + r.x]!;
  let last = first;
  seen.add(first);
  for (let y = r.y; y < r.y + r.h; y++) {
    let i = y * stride + r.x;
    const end = i + r.w;
    for (; i < end; i++) {
      const p = px[i]!;
      // Runs of one colour are the common case in UI content: skip the set for them.
      if (p === last) continue;
      last = p;
      seen.add(p);
      if (seen.size > LOSSLESS_MAX_COLOURS) return { kind: TileKind.Photo, pixel: 0, colours: seen.size };
    }
  }
  return seen.size === 1 ? { kind: TileKind.Fill, pixel: first, colours: 1 } : { kind: TileKind.Lossless, pixel: 0, colours: seen.size };
}
