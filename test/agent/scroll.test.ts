// Copy/scroll detection on a synthetic scrolled terminal.
import { describe, expect, it } from "vitest";
import { FrameWriter } from "../../agent/stream/frame-writer";
import { Encoding, FrameFlags } from "../../protocol/stream";
import { FrameEncoder } from "../../agent/encode/frame-encoder";
import { detectVerticalMove, rowHashes } from "../../agent/encode/scroll";
import { Canvas, firstDifference } from "./helpers/compose";
import { terminalImage } from "./helpers/images";

const [W, H] = [640, 480];
const px = (a: Uint8Array) => new Uint32Array(a.buffer, a.byteOffset, a.byteLength / 4);

describe("scroll detection", () => {
  it("finds a vertical scroll by whole text lines", () => {
    const before = terminalImage(W, H, 0);
    const after = terminalImage(W, H, 3); // scrolled up by three 13-px lines
    const m = detectVerticalMove(px(before), px(after), W, { x: 0, y: 0, w: W, h: H });
    expect(m).not.toBeNull();
    expect(m!.srcY - m!.y).toBe(39);
    expect(m!.h).toBeGreaterThanOrEqual(H - 39 - 13);
  });

  it("takes known row hashes as given, and a stale one never makes a wrong move", () => {
    // The encoder hands over the last capture's hashes as the shadow's: the same move comes
    // out as when they are computed here. Hashes of another picture (here: the text two lines
    // further on) vote for a shift the pixels refute: no move rather than a wrong one.
    const before = px(terminalImage(W, H, 0));
    const after = px(terminalImage(W, H, 3));
    const all = { x: 0, y: 0, w: W, h: H };
    const fresh = detectVerticalMove(before, after, W, all);
    expect(fresh).not.toBeNull();
    expect(detectVerticalMove(before, after, W, all, {}, { prev: rowHashes(before, W, all), cur: rowHashes(after, W, all) })).toEqual(fresh);
    expect(detectVerticalMove(before, after, W, all, {}, { prev: rowHashes(px(terminalImage(W, H, 5)), W, all) })).toBeNull();
  });

  it("hashes equal row segments alike, tells each pixel apart and flags exactly the one-colour rows", () => {
    // Rows of a 7-px-wide rect at x=1 (odd width: the last pixel has no pair): the same
    // segment in other rows and other columns, each one-pixel change of it, uniform rows of two
    // colours, and rows uniform but for their first or last pixel.
    const stride = 9;
    const base = [5, 6, 7, 8, 9, 10, 11];
    const segments: number[][] = [base, base, ...base.map((_, i) => base.map((v, k) => (k === i ? v + 100 : v))), [3, 3, 3, 3, 3, 3, 3], [4, 4, 4, 4, 4, 4, 4], [3, 3, 3, 3, 3, 3, 3], [2, 3, 3, 3, 3, 3, 3], [3, 3, 3, 3, 3, 3, 2]];
    const screen = new Uint32Array(stride * segments.length).fill(0xdead);
    segments.forEach((seg, y) => screen.set(seg, y * stride + 1));
    const { hash, uniform } = rowHashes(screen, stride, { x: 1, y: 0, w: 7, h: segments.length });
    expect(hash[1]).toBe(hash[0]);
    // Each single-pixel change, even and odd places and the unpaired last one, moves the hash.
    expect(new Set([hash[0], ...hash.slice(2, 9)]).size).toBe(8);
    expect([...uniform]).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 0, 0]);
    expect(hash[11]).toBe(hash[9]);
    expect(new Set([hash[9], hash[10], hash[12], hash[13]]).size).toBe(4);
    // The same segment elsewhere on the screen hashes the same (only the pixels count).
    const moved = new Uint32Array(stride * 2);
    moved.set(base, stride + 2);
    expect(rowHashes(moved, stride, { x: 2, y: 1, w: 7, h: 1 }).hash[0]).toBe(hash[0]);
  });

  it("finds nothing when content changed without moving", () => {
    const before = terminalImage(W, H, 0);
    const after = terminalImage(W, H, 1000);
    expect(detectVerticalMove(px(before), px(after), W, { x: 0, y: 0, w: W, h: H })).toBeNull();
  });

  it("sends a scroll as a Copy plus the exposed rows, and the viewer ends up exact", async () => {
    const enc = new FrameEncoder(W, H);
    const canvas = new Canvas(W, H);
    const first = terminalImage(W, H, 0);
    enc.put({ x: 0, y: 0, w: W, h: H }, { width: W, height: H, data: first });
    const full = await enc.encode([{ x: 0, y: 0, w: W, h: H }], true);
    // A fresh writer for the full frame, as a new viewer would get: its bytes carry no history.
    const firstMessages = await new FrameWriter().write({ seq: 1, flags: FrameFlags.full, width: W, height: H, rects: full });
    await canvas.applyMessages(firstMessages);
    const fullBytes = firstMessages.reduce((n, m) => n + m.byteLength, 0);

    const scrolled = terminalImage(W, H, 3);
    enc.put({ x: 0, y: 0, w: W, h: H }, { width: W, height: H, data: scrolled });
    const rects = await enc.encode([{ x: 0, y: 0, w: W, h: H }]);
    expect(rects[0]!.encoding).toBe(Encoding.Copy);
    // Its own stream (reset): the scroll's bytes are counted without the key frame's dictionary.
    const messages = await new FrameWriter().write({ seq: 2, flags: 0, width: W, height: H, rects });
    await canvas.applyMessages(messages);
    expect(firstDifference(canvas.data, scrolled)).toBe(-1);
    // Only the bottom band is re-encoded: far fewer bytes than the screen.
    const bytes = messages.reduce((n, m) => n + m.byteLength, 0);
    expect(bytes).toBeLessThan(fullBytes / 4);

    // Scrolling on: the search now starts from the hashes the last one took of the screen.
    const writer = new FrameWriter();
    for (const [seq, lines] of [[3, 5], [4, 9]] as const) {
      const next = terminalImage(W, H, lines);
      enc.put({ x: 0, y: 0, w: W, h: H }, { width: W, height: H, data: next });
      const more = await enc.encode([{ x: 0, y: 0, w: W, h: H }]);
      expect(more[0]).toMatchObject({ encoding: Encoding.Copy });
      await canvas.applyMessages(await writer.write({ seq, flags: 0, width: W, height: H, rects: more }));
      expect(firstDifference(canvas.data, next)).toBe(-1);
    }
  });
});
