// The MIT-SHM segment providers the agent hands the x11 client, best first:
// - mapped: the segment file (an unlinked /dev/shm file the X server maps too) mapped into
//   this process by the shm-map addon. Its buffer is the server's memory: a GetImage lands
//   where the encoder reads it, with no copy at all (see X11Source.lendScreen).
// - direct: the package's built-in provider, which reads the segment with pread, plus one
//   thing: a capture may say where its pixels go, and they are then read from the segment
//   straight there. A full-screen capture in X's native layout becomes one 8 MB pread into
//   the encoder's buffer, instead of a pread into the segment's buffer and a copy from it.
import { readSync } from "node:fs";
import { createBuiltinProvider, type ShmProvider, type ShmProviderSegment } from "x11/lib/shm-provider.js";
import { loadMapSegment } from "../native/shm-map";

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

/** Undefined where the shm-map addon is not built or plain Node cannot back a segment. */
export function mappedShmProvider(): ShmProvider | undefined {
  const map = loadMapSegment();
  const builtin = createBuiltinProvider();
  if (!map || !builtin) return undefined;
  return {
    flavor: "fd",
    zeroCopy: true,
    create(size) {
      const seg = builtin.create(size);
      try {
        seg.buffer = Buffer.from(map(seg.fd, size));
      } catch (err) {
        builtin.destroy(seg);
        throw err;
      }
      return seg;
    },
    // The buffer is the segment: there is nothing to copy either way.
    commit() {},
    sync() {},
    // Closes the file; the mapping goes when its buffer is collected (never while referenced).
    destroy: (seg) => builtin.destroy(seg),
  };
}
