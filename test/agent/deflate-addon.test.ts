// The agent's deflate addon (agent/native/deflate): a raw deflate stream, sync-flushed per push,
// on the calling thread with the zlib inside Node. Checked against node:zlib's inflate.
import { constants, inflateRawSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { loadDeflater } from "../../agent/native/deflate";

const TRAILER = [0x00, 0x00, 0xff, 0xff];

describe.skipIf(process.platform !== "linux")("deflate addon", () => {
  it("is built; pushes end on a sync flush and inflate, in order, to what went in, back-references across pushes included", () => {
    const Deflater = loadDeflater();
    expect(Deflater).toBeTypeOf("function");
    const d = new Deflater!(6);
    const ins: Buffer[] = [];
    const outs: Buffer[] = [];
    const noise = Buffer.alloc(200_000);
    for (let i = 0; i < noise.length; i++) noise[i] = (i * 2654435761) >>> 24; // incompressible-ish: stored blocks
    const text = Buffer.from("0123456789abcdefghijklmnopqrstuvwxyz".repeat(4));
    for (const chunk of [text, text, noise, Buffer.alloc(0)]) {
      const out = d.push(chunk);
      // Nothing in after a flush is nothing out (as with node:zlib); the agent never pushes an empty section.
      if (chunk.byteLength === 0) expect(out.byteLength).toBe(0);
      else expect([...out.subarray(out.byteLength - 4)]).toEqual(TRAILER);
      ins.push(chunk);
      outs.push(out);
    }
    // The second push repeats the first: one back-reference into the first's bytes.
    expect(outs[1]!.byteLength).toBeLessThan(outs[0]!.byteLength / 3);
    expect(inflateRawSync(Buffer.concat(outs), { finishFlush: constants.Z_SYNC_FLUSH }).equals(Buffer.concat(ins))).toBe(true);
    d.close();
  });

  it("refuses a bad level, input that is not bytes, a closed stream and a foreign receiver with an error, not a crash", () => {
    const Deflater = loadDeflater()!;
    expect(() => new Deflater(10)).toThrow(RangeError);
    expect(() => new Deflater(-1)).toThrow(RangeError);
    const d = new Deflater(1);
    expect(() => d.push("text" as unknown as Uint8Array)).toThrow(TypeError);
    expect(() => d.push(new Uint16Array(4) as unknown as Uint8Array)).toThrow(TypeError);
    expect(() => d.push.call({} as never, new Uint8Array(4))).toThrow();
    expect(() => (Deflater as unknown as (level: number) => unknown)(6)).toThrow(TypeError); // without new
    expect(d.push(new Uint8Array(4)).byteLength).toBeGreaterThan(4); // still working
    d.close();
    d.close(); // twice is harmless
    expect(() => d.push(new Uint8Array(4))).toThrow(/closed/);
  });
});
