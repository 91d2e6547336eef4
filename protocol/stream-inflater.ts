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
import { inflateSync } from "fflate";
import { ProtocolError } from "./stream";

/** What a back-reference can reach: deflate's window. */
const WINDOW = 32 * 1024;
/** The empty stored block a sync flush ends with: left off the wire, added back before inflating. */
export const SYNC_FLUSH_TRAILER: Readonly<Uint8Array> = new Uint8Array([0x00, 0x00, 0xff, 0xff]);
/** What each chunk is inflated with after it: the sync-flush trailer, then an empty final block. */
const CHUNK_END = new Uint8Array([...SYNC_FLUSH_TRAILER, 0x03, 0x00]);

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
    const input = new Uint8Array(chunk.byteLength + CHUNK_END.byteLength);
    input.set(chunk);
    input.set(CHUNK_END, chunk.byteLength);
    const dictionary = this.windowLen > 0 ? this.window.subarray(WINDOW - this.windowLen) : undefined;
    let produced: Uint8Array;
    try {
      // With an output buffer given, fflate neither grows nor reallocates it.
      produced = inflateSync(input, { out: this.out, dictionary });
    } catch (err) {
      throw new ProtocolError(`frame section does not inflate: ${String(err)}`);
    }
    if (produced.byteLength > this.maxChunkOutput) throw new ProtocolError("frame section too large");
    this.slide(produced);
    return produced.slice();
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
