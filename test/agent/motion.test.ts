// 2-D move detection: a panned picture and a dragged window become Copy rects, and the
// viewer's canvas still ends up exact (lossless content) after the rest is encoded.
import { describe, expect, it } from "vitest";
import { FrameEncoder } from "../../agent/encode/frame-encoder";
import { guessDisplacement, moveBand } from "../../agent/encode/motion";
import { FrameWriter } from "../../agent/stream/frame-writer";
import { Encoding, FrameFlags, type Rect } from "../../protocol/stream";
import { Canvas, firstDifference } from "./helpers/compose";
import { uiImage } from "./helpers/images";

const [W, H] = [800, 600];
const all: Rect = { x: 0, y: 0, w: W, h: H };
const px = (a: Uint8Array) => new Uint32Array(a.buffer, a.byteOffset, a.byteLength / 4);

/** The picture of `wide` seen through a W x H window at horizontal offset `at`. */
function panned(wide: Uint8Array, wideW: number, at: number): Uint8Array {
  const out = new Uint8Array(W * H * 4);
  for (let y = 0; y < H; y++) out.set(wide.subarray((y * wideW + at) * 4, (y * wideW + at + W) * 4), y * W * 4);
  return out;
}

/** A checkered background (like X's root weave) with a 300x200 "window" of UI content at (x, y). */
function desktop(win: Uint8Array, x: number, y: number): Uint8Array {
  const out = new Uint8Array(W * H * 4);
  const o32 = px(out);
  for (let j = 0; j < H; j++) for (let i = 0; i < W; i++) o32[j * W + i] = (i + j) % 2 ? 0xff303030 : 0xff909090;
  const w32 = px(win);
  for (let j = 0; j < 200; j++) o32.set(w32.subarray(j * 300, (j + 1) * 300), (y + j) * W + x);
  return out;
}

async function sendBoth(before: Uint8Array, after: Uint8Array) {
  const enc = new FrameEncoder(W, H);
  const writer = new FrameWriter();
  const canvas = new Canvas(W, H);
  enc.put(all, { width: W, height: H, data: before });
  await canvas.applyMessages(await writer.write({ seq: 1, flags: FrameFlags.full, width: W, height: H, rects: await enc.encode([all], true) }));
  enc.put(all, { width: W, height: H, data: after });
  const rects = await enc.encode([all]);
  const messages = await writer.write({ seq: 2, flags: 0, width: W, height: H, rects });
  await canvas.applyMessages(messages);
  writer.close();
  return { rects, canvas, bytes: messages.reduce((n, m) => n + m.byteLength, 0) };
}

describe("2-D move detection", () => {
  it("finds a horizontal pan and sends it as one Copy plus the new strip", async () => {
    const wide = uiImage(W + 200, H, 5);
    const before = panned(wide, W + 200, 40);
    const after = panned(wide, W + 200, 112); // content moved 72 px to the left
    expect(guessDisplacement(px(before), px(after), W, H, all)).toEqual({ dx: 72, dy: 0 });
    const { rects, canvas } = await sendBoth(before, after);
    expect(rects[0]).toMatchObject({ encoding: Encoding.Copy, x: 0, srcX: 72, w: W - 72 });
    expect(firstDifference(canvas.data, after)).toBe(-1);
    // Everything else sent is the strip the pan uncovered on the right.
    for (const r of rects.slice(1)) expect(r.x).toBeGreaterThanOrEqual(W - 72 - 64);
  });

  it("finds a window dragged diagonally, and the canvas ends exact", async () => {
    const win = uiImage(300, 200, 9);
    const before = desktop(win, 100, 200);
    const after = desktop(win, 160, 188);
    const d = guessDisplacement(px(before), px(after), W, H, all);
    expect(d).toEqual({ dx: -60, dy: 12 });
    const m = moveBand(px(before), px(after), W, H, all, d!);
    expect(m).not.toBeNull();
    // The window's new place is inside the copied band.
    expect(m!.x).toBeLessThanOrEqual(160);
    expect(m!.x + m!.w).toBeGreaterThanOrEqual(460);
    const { rects, canvas, bytes } = await sendBoth(before, after);
    expect(rects[0]!.encoding).toBe(Encoding.Copy);
    expect(firstDifference(canvas.data, after)).toBe(-1);
    // Without the move the window's 60,000 noisy pixels are re-encoded; with it, only the edges.
    const plain = new FrameEncoder(W, H, { detectScroll: false });
    plain.put(all, { width: W, height: H, data: before });
    await plain.encode([all], true);
    plain.put(all, { width: W, height: H, data: after });
    const plainBytes = (await new FrameWriter().write({ seq: 1, flags: 0, width: W, height: H, rects: await plain.encode([all]) })).reduce((n, m) => n + m.byteLength, 0);
    expect(bytes).toBeLessThan(plainBytes / 3);
  });

  it("finds text moved diagonally, though its runs start on the background colour", () => {
    // Two-colour glyphs on black, like a terminal's bitmap font: candidates are screened on a
    // run's rarest pixel (a glyph's), and the move must still be found.
    const term = (seed: number) => {
      const out = new Uint32Array(W * H).fill(0xff000000);
      let s = seed;
      const rnd = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) >>> 16) / 65536;
      for (let row = 0; row < 30; row++)
        for (let col = 0; col < 90; col++) {
          const g = Math.floor(rnd() * 1000);
          for (let y = 2; y < 14; y++)
            for (let x = 1; x < 7; x++) if ((g >> ((x + y) % 9)) & 1 && (x * 7 + y * 3 + g) % 5 < 2) out[(40 + row * 16 + y) * W + 20 + col * 8 + x] = 0xffd0d0d0;
        }
      return out;
    };
    const before = term(5);
    const after = new Uint32Array(W * H).fill(0xff000000);
    // Everything 13 px right and 7 px down: after(x, y) = before(x - 13, y - 7).
    for (let y = 7; y < H; y++) after.set(before.subarray((y - 7) * W, (y - 7) * W + W - 13), y * W + 13);
    expect(guessDisplacement(before, after, W, H, all, { maxDx: 192, maxDy: 64 })).toEqual({ dx: -13, dy: -7 });
    expect(guessDisplacement(before, term(6), W, H, all, { maxDx: 192, maxDy: 64 })).toBeNull();
  });

  it("finds nothing in content that changed without moving", () => {
    const before = uiImage(W, H, 1);
    const after = uiImage(W, H, 2);
    expect(guessDisplacement(px(before), px(after), W, H, all)).toBeNull();
  });
});
