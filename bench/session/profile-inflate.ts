// What the viewer's inflater (protocol/stream-inflater.ts) costs, in Node (V8, as in Chromium):
// a deflate bomb (1 MiB of input that inflates to ~1 GiB) through fflate's one-shot inflateSync
// into the viewer's fixed buffer (the path every section took before decision 45) against the
// viewer's StreamInflater (also as many small messages), and real sections of a few KiB and
// of 1 MiB of text-like output, one shot against the viewer's (sliced past ~1 KiB in).
// Alternating, several rounds; prints each. Run: npx tsx bench/session/profile-inflate.ts
import { constants, deflateRawSync } from "node:zlib";
import { inflateSync } from "fflate";
import { CHUNK_END as END, StreamInflater } from "../../protocol/stream-inflater";

const CAP = 1024 * 1024 + 64;

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
// The same bytes as many messages, each a new stream (a reset flag each): each costs what its
// output costs, on either path, since a section may legitimately inflate up to the cap.
for (const outMiB of [2, 16]) {
  const small = section(new Uint8Array(outMiB * 1024 * 1024));
  const many = Math.floor((1024 * 1024) / small.section.byteLength);
  console.log(`1 MiB as ${many} messages of ${small.section.byteLength} bytes (${outMiB} MiB out each), each a new stream:`);
  for (let r = 0; r < 2; r++) {
    const oneShot = time(() => {
      for (let i = 0; i < many; i++) time(() => inflateSync(small.oneShotInput, { out }));
    });
    const viewer = time(() => {
      for (let i = 0; i < many; i++) time(() => new StreamInflater(CAP - 64).push(small.section));
    });
    console.log(`  one-shot ${oneShot.toFixed(0)} ms, StreamInflater ${viewer.toFixed(0)} ms`);
  }
}

const words = ["window ", "edge ", "desk ", "frame ", "pixel0 ", "relay1 "];
const text = new Uint8Array(1024 * 1024);
for (let i = 0, s = 1; i < text.length; ) {
  s = (Math.imul(s, 1103515245) + 12345) >>> 0;
  const w = words[(s >>> 8) % words.length]!;
  for (let k = 0; k < w.length && i < text.length; k++) text[i++] = w.charCodeAt(k);
}
for (const n of [2048, 8192]) {
  const piece = section(text.subarray(0, n * 4));
  console.log(`a section of ${piece.section.byteLength} bytes (${n * 4} out), 200 times:`);
  for (let r = 0; r < 4; r++) {
    const oneShot = time(() => {
      for (let i = 0; i < 200; i++) inflateSync(piece.oneShotInput, { out });
    });
    const viewer = time(() => {
      const inflater = new StreamInflater(CAP - 64);
      for (let i = 0; i < 200; i++) inflater.push(piece.section);
    });
    console.log(`  one-shot ${((oneShot * 1000) / 200).toFixed(0)} µs, StreamInflater ${((viewer * 1000) / 200).toFixed(0)} µs each`);
  }
}
const real = section(text);
console.log(`1 MiB of text: ${real.section.byteLength} bytes in`);
for (let r = 0; r < 8; r++) {
  const oneShot = time(() => inflateSync(real.oneShotInput, { out }));
  const viewer = time(() => new StreamInflater(CAP - 64).push(real.section));
  console.log(`  one-shot ${oneShot.toFixed(2)} ms, StreamInflater ${viewer.toFixed(2)} ms`);
}
