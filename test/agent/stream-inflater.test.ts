// The viewer's inflater (protocol/stream-inflater.ts) against Node's zlib: one deflate stream,
// sync-flushed per section, read section by section through both of its paths (one-shot for
// small sections, sliced for large ones), and deflate bombs refused on both.
import { constants, createDeflateRaw, deflateRawSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { FAST_INPUT_MAX, StreamInflater } from "../../protocol/stream-inflater";
import { ProtocolError } from "../../protocol/stream";

const CAP = 1024 * 1024 + 64;

/** Deflates each section on one raw stream with a sync flush after it, trailer stripped (as the agent writes). */
async function deflateSections(sections: Uint8Array[]): Promise<Uint8Array[]> {
  const z = createDeflateRaw({ level: 6 });
  const out: Uint8Array[] = [];
  for (const s of sections) {
    const chunks: Buffer[] = [];
    const onData = (c: Buffer) => chunks.push(c);
    z.on("data", onData);
    z.write(s);
    await new Promise<void>((done) => z.flush(constants.Z_SYNC_FLUSH, () => done()));
    z.off("data", onData);
    const all = Buffer.concat(chunks);
    expect([...all.subarray(all.length - 4)]).toEqual([0, 0, 0xff, 0xff]);
    out.push(new Uint8Array(all.subarray(0, all.length - 4)));
  }
  z.close();
  return out;
}

/** Text-like bytes: words from a small vocabulary, so sections compress and refer back to each other. */
function textish(n: number, seed: number): Uint8Array {
  const words = ["window", "edge", "desk", "frame", "pixel", "relay", "agent", "viewer", "tile", "screen"];
  const out = new Uint8Array(n);
  let s = seed;
  for (let i = 0; i < n; ) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    const w = `${words[(s >>> 8) % words.length]}${(s >>> 20) % 7} `;
    for (let k = 0; k < w.length && i < n; k++) out[i++] = w.charCodeAt(k);
  }
  return out;
}

describe("the viewer's stream inflater", () => {
  it("reads one stream exactly across small and large sections, back-references between them included", async () => {
    // Sizes around the switch between the two paths, and repeats of earlier sections (whose
    // back-references reach into the output of the section before, small or large).
    const a = textish(300, 1);
    const big = textish(400_000, 2);
    const noisy = Uint8Array.from({ length: 60_000 }, (_, i) => (Math.imul(i, 2654435761) >>> 13) & 0xff);
    const sections = [a, big, a, textish(5000, 3), big.subarray(big.length - 30_000), noisy, a, noisy.subarray(0, 20_000), big];
    const deflated = await deflateSections(sections);
    // Both paths are taken.
    expect(deflated.some((d) => d.byteLength <= FAST_INPUT_MAX)).toBe(true);
    expect(deflated.some((d) => d.byteLength > FAST_INPUT_MAX)).toBe(true);
    const inflater = new StreamInflater(CAP);
    deflated.forEach((d, i) => expect(inflater.push(d), `section ${i}`).toEqual(sections[i]));
  });

  it.each([
    ["a small section (one-shot)", 8 * 1024 * 1024],
    ["a large section (sliced)", 256 * 1024 * 1024],
  ])("refuses a deflate bomb in %s", (_, size) => {
    // Zeros deflate ~1030:1: 8 MiB in ~8 KiB, 256 MiB in ~250 KiB, against a 1 MiB cap.
    const bomb = deflateRawSync(new Uint8Array(size), { level: 9, finishFlush: constants.Z_SYNC_FLUSH });
    const section = new Uint8Array(bomb.subarray(0, bomb.length - 4));
    expect(section.byteLength <= FAST_INPUT_MAX).toBe(size < 16 * 1024 * 1024);
    expect(() => new StreamInflater(CAP).push(section)).toThrow(ProtocolError);
  });

  it("refuses a section that is not deflate, on both paths", () => {
    for (const n of [40, FAST_INPUT_MAX + 100]) {
      const junk = new Uint8Array(n).fill(0xff);
      expect(() => new StreamInflater(CAP).push(junk)).toThrow(ProtocolError);
    }
  });
});
