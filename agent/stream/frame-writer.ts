// The agent's side of a stream's deflate context (layout in protocol/frame-codec.ts).
// A sync flush per message ends each chunk on a byte boundary, so the viewer can inflate it
// as soon as it arrives. The deflate addon (agent/native/deflate) compresses on this thread;
// without it node:zlib does, in its thread pool, a hand-off there and back per message.
import { constants, createDeflateRaw, type DeflateRaw } from "node:zlib";
import { assembleMessage, batchRects, buildSection, SYNC_FLUSH_TRAILER } from "../../protocol/frame-codec";
import { type Frame, FrameFlags, MAX_AGENT_MSG_BYTES } from "../../protocol/stream";
import { loadDeflater } from "../native/deflate";

/**
 * Level 6 (zlib's default): on terminal text it is a third smaller than level 1, and typing
 * produces a few hundred bytes per update.
 */
const LEVEL = 6;

/** One deflate stream: push() returns a section's compressed bytes, sync flush included. */
interface Deflate {
  push(section: Uint8Array): Uint8Array | Promise<Uint8Array>;
  close(): void;
}

export class FrameWriter {
  private deflate: Deflate | undefined;
  /** Writes run one after another: each one's chunk must follow the last in the stream. */
  private queue: Promise<unknown> = Promise.resolve();
  private readonly open: () => Deflate;

  /** `native: false` uses node:zlib even where the deflate addon is built (tests, benchmarks). */
  constructor(opts: { native?: boolean } = {}) {
    const Native = opts.native === false ? undefined : loadDeflater();
    this.open = Native ? () => new Native(LEVEL) : () => new ZlibDeflate();
  }

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

  /** Frees the deflate stream (the socket closed). */
  close(): void {
    this.deflate?.close();
    this.deflate = undefined;
  }

  private async writeNow(frame: Frame, maxBytes: number): Promise<Uint8Array[]> {
    const fresh = (frame.flags & FrameFlags.full) !== 0 || !this.deflate;
    if (fresh) {
      this.close();
      this.deflate = this.open();
    }
    const deflate = this.deflate!;
    const batches = batchRects(frame.rects, maxBytes);
    const out: Uint8Array[] = [];
    try {
      for (let i = 0; i < batches.length; i++) {
        const last = i === batches.length - 1;
        const flags = (frame.flags & FrameFlags.full) | (last ? FrameFlags.final : 0) | (i === 0 && fresh ? FrameFlags.reset : 0);
        const { section, images } = buildSection(frame, batches[i]!);
        const pushed = deflate.push(section);
        // node:zlib's push rejects when its stream was closed meanwhile; the addon's is done at once.
        const chunk = pushed instanceof Promise ? await pushed : pushed;
        out.push(assembleMessage(flags, withoutTrailer(chunk), images));
      }
    } catch (err) {
      // The stream's state is unknown now: the next update starts a new one (flagged reset).
      if (this.deflate === deflate) this.close();
      throw err;
    }
    return out;
  }
}

/** A sync flush's compressed bytes without the 00 00 ff ff every one ends with (the viewer adds it back). */
function withoutTrailer(chunk: Uint8Array): Uint8Array {
  const t = SYNC_FLUSH_TRAILER.byteLength;
  const tail = chunk.subarray(chunk.byteLength - t);
  if (chunk.byteLength < t || tail.some((b, i) => b !== SYNC_FLUSH_TRAILER[i])) throw new Error("zlib sync flush did not end with its trailer");
  return chunk.subarray(0, chunk.byteLength - t);
}

/** node:zlib's raw deflate stream: each push is a write and a sync flush in its thread pool. */
class ZlibDeflate implements Deflate {
  private readonly z: DeflateRaw = createDeflateRaw({ level: LEVEL });
  private chunks: Buffer[] = [];
  private closed = false;

  constructor() {
    this.z.on("data", (c: Buffer) => this.chunks.push(c));
    // A stream error must fail this update (the session then closes), not the process.
    this.z.on("error", () => {});
  }

  push(section: Uint8Array): Promise<Uint8Array> {
    const z = this.z;
    return new Promise((resolve, reject) => {
      const onError = (err: Error) => reject(err);
      z.once("error", onError);
      z.write(section);
      z.flush(constants.Z_SYNC_FLUSH, () => {
        z.off("error", onError);
        if (this.closed) return reject(new Error("the stream was closed"));
        const chunk = Buffer.concat(this.chunks);
        this.chunks = [];
        resolve(chunk);
      });
    });
  }

  close(): void {
    this.closed = true;
    this.z.close();
  }
}
