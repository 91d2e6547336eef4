// The --virtual desktop: typed keys, the pointer and the clock change pixels and report
// exactly the damaged areas.
import { afterEach, describe, expect, it } from "vitest";
import type { Rect } from "../../protocol/stream";
import { VirtualSource } from "../../agent/screen/virtual-source";
import { firstDifference } from "./helpers/compose";

const sources: VirtualSource[] = [];
afterEach(async () => {
  for (const s of sources.splice(0)) await s.close();
});

function open(): VirtualSource {
  const s = new VirtualSource();
  sources.push(s);
  return s;
}

const FIELD = { x: 40, y: 130, w: 1200, h: 40 };

describe("virtual source", () => {
  it("shows typed keys in the text field and reports that area", async () => {
    const s = open();
    const damage: Rect[] = [];
    s.onDamage((rects) => damage.push(...rects));
    const before = await s.capture(FIELD);
    for (const ch of "Hello") {
      s.key(ch.charCodeAt(0), true);
      s.key(ch.charCodeAt(0), false);
    }
    const after = await s.capture(FIELD);
    expect(s.typedText).toBe("Hello");
    expect(firstDifference(before.data, after.data)).not.toBe(-1);
    expect(damage).toContainEqual(FIELD);
    // BackSpace removes the last character again.
    s.key(0xff08, true);
    expect(s.typedText).toBe("Hell");
  });

  it("draws the pointer where the mouse is and damages old and new places", async () => {
    const s = open();
    const damage: Rect[] = [];
    s.onDamage((rects) => damage.push(...rects));
    s.pointer(600, 400, 0);
    const at = await s.capture({ x: 600, y: 400, w: 1, h: 1 });
    expect([...at.data]).toEqual([0, 0, 0, 255]); // the arrow's outline tip
    expect(damage).toContainEqual({ x: 600, y: 400, w: 11, h: 17 });
    s.pointer(10, 10, 0);
    const gone = await s.capture({ x: 600, y: 400, w: 1, h: 1 });
    expect([...gone.data]).not.toEqual([0, 0, 0, 255]);
  });

  it("ticks the clock every second, damaging only the clock", async () => {
    const s = open();
    const damage: Rect[][] = [];
    s.onDamage((rects) => damage.push([...rects]));
    await new Promise((r) => setTimeout(r, 1100));
    expect(damage.length).toBeGreaterThanOrEqual(1);
    for (const rects of damage) {
      for (const r of rects) expect(r.y + r.h).toBeLessThanOrEqual(72); // the top bar
    }
  });
});
