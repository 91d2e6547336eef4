// The viewer's side of one deflate stream, one sync-flushed chunk (one Frame message) at a
// time. A sync flush ends every chunk on a block boundary, so the only state a chunk needs
// from the ones before it is the last 32 KiB of output (what its back-references may
// reach). Each chunk is inflated on its own with that window as the dictionary, into one
// output buffer kept for the stream's life.
//
// Why not fflate's streaming Inflate: it makes every push reserve 128 KiB beyond its 32 KiB
// window, so a typed glyph (a 20-byte message) allocated and copied ~160 KiB, twice per
// message; in Chromium that cost 1.5-2.5 ms between a keystroke's bytes arriving and its
// pixels being drawn (the bench's keystroke trace), against ~0.1 ms for noVNC.
//
// A deflate bomb: into a fixed buffer, fflate's inflateSync does not stop when the buffer is
// full (the writes past its end are dropped and it decodes on), so a hostile agent's 1 MiB
// message of back-references (~1 GiB of output) cost the viewer's tab ~2.8 s of CPU before
// "too large". Deflate expands at most ~1032:1, so a section of up to FAST_INPUT_MAX bytes
// costs ~16 MiB of such work at worst (~45 ms) and takes the one-shot path; a larger one (a
// key frame, a big lossless update: rare, and large anyway) is inflated by fflate's streaming
// Inflate in slices, checked against the cap after each: ~30-100 ms for the same bomb, and
// ~1.5 ms more than one shot for 1 MiB of real output. This bounds one message, not many:
// any section may inflate to the cap, so ~1000:1 is the protocol's own amplification
// (decision 45, bench/session/profile-inflate.ts).
import { Inflate, inflateSync } from "fflate";
import { ProtocolError } from "./stream";

/** What a back-reference can reach: deflate's window. */
const WINDOW = 32 * 1024;
/** Sections up to this size are inflated in one go (the keystroke path: a few dozen bytes). */
export const FAST_INPUT_MAX = 16 * 1024;
/** Input per step of the sliced path: it stops at most ~4 MiB of output past the cap. */
const SLICE = 4 * 1024;
/** The empty stored block a sync flush ends with: left off the wire, added back before inflating. */
export const SYNC_FLUSH_TRAILER: Readonly<Uint8Array> = new Uint8Array([0x00, 0x00, 0xff, 0xff]);
/** What each chunk is inflated with after it: the sync-flush trailer, then an empty final block. */
export const CHUNK_END: Readonly<Uint8Array> = new Uint8Array([...SYNC_FLUSH_TRAILER, 0x03, 0x00]);

export class StreamInflater {
  private readonly window = new Uint8Array(WINDOW);
  private windowLen = 0;
  /** Output of one chunk; one byte more than allowed, so that a chunk filling it is known to be too large. */
  private readonly out: Uint8Array;

  constructor(private readonly maxChunkOutput: number) {
    this.out = new Uint8Array(maxChunkOutput + 1);
  }

  /** Inflates the next chunk of the stream (sync-flush trailer removed); returns a copy the caller owns. */
  push(chunk: Uint8Array): Uint8Array {
    const produced = chunk.byteLength <= FAST_INPUT_MAX ? this.inflateSmall(chunk) : this.inflateLarge(chunk);
    this.slide(produced);
    return produced.slice();
  }

  private get dictionary(): Uint8Array | undefined {
    return this.windowLen > 0 ? this.window.subarray(WINDOW - this.windowLen) : undefined;
  }

  private inflateSmall(chunk: Uint8Array): Uint8Array {
    const input = new Uint8Array(chunk.byteLength + CHUNK_END.byteLength);
    input.set(chunk);
    input.set(CHUNK_END, chunk.byteLength);
    let produced: Uint8Array;
    try {
      // With an output buffer given, fflate neither grows nor reallocates it.
      produced = inflateSync(input, { out: this.out, dictionary: this.dictionary });
    } catch (err) {
      throw new ProtocolError(`frame section does not inflate: ${String(err)}`);
    }
    if (produced.byteLength > this.maxChunkOutput) throw new ProtocolError("frame section too large");
    return produced;
  }

  private inflateLarge(chunk: Uint8Array): Uint8Array {
    let total = 0;
    const inflater = new Inflate({ dictionary: this.dictionary }, (data) => {
      if (total + data.byteLength > this.maxChunkOutput) throw new ProtocolError("frame section too large");
      this.out.set(data, total);
      total += data.byteLength;
    });
    try {
      for (let at = 0; at < chunk.byteLength; at += SLICE) inflater.push(chunk.subarray(at, at + SLICE));
      inflater.push(CHUNK_END, true);
    } catch (err) {
      if (err instanceof ProtocolError) throw err;
      throw new ProtocolError(`frame section does not inflate: ${String(err)}`);
    }
    return this.out.subarray(0, total);
  }

  /** Keeps the last WINDOW bytes of everything inflated so far. */
  private slide(produced: Uint8Array): void {
    const n = produced.byteLength;
    if (n >= WINDOW) {
      this.window.set(produced.subarray(n - WINDOW));
      this.windowLen = WINDOW;
      return;
    }
    this.window.copyWithin(0, n);
    this.window.set(produced, WINDOW - n);
    this.windowLen = Math.min(WINDOW, this.windowLen + n);
  }
}
