// The agent's side of a stream's deflate context (layout in protocol/frame-codec.ts).
// Node's zlib does the compressing, in its thread pool: a sync flush per message ends
// each chunk on a byte boundary, so the viewer can inflate it as soon as it arrives.
import { constants, createDeflateRaw, type DeflateRaw } from "node:zlib";
import { assembleMessage, batchRects, buildSection, SYNC_FLUSH_TRAILER } from "../../protocol/frame-codec";
import { type Frame, FrameFlags, MAX_AGENT_MSG_BYTES } from "../../protocol/stream";

export class FrameWriter {
  private deflate: DeflateRaw | undefined;
  private chunks: Buffer[] = [];
  /** Writes run one after another: each one's chunk must follow the last in the stream. */
  private queue: Promise<unknown> = Promise.resolve();

  /**
   * Encodes one update as one or more messages of at most maxBytes each, all with the
   * same seq; only the last carries FrameFlags.final. A full update (a key frame) starts a
   * new deflate stream, flagged reset on its first message.
   */
  write(frame: Frame, maxBytes = MAX_AGENT_MSG_BYTES): Promise<Uint8Array[]> {
    const run = this.queue.then(() => this.writeNow(frame, maxBytes));
    this.queue = run.catch(() => {});
    return run;
  }

  /** Frees the zlib stream (the socket closed). */
  close(): void {
    this.deflate?.close();
    this.deflate = undefined;
  }

  private async writeNow(frame: Frame, maxBytes: number): Promise<Uint8Array[]> {
    const fresh = (frame.flags & FrameFlags.full) !== 0 || !this.deflate;
    if (fresh) {
      this.close();
      // Level 6 (zlib's default): on terminal text it is a third smaller than level 1, and
      // typing produces a few hundred bytes per update.
      const z = createDeflateRaw({ level: 6 });
      z.on("data", (c: Buffer) => this.chunks.push(c));
      // A stream error must fail this update (the session then closes), not the process.
      z.on("error", () => {});
      this.deflate = z;
    }
    const batches = batchRects(frame.rects, maxBytes);
    const out: Uint8Array[] = [];
    for (let i = 0; i < batches.length; i++) {
      const last = i === batches.length - 1;
      const flags = (frame.flags & FrameFlags.full) | (last ? FrameFlags.final : 0) | (i === 0 && fresh ? FrameFlags.reset : 0);
      const { section, images } = buildSection(frame, batches[i]!);
      out.push(assembleMessage(flags, await this.compress(section), images));
    }
    return out;
  }

  private compress(section: Uint8Array): Promise<Uint8Array> {
    const z = this.deflate!;
    return new Promise((resolve, reject) => {
      const onError = (err: Error) => reject(err);
      z.once("error", onError);
      z.write(section);
      z.flush(constants.Z_SYNC_FLUSH, () => {
        z.off("error", onError);
        if (this.deflate !== z) return reject(new Error("the stream was closed"));
        const chunk = Buffer.concat(this.chunks);
        this.chunks = [];
        const t = SYNC_FLUSH_TRAILER.byteLength;
        if (chunk.byteLength < t || !chunk.subarray(chunk.byteLength - t).equals(SYNC_FLUSH_TRAILER)) {
          return reject(new Error("zlib sync flush did not end with its trailer"));
        }
        resolve(chunk.subarray(0, chunk.byteLength - t));
      });
    });
  }
}
