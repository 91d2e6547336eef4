// Finds a vertical scroll inside a changed region by comparing row hashes of the
// current screen with the screen the viewers already have. A terminal or a web page
// that scrolls then costs one Copy rect plus the newly exposed rows, not a re-encode.
import type { Rect } from "../../protocol/stream";

/** Rows [y, y+h) x [x, x+w) of the new screen equal rows [srcY, srcY+h) of the old one. */
export type VerticalMove = { x: number; y: number; w: number; h: number; srcY: number };

export type ScrollOptions = {
  /** Smallest band worth a Copy. */
  minRows?: number;
  /** Largest shift looked for, in rows. */
  maxShift?: number;
  /** What hashes rows that `known` does not hold; known hashes must come from the same. */
  rowHashes?: RowHasher;
};

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
/** The second lane's start, and what sets a uniform row's hash apart from its colour. */
const LANE2 = 0x9e3779b9;

/** A hash per row segment of a rect; uniform rows (one colour) flagged: they match any shift. */
export type RowHashes = { hash: Uint32Array; uniform: Uint8Array };

/** rowHashes below, or the row-hashes addon's (other values: one search uses one of them). */
export type RowHasher = (px: Uint32Array, stride: number, r: Rect) => RowHashes;

/**
 * Hash of each row segment of r: FNV-1a in two interleaved lanes (even and odd pixels), so
 * the multiplies of one lane overlap those of the other; a uniform row, found by a scan that
 * stops at its first other colour, is hashed by its colour alone. Equal segments get equal
 * hashes, which is all the callers rely on (every match is checked pixel by pixel): on a
 * 1920x1080 video frame this is ~4 -> ~2 ms per update against one FNV-1a lane with a
 * per-pixel colour check.
 */
export function rowHashes(px: Uint32Array, stride: number, r: Rect): RowHashes {
  const hash = new Uint32Array(r.h);
  const uniform = new Uint8Array(r.h);
  for (let j = 0; j < r.h; j++) {
    const start = (r.y + j) * stride + r.x;
    const end = start + r.w;
    const first = px[start]!;
    let k = start + 1;
    while (k < end && px[k] === first) k++;
    if (k === end) {
      uniform[j] = 1;
      hash[j] = Math.imul(first ^ LANE2, FNV_PRIME) >>> 0;
      continue;
    }
    let h0 = FNV_OFFSET;
    let h1 = LANE2;
    let i = start;
    for (const pairsEnd = end - (r.w & 1); i < pairsEnd; i += 2) {
      h0 = Math.imul(h0 ^ px[i]!, FNV_PRIME);
      h1 = Math.imul(h1 ^ px[i + 1]!, FNV_PRIME);
    }
    if (i < end) h0 = Math.imul(h0 ^ px[i]!, FNV_PRIME);
    hash[j] = (Math.imul(h0 ^ (h1 >>> 15), FNV_PRIME) ^ h1) >>> 0;
  }
  return { hash, uniform };
}

function rowsEqual(a: Uint32Array, b: Uint32Array, stride: number, x: number, w: number, ya: number, yb: number): boolean {
  const ia = ya * stride + x;
  const ib = yb * stride + x;
  for (let i = 0; i < w; i++) if (a[ia + i] !== b[ib + i]) return false;
  return true;
}

/**
 * Looks for one vertical move of content within r between prev (what viewers show)
 * and cur (the new capture). Both are full screens, one u32 per pixel, same stride.
 * `known` may hold the rows' hashes already (rowHashes over r). Hashes only pick the
 * candidate shift and band: every row of the band is compared pixel by pixel, so a stale
 * hash can cost a move but never make a wrong one.
 */
export function detectVerticalMove(
  prev: Uint32Array,
  cur: Uint32Array,
  stride: number,
  r: Rect,
  opts: ScrollOptions = {},
  known: { prev?: RowHashes; cur?: RowHashes } = {},
): VerticalMove | null {
  const minRows = opts.minRows ?? 16;
  const maxShift = Math.min(opts.maxShift ?? r.h - minRows, r.h - minRows);
  if (r.h < 2 * minRows || maxShift <= 0 || r.w < 16) return null;
  const hashRows = opts.rowHashes ?? rowHashes;
  const p = known.prev ?? hashRows(prev, stride, r);
  const c = known.cur ?? hashRows(cur, stride, r);

  // Where each distinctive old row sits; a few positions per hash are plenty.
  const where = new Map<number, number[]>();
  for (let j = 0; j < r.h; j++) {
    if (p.uniform[j]) continue;
    const list = where.get(p.hash[j]!);
    if (!list) where.set(p.hash[j]!, [j]);
    else if (list.length < 4) list.push(j);
  }
  // Every changed, distinctive new row votes for the shifts that would explain it.
  const votes = new Map<number, number>();
  for (let j = 0; j < r.h; j++) {
    if (c.uniform[j] || c.hash[j] === p.hash[j]) continue;
    for (const pj of where.get(c.hash[j]!) ?? []) {
      const s = pj - j;
      if (s !== 0 && Math.abs(s) <= maxShift) votes.set(s, (votes.get(s) ?? 0) + 1);
    }
  }
  let shift = 0;
  let best = 0;
  for (const [s, n] of votes) {
    if (n > best) {
      best = n;
      shift = s;
    }
  }
  if (best < minRows / 4) return null;

  // The longest band of rows that the shift explains exactly.
  let bandStart = 0;
  let bandLen = 0;
  let runStart = -1;
  const lo = Math.max(0, -shift);
  const hi = Math.min(r.h, r.h - shift);
  for (let j = lo; j <= hi; j++) {
    const match =
      j < hi && c.hash[j] === p.hash[j + shift] && rowsEqual(cur, prev, stride, r.x, r.w, r.y + j, r.y + j + shift);
    if (match && runStart < 0) runStart = j;
    if (!match && runStart >= 0) {
      if (j - runStart > bandLen) {
        bandStart = runStart;
        bandLen = j - runStart;
      }
      runStart = -1;
    }
  }
  if (bandLen < minRows) return null;
  return { x: r.x, y: r.y + bandStart, w: r.w, h: bandLen, srcY: r.y + bandStart + shift };
}
