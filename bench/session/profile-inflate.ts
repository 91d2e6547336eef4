// What the viewer's inflater (protocol/stream-inflater.ts) costs, in Node (V8, as in Chromium):
// a deflate bomb (1 MiB of input that inflates to ~1 GiB) through fflate's one-shot inflateSync
// into the viewer's fixed buffer (the path every section took before decision 45) against the
// viewer's StreamInflater, and 1 MiB of text-like output, one shot against the sliced path.
// Alternating, several rounds; prints each. Run: npx tsx bench/session/profile-inflate.ts
import { constants, deflateRawSync } from "node:zlib";
import { inflateSync } from "fflate";
import { StreamInflater } from "../../protocol/stream-inflater";

const CAP = 1024 * 1024 + 64;
const END = new Uint8Array([0, 0, 0xff, 0xff, 3, 0]);

/** A sync-flushed raw deflate section, trailer stripped (as the agent sends it), and the one-shot path's input. */
function section(data: Uint8Array): { section: Uint8Array; oneShotInput: Uint8Array } {
  const z = deflateRawSync(data, { level: 9, finishFlush: constants.Z_SYNC_FLUSH });
  const s = new Uint8Array(z.subarray(0, z.length - 4));
  const input = new Uint8Array(s.byteLength + END.byteLength);
  input.set(s);
  input.set(END, s.byteLength);
  return { section: s, oneShotInput: input };
}

function time(f: () => void): number {
  const t = performance.now();
  try {
    f();
  } catch {
    // a bomb is refused: the time until then is the figure
  }
  return performance.now() - t;
}

const out = new Uint8Array(CAP + 1);
const bomb = section(new Uint8Array(1000 * 1024 * 1024));
console.log(`bomb: ${bomb.section.byteLength} bytes in`);
for (let r = 0; r < 3; r++) {
  const oneShot = time(() => inflateSync(bomb.oneShotInput, { out }));
  const viewer = time(() => new StreamInflater(CAP - 64).push(bomb.section));
  console.log(`  one-shot ${oneShot.toFixed(0)} ms, StreamInflater ${viewer.toFixed(1)} ms`);
}

const words = ["window ", "edge ", "desk ", "frame ", "pixel0 ", "relay1 "];
const text = new Uint8Array(1024 * 1024);
for (let i = 0, s = 1; i < text.length; ) {
  s = (Math.imul(s, 1103515245) + 12345) >>> 0;
  const w = words[(s >>> 8) % words.length]!;
  for (let k = 0; k < w.length && i < text.length; k++) text[i++] = w.charCodeAt(k);
}
const real = section(text);
console.log(`1 MiB of text: ${real.section.byteLength} bytes in`);
for (let r = 0; r < 8; r++) {
  const oneShot = time(() => inflateSync(real.oneShotInput, { out }));
  const viewer = time(() => new StreamInflater(CAP - 64).push(real.section));
  console.log(`  one-shot ${oneShot.toFixed(2)} ms, StreamInflater ${viewer.toFixed(2)} ms`);
}
