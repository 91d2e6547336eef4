// Copy/scroll detection on a synthetic scrolled terminal.
import { describe, expect, it } from "vitest";
import { FrameWriter } from "../../agent/stream/frame-writer";
import { Encoding, FrameFlags } from "../../protocol/stream";
import { FrameEncoder } from "../../agent/encode/frame-encoder";
import { detectVerticalMove, rowHashes, type RowHasher } from "../../agent/encode/scroll";
import { loadRowHasher } from "../../agent/native/row-hashes";
import { Canvas, firstDifference } from "./helpers/compose";
import { terminalImage } from "./helpers/images";

const [W, H] = [640, 480];
const px = (a: Uint8Array) => new Uint32Array(a.buffer, a.byteOffset, a.byteLength / 4);
// The row-hashes addon (agent/native/row-hashes) is built on Linux (test/agent/row-hashes-addon.test.ts
// checks that); elsewhere its cases are skipped. Its hash values differ from JavaScript's, so
// each case uses one hasher throughout, as the encoder does.
const native = loadRowHasher();
const hashers: { name: string; hash: RowHasher | undefined }[] = [
  { name: "JavaScript", hash: rowHashes },
  { name: "addon", hash: native },
];

describe("scroll detection", () => {
  it("finds a vertical scroll by whole text lines", () => {
    const before = terminalImage(W, H, 0);
    const after = terminalImage(W, H, 3); // scrolled up by three 13-px lines
    const m = detectVerticalMove(px(before), px(after), W, { x: 0, y: 0, w: W, h: H });
    expect(m).not.toBeNull();
    expect(m!.srcY - m!.y).toBe(39);
    expect(m!.h).toBeGreaterThanOrEqual(H - 39 - 13);
  });

  it.each(hashers)("takes known row hashes as given, and a stale one never makes a wrong move ($name)", ({ hash }) => {
    if (!hash) return expect(process.platform).not.toBe("linux");
    // The encoder hands over the last capture's hashes as the shadow's: the same move comes
    // out as when they are computed here. Hashes of another picture (here: the text two lines
    // further on) vote for a shift the pixels refute: no move rather than a wrong one.
    const before = px(terminalImage(W, H, 0));
    const after = px(terminalImage(W, H, 3));
    const all = { x: 0, y: 0, w: W, h: H };
    const fresh = detectVerticalMove(before, after, W, all);
    expect(fresh).not.toBeNull();
    const opts = { rowHashes: hash };
    expect(detectVerticalMove(before, after, W, all, opts)).toEqual(fresh);
    expect(detectVerticalMove(before, after, W, all, opts, { prev: hash(before, W, all), cur: hash(after, W, all) })).toEqual(fresh);
    expect(detectVerticalMove(before, after, W, all, opts, { prev: hash(px(terminalImage(W, H, 5)), W, all) })).toBeNull();
  });

  it.each(hashers)("hashes equal row segments alike, tells each pixel apart and flags exactly the one-colour rows ($name)", ({ hash: rowHashes }) => {
    if (!rowHashes) return expect(process.platform).not.toBe("linux");
    // Rows of a 19-px-wide rect at x=1 (the addon hashes blocks of 8 pixels, then one at a
    // time; JavaScript takes pairs, and 19 leaves one unpaired): the same segment in other rows
    // and other columns, each one-pixel change of it, uniform rows of two colours, and rows
    // uniform but for their first or last pixel.
    const w = 19;
    const stride = w + 2;
    const base = Array.from({ length: w }, (_, k) => 5 + k);
    const flat = (c: number) => new Array<number>(w).fill(c);
    const changed = base.map((_, i) => base.map((v, k) => (k === i ? v + 100 : v)));
    const segments: number[][] = [base, base, ...changed, flat(3), flat(4), flat(3), [2, ...flat(3).slice(1)], [...flat(3).slice(1), 2]];
    const screen = new Uint32Array(stride * segments.length).fill(0xdead);
    segments.forEach((seg, y) => screen.set(seg, y * stride + 1));
    const { hash, uniform } = rowHashes(screen, stride, { x: 1, y: 0, w, h: segments.length });
    expect(hash[1]).toBe(hash[0]);
    // Each single-pixel change, every place in a block and in the tail, moves the hash.
    expect(new Set([hash[0], ...hash.slice(2, 2 + w)]).size).toBe(w + 1);
    const u = 2 + w; // the first uniform row
    expect([...uniform]).toEqual([...new Array<number>(u).fill(0), 1, 1, 1, 0, 0]);
    expect(hash[u + 2]).toBe(hash[u]);
    expect(new Set([hash[u], hash[u + 1], hash[u + 3], hash[u + 4]]).size).toBe(4);
    // The same segment elsewhere on the screen hashes the same (only the pixels count).
    const moved = new Uint32Array(stride * 2);
    moved.set(base, stride + 2);
    expect(rowHashes(moved, stride, { x: 2, y: 1, w, h: 1 }).hash[0]).toBe(hash[0]);
  });

  it("finds nothing when content changed without moving", () => {
    const before = terminalImage(W, H, 0);
    const after = terminalImage(W, H, 1000);
    expect(detectVerticalMove(px(before), px(after), W, { x: 0, y: 0, w: W, h: H })).toBeNull();
  });

  it.each([true, false])("sends a scroll as a Copy plus the exposed rows, and the viewer ends up exact (addon: %s)", async (nativeRowHashes) => {
    if (nativeRowHashes && !native) return expect(process.platform).not.toBe("linux");
    const enc = new FrameEncoder(W, H, { nativeRowHashes });
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
