// Copy/scroll detection on a synthetic scrolled terminal.
import { describe, expect, it } from "vitest";
import { FrameWriter } from "../../agent/stream/frame-writer";
import { Encoding, FrameFlags } from "../../protocol/stream";
import { FrameEncoder } from "../../agent/encode/frame-encoder";
import { detectVerticalMove } from "../../agent/encode/scroll";
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
  });
});
