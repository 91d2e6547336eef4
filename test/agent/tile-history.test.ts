// The encoder's per-tile memory: streaks of change, JPEG stand-ins and their debt, which a
// move carries along with the pixels it copies, and when a stand-in is due for its refresh.
import { describe, expect, it } from "vitest";
import { tileGrid } from "../../agent/encode/damage";
import { TileHistory } from "../../agent/encode/tile-history";

const grid = tileGrid(64 * 4, 64 * 3);
const at = (c: number, r: number) => r * grid.cols + c;

describe("tile history", () => {
  it("counts the updates in a row in which a tile changed, one update without a change not breaking the run", () => {
    const h = new TileHistory(grid);
    const streaks: number[] = [];
    for (const changes of [true, true, true, false, true, false, false, true, true]) {
      h.begin();
      if (changes) streaks.push(h.changed(at(1, 1), 0));
    }
    expect(streaks).toEqual([1, 2, 3, 4, 1, 2]);
  });

  it("moves a stand-in's debt with the pixels a Copy takes from it, and only those", () => {
    const h = new TileHistory(grid);
    h.sent(at(0, 0), true, true);
    expect(h.owesAny).toBe(true);
    // The top-left tile copied one tile to the right and half a tile down: it lands on (1,0) and (1,1).
    h.moved({ x: 64, y: 32, w: 64, h: 64, srcX: 0, srcY: 0 }, 0);
    expect([at(0, 0), at(1, 0), at(1, 1)].map((i) => h.owesRefresh(i))).toEqual([true, true, true]);
    expect([at(2, 0), at(0, 1), at(2, 2)].map((i) => h.owesRefresh(i))).toEqual([false, false, false]);
    // A clean source leaves its destination as it was.
    h.moved({ x: 192, y: 128, w: 64, h: 64, srcX: 128, srcY: 128 }, 0);
    expect(h.owesRefresh(at(3, 2))).toBe(false);
  });

  it("is due for a refresh only once the tile has held still, and settles when sent whole", () => {
    const h = new TileHistory(grid);
    h.begin();
    h.changed(at(2, 1), 1_000);
    h.sent(at(2, 1), true, true);
    expect(h.quietStandIns(1_200, 300)).toEqual([]);
    expect(h.quietStandIns(1_300, 300)).toEqual([{ x: 128, y: 64, w: 64, h: 64 }]);
    // Sent again losslessly but trimmed to a part of the tile: still owed.
    h.sent(at(2, 1), false, false);
    expect(h.owesRefresh(at(2, 1))).toBe(true);
    h.sent(at(2, 1), false, true);
    expect(h.owesAny).toBe(false);
  });

  it("remembers a half-size stand-in until the whole tile is sent at full size, and moves that with a Copy", () => {
    const h = new TileHistory(grid);
    h.sent(at(0, 0), true, true, true, true);
    h.sent(at(3, 0), true, true, true, false);
    expect([h.wasHalf(at(0, 0)), h.wasHalf(at(3, 0))]).toEqual([true, false]);
    // Copied one tile down: the destination holds half-size pixels too; a full-size source gives none.
    h.moved({ x: 0, y: 64, w: 64, h: 64, srcX: 0, srcY: 0 }, 0);
    h.moved({ x: 192, y: 64, w: 64, h: 64, srcX: 192, srcY: 0 }, 0);
    expect([h.wasHalf(at(0, 1)), h.owesRefresh(at(0, 1)), h.wasHalf(at(3, 1)), h.owesRefresh(at(3, 1))]).toEqual([true, true, false, true]);
    // A part of the tile sent again at full size leaves the rest at half size.
    h.sent(at(0, 0), false, false, true);
    expect(h.wasHalf(at(0, 0))).toBe(true);
    h.sent(at(0, 0), false, true, true);
    expect([h.wasHalf(at(0, 0)), h.owesRefresh(at(0, 0))]).toEqual([false, false]);
  });
});
