// Damage bookkeeping on a fixed grid of tiles. However many change events arrive
// while the window is full, the state is one byte per tile: memory stays flat and the
// number of rectangles handed to capture/encode is bounded by the grid size.
import type { Rect } from "../../protocol/stream";

/** Tile edge in pixels: big enough to keep per-image overhead low, small enough to skip unchanged areas. */
export const TILE = 64;

export type TileGrid = { cols: number; rows: number; tile: number; width: number; height: number };

export function tileGrid(width: number, height: number, tile = TILE): TileGrid {
  return { cols: Math.ceil(width / tile), rows: Math.ceil(height / tile), tile, width, height };
}

/** The pixel rectangle of tiles [c0, c1) x [r0, r1), clipped to the screen. */
export function tileRect(g: TileGrid, c0: number, r0: number, c1: number, r1: number): Rect {
  const x = c0 * g.tile;
  const y = r0 * g.tile;
  return { x, y, w: Math.min(c1 * g.tile, g.width) - x, h: Math.min(r1 * g.tile, g.height) - y };
}

/** Bounds of one merged rect, in tiles: columns, rows, and (optionally) columns x rows. */
export type MergeLimits = { maxCols: number; maxRows: number; maxTiles?: number };

/**
 * Turns a per-tile label map (0 = not included) into few rectangles: runs of equal
 * labels along each tile row, then runs with the same columns stacked down. `same`
 * lets labels that need more than a byte (a fill colour) refine equality.
 */
export function mergeTiles(
  g: TileGrid,
  labels: Uint8Array,
  limits: MergeLimits = { maxCols: Infinity, maxRows: Infinity },
  same: (a: number, b: number) => boolean = () => true,
): { rect: Rect; label: number; firstTile: number }[] {
  type Open = { c0: number; c1: number; r0: number; r1: number; label: number; first: number };
  const out: { rect: Rect; label: number; firstTile: number }[] = [];
  let open: Open[] = [];
  const close = (o: Open) => out.push({ rect: tileRect(g, o.c0, o.r0, o.c1, o.r1), label: o.label, firstTile: o.first });
  for (let r = 0; r < g.rows; r++) {
    const runs: Open[] = [];
    let c = 0;
    while (c < g.cols) {
      const i = r * g.cols + c;
      const label = labels[i]!;
      if (label === 0) {
        c++;
        continue;
      }
      let end = c + 1;
      while (end < g.cols && end - c < limits.maxCols && labels[r * g.cols + end] === label && same(i, r * g.cols + end)) end++;
      runs.push({ c0: c, c1: end, r0: r, r1: r + 1, label, first: i });
      c = end;
    }
    // Extend an open rectangle downwards when a run covers exactly its columns.
    const next: Open[] = [];
    for (const run of runs) {
      const k = open.findIndex(
        (o) =>
          o.c0 === run.c0 &&
          o.c1 === run.c1 &&
          o.label === run.label &&
          o.r1 - o.r0 < limits.maxRows &&
          (o.r1 - o.r0 + 1) * (o.c1 - o.c0) <= (limits.maxTiles ?? Infinity) &&
          same(o.first, run.first),
      );
      if (k >= 0) {
        const o = open[k]!;
        open.splice(k, 1);
        o.r1 = r + 1;
        next.push(o);
      } else {
        next.push(run);
      }
    }
    for (const o of open) close(o);
    open = next;
  }
  for (const o of open) close(o);
  return out;
}

/** Accumulates damage rectangles as dirty tiles until the sender takes them. */
export class DamageGrid {
  readonly grid: TileGrid;
  private readonly dirty: Uint8Array;
  private count = 0;

  constructor(width: number, height: number, tile = TILE) {
    this.grid = tileGrid(width, height, tile);
    this.dirty = new Uint8Array(this.grid.cols * this.grid.rows);
  }

  get isEmpty(): boolean {
    return this.count === 0;
  }

  /** Number of dirty tiles. */
  get dirtyTiles(): number {
    return this.count;
  }

  /** Marks every tile the rect touches; parts outside the screen are ignored. */
  add(r: Rect): void {
    const { tile, cols, rows, width, height } = this.grid;
    const x0 = Math.max(0, r.x);
    const y0 = Math.max(0, r.y);
    const x1 = Math.min(width, r.x + r.w);
    const y1 = Math.min(height, r.y + r.h);
    if (x1 <= x0 || y1 <= y0) return;
    const c1 = Math.min(cols, Math.ceil(x1 / tile));
    const r1 = Math.min(rows, Math.ceil(y1 / tile));
    for (let row = Math.floor(y0 / tile); row < r1; row++) {
      for (let c = Math.floor(x0 / tile); c < c1; c++) {
        const i = row * cols + c;
        if (this.dirty[i] === 0) {
          this.dirty[i] = 1;
          this.count++;
        }
      }
    }
  }

  addAll(): void {
    this.dirty.fill(1);
    this.count = this.dirty.length;
  }

  /** The dirty area as merged, tile-aligned rectangles; clears the grid. */
  take(limits?: MergeLimits): Rect[] {
    if (this.count === 0) return [];
    const rects = mergeTiles(this.grid, this.dirty, limits).map((m) => m.rect);
    this.dirty.fill(0);
    this.count = 0;
    return rects;
  }
}
