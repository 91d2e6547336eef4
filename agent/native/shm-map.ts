// The shm-map addon (agent/native/shm-map, built by npm's postinstall), if it was built.
import { createRequire } from "node:module";

/** Maps an open file of `size` bytes read/write and shared; unmapped when the buffer is collected. */
export type MapSegment = (fd: number, size: number) => ArrayBuffer;

let loaded: MapSegment | null | undefined;

/** undefined when the addon is not built (or not for this platform): callers fall back to pread. */
export function loadMapSegment(): MapSegment | undefined {
  if (loaded === undefined) {
    try {
      const addon = createRequire(import.meta.url)("./shm-map/build/Release/shm_map.node") as { map: MapSegment };
      loaded = addon.map;
    } catch {
      loaded = null;
    }
  }
  return loaded ?? undefined;
}
