// The part of the screen a session shows (F6.2), apart from any X server.
import { describe, expect, it } from "vitest";
import { DamageGrid } from "../../agent/encode/damage";
import { ScreenView } from "../../agent/stream/screen-view";
import type { Rect } from "../../protocol/stream";

const A = { x: 0, y: 0, w: 1920, h: 1080 };
const B = { x: 1920, y: 0, w: 1280, h: 1024 };

describe("the screen view", () => {
  it("shows the whole screen until a monitor is picked, then that monitor", () => {
    const view = new ScreenView(3200, 1080);
    view.relayout([A, B]);
    expect(view.place(3200, 1080)).toEqual({ x: 0, y: 0, w: 3200, h: 1080 });
    expect(view.isWholeScreen(3200, 1080)).toBe(true);
    expect(view.pick(1)).toBe(true);
    expect(view.pick(1)).toBe(false);
    expect(view.place(3200, 1080)).toEqual(B);
    expect(view.isWholeScreen(3200, 1080)).toBe(false);
    expect(view.monitors).toEqual({ monitors: [A, B], shown: 1 });
    // An index the viewer cannot have seen: nothing changes.
    expect(view.pick(2)).toBe(false);
    expect(view.pick(null)).toBe(true);
    expect(view.place(3200, 1080)).toEqual({ x: 0, y: 0, w: 3200, h: 1080 });
  });

  it("keeps the monitor shown through a new layout where it still is, and gives it up where it is gone", () => {
    const view = new ScreenView(3200, 1080);
    view.relayout([A, B]);
    view.pick(1);
    // A monitor added on the left: B is now the third.
    const left = { x: 0, y: 0, w: 800, h: 600 };
    const moved = { ...A, x: 800 };
    view.relayout([left, moved, { ...B, x: 2720 }, B]);
    expect(view.monitors.shown).toBe(3);
    view.relayout([A]);
    expect(view.monitors.shown).toBeNull();
  });

  it("turns screen damage into the view's coordinates, which the view-sized damage grid then clips", () => {
    const view = new ScreenView(3200, 1080);
    view.relayout([A, B]);
    view.pick(1);
    view.place(3200, 1080);
    const got: unknown[] = [];
    view.toView(
      [
        { x: 10, y: 10, w: 100, h: 100 },
        { x: 1900, y: 50, w: 40, h: 20 },
        { x: 2000, y: 1000, w: 50, h: 50 },
      ],
      (r) => got.push(r),
    );
    expect(got).toEqual([
      { x: -1910, y: 10, w: 100, h: 100 },
      { x: -20, y: 50, w: 40, h: 20 },
      { x: 80, y: 1000, w: 50, h: 50 },
    ]);
    // Through the session's grid (the monitor's size): only the parts on the monitor are dirty.
    const grid = new DamageGrid(1280, 1024);
    for (const r of got as Rect[]) grid.add(r);
    const dirty = grid.take();
    expect(dirty.every((t) => t.x >= 0 && t.y >= 0 && t.x + t.w <= 1280 && t.y + t.h <= 1024)).toBe(true);
    expect(dirty.some((t) => t.x === 0 && t.y <= 50 && t.y + t.h >= 70)).toBe(true);
    expect(dirty.some((t) => t.x <= 80 && t.x + t.w >= 130 && t.y + t.h === 1024)).toBe(true);
    // The whole screen shown: the same rects, untouched.
    const whole = new ScreenView(3200, 1080);
    const same: unknown[] = [];
    const r = { x: 5, y: 6, w: 7, h: 8 };
    whole.toView([r], (x) => same.push(x));
    expect(same[0]).toBe(r);
  });
});
