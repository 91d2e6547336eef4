// Damage accumulation on the tile grid, and merging tiles into rectangles.
import { describe, expect, it } from "vitest";
import { DamageGrid, mergeTiles, TILE, tileGrid } from "../../agent/encode/damage";

describe("damage grid", () => {
  it("turns rects into tile-aligned rects covering them, clipped to the screen", () => {
    const d = new DamageGrid(1000, 700);
    d.add({ x: 10, y: 10, w: 5, h: 5 });
    d.add({ x: 990, y: 690, w: 50, h: 50 }); // crosses the screen edge
    expect(d.take()).toEqual([
      { x: 0, y: 0, w: 64, h: 64 },
      { x: 960, y: 640, w: 40, h: 60 },
    ]);
    expect(d.isEmpty).toBe(true);
    expect(d.take()).toEqual([]);
  });

  it("merges neighbouring tiles into rows, then stacks equal rows", () => {
    const d = new DamageGrid(640, 480);
    d.add({ x: 70, y: 70, w: 120, h: 100 }); // tiles cols 1..2, rows 1..2
    expect(d.take()).toEqual([{ x: 64, y: 64, w: 128, h: 128 }]);
  });

  it("stays bounded however much damage arrives", () => {
    const d = new DamageGrid(1920, 1080);
    let s = 7;
    const rand = (n: number) => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) % n);
    for (let i = 0; i < 100_000; i++) d.add({ x: rand(1920), y: rand(1080), w: 1 + rand(30), h: 1 + rand(30) });
    const g = tileGrid(1920, 1080);
    expect(d.dirtyTiles).toBeLessThanOrEqual(g.cols * g.rows);
    const rects = d.take();
    // However many events: at most one rect per tile, and here (saturated) far fewer.
    expect(rects.length).toBeLessThanOrEqual(g.rows);
    for (const r of rects) expect(r.x % TILE === 0 && r.y % TILE === 0).toBe(true);
  });

  it("marks everything with addAll", () => {
    const d = new DamageGrid(1920, 1080);
    d.addAll();
    expect(d.take()).toEqual([{ x: 0, y: 0, w: 1920, h: 1080 }]);
  });

  it("respects size limits and labels when merging", () => {
    const g = tileGrid(64 * 10, 64 * 3);
    const labels = new Uint8Array(30).fill(1);
    labels[4] = 2; // a different kind breaks the first row's run
    const merged = mergeTiles(g, labels, { maxCols: 4, maxRows: 2 });
    for (const m of merged) expect(m.rect.w <= 4 * 64 && m.rect.h <= 2 * 64).toBe(true);
    // Every tile is covered exactly once.
    const covered = new Uint8Array(30);
    for (const m of merged)
      for (let r = m.rect.y / 64; r < (m.rect.y + m.rect.h) / 64; r++)
        for (let c = m.rect.x / 64; c < (m.rect.x + m.rect.w) / 64; c++) {
          covered[r * 10 + c]!++;
          expect(labels[r * 10 + c]).toBe(m.label);
        }
    expect([...covered].every((n) => n === 1)).toBe(true);
  });

  it("bounds a merged rect by its number of tiles, so a narrow strip stays one tall rect", () => {
    const g = tileGrid(64 * 30, 64 * 17);
    const strip = new Uint8Array(30 * 17);
    for (let r = 0; r < 17; r++) strip[r * 30 + 29] = 3; // the last column, top to bottom
    expect(mergeTiles(g, strip, { maxCols: 16, maxRows: 128, maxTiles: 128 }).map((m) => m.rect)).toEqual([{ x: 64 * 29, y: 0, w: 64, h: 64 * 17 }]);
    // Three columns wide, 8 tiles at most: two rows per rect.
    const wide = new Uint8Array(30 * 17);
    for (let r = 0; r < 6; r++) for (let c = 27; c < 30; c++) wide[r * 30 + c] = 3;
    const rects = mergeTiles(g, wide, { maxCols: 16, maxRows: 128, maxTiles: 8 }).map((m) => m.rect);
    expect(rects).toEqual([0, 2, 4].map((r) => ({ x: 64 * 27, y: 64 * r, w: 64 * 3, h: 128 })));
  });
});
