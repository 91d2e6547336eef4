// Finds content that moved in any direction inside a changed region: a window dragged
// across the screen, a map or picture panned sideways, a page scrolled diagonally. The
// vertical case (terminals, pages) has its own cheaper detector in scroll.ts; this one
// samples a few distinctive pixel runs of the new screen, looks each up in the old
// screen within a search window, and takes the displacement most samples agree on. The
// caller then verifies it pixel by pixel (moveBand), so a wrong guess costs only time.
import type { Rect } from "../../protocol/stream";

/** Rect [x, y, w, h] of the new screen equals the old screen's rect at (srcX, srcY). */
export type Move = Rect & { srcX: number; srcY: number };

export type MotionOptions = {
  /** Largest horizontal displacement looked for, in pixels. */
  maxDx?: number;
  /** Largest vertical displacement looked for, in pixels. */
  maxDy?: number;
  /** Sample rows spread over the region. */
  samples?: number;
  /**
   * Only displacements along one axis (dx = 0 or dy = 0): scrolls and pans, about a
   * hundred times cheaper to search than every (dx, dy).
   */
  axesOnly?: boolean;
  /** Smallest moved area worth a Copy, in pixels. */
  minArea?: number;
};

/** Pixels in a sample run: long enough to be distinctive in UI content, short enough to fit small windows. */
const RUN = 24;
/** Places one run may fit before it counts as ambiguous and is left out. */
const MAX_MATCHES = 32;

/**
 * The displacement (dx, dy) such that new(x, y) = old(x + dx, y + dy) for the largest
 * share of sampled runs, or null when no displacement wins a clear majority.
 */
export function guessDisplacement(prev: Uint32Array, cur: Uint32Array, stride: number, height: number, r: Rect, opts: MotionOptions = {}): { dx: number; dy: number } | null {
  // Wide: a picture panned fast moves hundreds of pixels between two updates.
  const maxDx = opts.maxDx ?? 512;
  const maxDy = opts.maxDy ?? 96;
  const samples = opts.samples ?? 24;
  if (r.w < RUN * 2 || r.h < 8) return null;
  const votes = new Map<number, number>();
  const matches: number[] = [];
  let voters = 0;
  for (let s = 0; s < samples; s++) {
    const y = r.y + Math.floor(((s + 0.5) * r.h) / samples);
    // Spread the runs across the width too: every sample starts its search somewhere else.
    const x = findRun(prev, cur, stride, y, r, Math.floor((((s * 7) % samples) * (r.w - RUN)) / samples));
    if (x < 0) continue;
    const a = y * stride + x;
    // Candidates are screened on the run's rarest pixel: on text that is a glyph's, not the
    // background's, which matches almost everywhere. The full run is compared either way, so
    // the matches are the same; the 2-D search over a terminal where nothing moved (what a
    // fast scroll looks like) went from 7.5 to 3.7 ms.
    const o = rarestOffset(cur, a);
    const anchor = cur[a + o]!;
    matches.length = 0;
    const y0 = Math.max(0, y - maxDy);
    const y1 = Math.min(height - 1, y + maxDy);
    const x0 = Math.max(0, x - maxDx);
    const x1 = Math.min(stride - RUN, x + maxDx);
    search: for (let sy = y0; sy <= y1; sy++) {
      const row = sy * stride;
      // Along the axes, the rows above and below hold one candidate each (dx = 0): compared
      // directly. A subarray and an indexOf call per row cost more than the pixel itself
      // (~4,600 of them per search).
      if (opts.axesOnly && sy !== y) {
        if (prev[row + x + o] !== anchor || !runMatches(cur, a, prev, row + x)) continue;
        matches.push((sy - y + 0x8000) * 0x10000 + 0x8000);
        if (matches.length > MAX_MATCHES) break search;
        continue;
      }
      // The screen on the anchor is the native indexOf over the row's window (no JS per pixel).
      const span = prev.subarray(row + x0 + o, row + x1 + o + 1);
      for (let i = span.indexOf(anchor); i >= 0; i = span.indexOf(anchor, i + 1)) {
        const sx = x0 + i;
        if (!runMatches(cur, a, prev, row + sx)) continue;
        matches.push((sy - y + 0x8000) * 0x10000 + (sx - x + 0x8000));
        // A run that matches everywhere (a pattern, an edge of a flat panel) says nothing.
        if (matches.length > MAX_MATCHES) break search;
      }
    }
    if (matches.length === 0 || matches.length > MAX_MATCHES) continue;
    voters++;
    // A run that fits several places splits its vote: distinctive runs decide.
    for (const key of matches) votes.set(key, (votes.get(key) ?? 0) + 1 / matches.length);
  }
  let best = 0;
  let bestKey = -1;
  for (const [k, n] of votes) {
    if (n > best) {
      best = n;
      bestKey = k;
    }
  }
  if (bestKey < 0 || best < 2 || best * 3 < voters) return null;
  const dx = (bestKey % 0x10000) - 0x8000;
  const dy = Math.floor(bestKey / 0x10000) - 0x8000;
  return dx === 0 && dy === 0 ? null : { dx, dy };
}

/** Whether the RUN pixels of `cur` at `a` equal those of `prev` at `b`. */
function runMatches(cur: Uint32Array, a: number, prev: Uint32Array, b: number): boolean {
  for (let k = 0; k < RUN; k++) if (cur[a + k] !== prev[b + k]) return false;
  return true;
}

/** The offset in the run at `a` of the first pixel of its least frequent colour. */
function rarestOffset(cur: Uint32Array, a: number): number {
  let best = 0;
  let bestCount = RUN + 1;
  for (let k = 0; k < RUN; k++) {
    const c = cur[a + k]!;
    let seenBefore = false;
    for (let j = 0; j < k && !seenBefore; j++) seenBefore = cur[a + j] === c;
    if (seenBefore) continue;
    let n = 1;
    for (let j = k + 1; j < RUN; j++) if (cur[a + j] === c) n++;
    if (n < bestCount) {
      best = k;
      bestCount = n;
      if (n === 1) break;
    }
  }
  return best;
}

/**
 * A run of RUN pixels on row y inside r, starting at or after `from`, that changed and is
 * not one flat colour (a flat run matches anywhere). -1 when the row has none.
 */
function findRun(prev: Uint32Array, cur: Uint32Array, stride: number, y: number, r: Rect, from: number): number {
  const end = r.x + r.w - RUN;
  for (let pass = 0; pass < 2; pass++) {
    const start = pass === 0 ? r.x + from : r.x;
    const stop = pass === 0 ? end : r.x + from;
    for (let x = start; x <= stop; x += RUN) {
      const i = y * stride + x;
      let distinct = false;
      let changed = false;
      for (let k = 0; k < RUN; k++) {
        if (cur[i + k] !== cur[i]) distinct = true;
        if (cur[i + k] !== prev[i + k]) changed = true;
      }
      if (distinct && changed) return x;
    }
  }
  return -1;
}

/**
 * The largest band of rows in r where new(x, y) = old(x + dx, y + dy) holds over one
 * common span of columns, as a Move; null if it covers less than minArea.
 */
export function moveBand(prev: Uint32Array, cur: Uint32Array, stride: number, height: number, r: Rect, d: { dx: number; dy: number }, opts: MotionOptions = {}): Move | null {
  const minArea = opts.minArea ?? 64 * 64;
  // Columns and rows of r whose source is on the screen.
  const cx0 = Math.max(r.x, -d.dx);
  const cx1 = Math.min(r.x + r.w, stride - d.dx);
  const cy0 = Math.max(r.y, -d.dy);
  const cy1 = Math.min(r.y + r.h, height - d.dy);
  if (cx1 - cx0 < 16 || cy1 - cy0 < 16) return null;
  const curBytes = bytesOf(cur);
  const prevBytes = bytesOf(prev);
  // A quick look at 32 spread rows first: a displacement that explains little of them (one
  // band of a video frame, a repeated pattern) is not worth a full pass over the region.
  let sampled = 0;
  const probes = Math.min(32, cy1 - cy0);
  for (let k = 0; k < probes; k++) {
    const y = cy0 + Math.floor(((k + 0.5) * (cy1 - cy0)) / probes);
    const row = y * stride;
    const src = (y + d.dy) * stride + d.dx;
    for (let x = cx0; x < cx1; x++) if (cur[row + x] === prev[src + x]) sampled++;
  }
  if (sampled * 4 < probes * (cx1 - cx0)) return null;
  let best: Move | null = null;
  let bandTop = -1;
  let lo = 0;
  let hi = 0;
  const consider = (top: number, bottom: number, a: number, b: number) => {
    const area = (bottom - top) * (b - a);
    if (area >= minArea && (!best || area > best.w * best.h)) best = { x: a, y: top, w: b - a, h: bottom - top, srcX: a + d.dx, srcY: top + d.dy };
  };
  for (let y = cy0; y <= cy1; y++) {
    // The longest matching span of this row (none past the last row).
    let a = 0;
    let b = 0;
    if (y < cy1) {
      const row = y * stride;
      const src = (y + d.dy) * stride + d.dx;
      // The common case (a pan, a scroll) matches the whole span: one native memcmp.
      if (curBytes.compare(prevBytes, (src + cx0) * 4, (src + cx1) * 4, (row + cx0) * 4, (row + cx1) * 4) === 0) {
        a = cx0;
        b = cx1;
      }
      let runStart = -1;
      for (let x = b > a ? cx1 + 1 : cx0; x <= cx1; x++) {
        const eq = x < cx1 && cur[row + x] === prev[src + x];
        if (eq && runStart < 0) runStart = x;
        else if (!eq && runStart >= 0) {
          if (x - runStart > b - a) [a, b] = [runStart, x];
          runStart = -1;
        }
      }
    }
    const nlo = Math.max(lo, a);
    const nhi = Math.min(hi, b);
    if (bandTop >= 0 && nhi - nlo >= 16) {
      lo = nlo;
      hi = nhi;
      continue;
    }
    // The band ends here: keep it if it is the best so far, start a new one on this row.
    if (bandTop >= 0) consider(bandTop, y, lo, hi);
    if (b - a >= 16) {
      bandTop = y;
      lo = a;
      hi = b;
    } else bandTop = -1;
  }
  return best;
}

/**
 * Applies a move to a screen buffer the way a viewer applies the Copy rect (as if the
 * source were read first), in place: rows are copied in the order that never reads a row
 * already overwritten, and copyWithin handles the overlap within a row.
 */
export function applyMove(px: Uint32Array, stride: number, m: Move): void {
  const down = m.y > m.srcY;
  for (let k = 0; k < m.h; k++) {
    const j = down ? m.h - 1 - k : k;
    const src = (m.srcY + j) * stride + m.srcX;
    px.copyWithin((m.y + j) * stride + m.x, src, src + m.w);
  }
}

/** The same memory as a Buffer, for native compares. */
export function bytesOf(px: Uint32Array): Buffer {
  return Buffer.from(px.buffer, px.byteOffset, px.byteLength);
}
