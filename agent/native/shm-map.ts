// The shm-map addon (agent/native/shm-map, built by npm's postinstall), if it was built.
import { loadAddon } from "./load";

/** Maps an open file of `size` bytes read/write and shared; unmapped when the buffer is collected. */
export type MapSegment = (fd: number, size: number) => ArrayBuffer;

/** undefined when the addon is not built (or not for this platform): callers fall back to pread. */
export function loadMapSegment(): MapSegment | undefined {
  return loadAddon<{ map: MapSegment }>("shm-map", "shm_map")?.map;
}
