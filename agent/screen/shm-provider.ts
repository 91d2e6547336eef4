// The MIT-SHM segment provider the agent hands the x11 client: the package's built-in one
// (an unlinked /dev/shm file that the X server maps and this process reads with pread), plus
// one thing: a capture may say where its pixels go, and they are then read from the segment
// straight there. A full-screen capture in X's native layout becomes one 8 MB pread into the
// encoder's buffer, instead of a pread into the segment's buffer and a copy from it.
import { readSync } from "node:fs";
import { createBuiltinProvider, type ShmProvider, type ShmProviderSegment } from "x11/lib/shm-provider.js";

export type DirectShmProvider = ShmProvider & {
  /**
   * The next read of the segment (the one after the next SHM GetImage) goes to `dst` at
   * `offset` instead of the segment's own buffer. Captures run one at a time, so "next" is
   * the capture that asked. `undefined` takes the request back (the GetImage failed).
   */
  readNextInto(dst: Uint8Array | undefined, offset?: number): void;
};

/** Undefined where plain Node cannot back a segment (no writable /dev/shm). */
export function directShmProvider(): DirectShmProvider | undefined {
  const builtin = createBuiltinProvider();
  if (!builtin) return undefined;
  let next: { dst: Uint8Array; offset: number } | undefined;
  return {
    ...builtin,
    sync(seg: ShmProviderSegment, offset = 0, length = seg.size - offset) {
      const to = next;
      next = undefined;
      if (!to) return builtin.sync(seg, offset, length);
      for (let done = 0; done < length; ) {
        const n = readSync(seg.fd, to.dst, to.offset + done, length - done, offset + done);
        if (n <= 0) throw new Error(`the SHM segment ended after ${done} of ${length} bytes`);
        done += n;
      }
    },
    readNextInto(dst, offset = 0) {
      next = dst && { dst, offset };
    },
  };
}
