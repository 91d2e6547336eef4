// The deflate addon (agent/native/deflate, built by npm's postinstall with the zlib inside
// Node), if it was built. Without it the stream's deflate runs on node:zlib (frame-writer.ts).
import { loadAddon } from "./load";

/** A raw deflate stream; each push() is compressed and sync-flushed on the calling thread. */
export interface NativeDeflater {
  /** The compressed bytes of `bytes`, ending with a sync flush's 00 00 ff ff. */
  push(bytes: Uint8Array): Buffer;
  /** Frees the stream; push() then throws. */
  close(): void;
}

export type DeflaterClass = new (level: number) => NativeDeflater;

/** undefined when the addon is not built (or not for this platform), or cannot deflate here. */
export function loadDeflater(): DeflaterClass | undefined {
  // One stream made and used at load: zlib refuses a header of another version than the
  // library loaded (deflateInit2 fails), which would otherwise fail the first update instead.
  return loadAddon<{ Deflater: DeflaterClass }>("deflate", "deflate", ({ Deflater }) => {
    const probe = new Deflater(6);
    probe.push(Uint8Array.of(1, 2, 3));
    probe.close();
  })?.Deflater;
}
