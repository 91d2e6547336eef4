// The agent's row-hashes addon (agent/native/row-hashes): the vertical-move search's row hashes
// in C. What the hashes must do is checked for it and for JavaScript alike in scroll.test.ts;
// here: that it is built, and that bad calls throw instead of reading outside the pixels.
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { loadRowHasher } from "../../agent/native/row-hashes";

type RowHashes = (pixels: Uint32Array, stride: number, x: number, y: number, w: number, h: number, hash: Uint32Array, uniform: Uint8Array) => void;

describe.skipIf(process.platform !== "linux")("row-hashes addon", () => {
  it("is built and loads", () => {
    expect(loadRowHasher()).toBeTypeOf("function");
  });

  it("refuses arguments of the wrong kind, and rects or outputs that do not fit, with an error and nothing written", () => {
    const { rowHashes } = createRequire(import.meta.url)("../../agent/native/row-hashes/build/Release/row_hashes.node") as { rowHashes: RowHashes };
    const px = new Uint32Array(8 * 4).fill(7);
    const hash = new Uint32Array(4);
    const uniform = new Uint8Array(4);
    const call = (...args: unknown[]) => () => (rowHashes as (...a: unknown[]) => void)(...args);
    expect(call(new Uint8Array(32), 8, 0, 0, 8, 4, hash, uniform)).toThrow(TypeError);
    expect(call(px, 8, 0, 0, 8, 4, new Uint8Array(4), uniform)).toThrow(TypeError);
    expect(call(px, 8, 0, 0, 8, 4, hash, new Uint32Array(4))).toThrow(TypeError);
    expect(call(px, "8", 0, 0, 8, 4, hash, uniform)).toThrow(TypeError);
    expect(call(px, 8, 0.5, 0, 4, 4, hash, uniform)).toThrow(TypeError);
    expect(call(px, 8, 0, 0, 8)).toThrow(TypeError);
    // Past the right edge, past the last row, a negative corner, an empty rect, a stride of
    // 2^32 (which int32 would read as 0), outputs shorter than the rows.
    expect(call(px, 8, 1, 0, 8, 4, hash, uniform)).toThrow(RangeError);
    expect(call(px, 8, 0, 1, 8, 4, hash, uniform)).toThrow(RangeError);
    expect(call(px, 8, -1, 0, 4, 4, hash, uniform)).toThrow(RangeError);
    expect(call(px, 8, 0, 0, 0, 4, hash, uniform)).toThrow(RangeError);
    expect(call(px, 2 ** 32, 0, 0, 8, 1, hash, uniform)).toThrow(RangeError);
    // A y so large that (y + h) * stride wraps around 2^64 to 65534: inside a screen's pixels
    // (here 65,536 of them), while the rows it names are far outside.
    expect(call(new Uint32Array(65536), 65535, 0, 2 ** 48 + 2 ** 32 + 2 ** 16, 8, 2, hash, uniform)).toThrow(RangeError);
    expect(call(px, 8, 0, 0, 8, 4, new Uint32Array(3), uniform)).toThrow(RangeError);
    expect(call(px, 8, 0, 0, 8, 4, hash, new Uint8Array(3))).toThrow(RangeError);
    expect([...hash, ...uniform].every((v) => v === 0)).toBe(true);
    // And a good call over the same pixels: four equal uniform rows.
    rowHashes(px, 8, 0, 0, 8, 4, hash, uniform);
    expect([...uniform]).toEqual([1, 1, 1, 1]);
    expect(new Set(hash).size).toBe(1);
  });
});
