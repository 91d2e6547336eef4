// The row-hashes addon (agent/native/row-hashes, built by npm's postinstall), if it was built:
// the vertical-move search's row hashes in C. Without it they are hashed in JavaScript
// (scroll.ts), at about twice and a half the CPU on a screen playing video.
import type { Rect } from "../../protocol/stream";
import type { RowHasher } from "../encode/scroll";
import { addonError, loadAddon } from "./load";

type Addon = {
  rowHashes(pixels: Uint32Array, stride: number, x: number, y: number, w: number, h: number, hash: Uint32Array, uniform: Uint8Array): void;
};

/** undefined when the addon is not built (or not for this platform). */
export function loadRowHasher(): RowHasher | undefined {
  // One call at load: an addon that loads but fails its calls is reported, not met mid-update.
  const addon = loadAddon<Addon>("row-hashes", "row_hashes", (a) => a.rowHashes(new Uint32Array(4), 2, 0, 0, 2, 2, new Uint32Array(2), new Uint8Array(2)));
  if (!addon) return undefined;
  return (px: Uint32Array, stride: number, r: Rect) => {
    const hash = new Uint32Array(r.h);
    const uniform = new Uint8Array(r.h);
    addon.rowHashes(px, stride, r.x, r.y, r.w, r.h, hash, uniform);
    return { hash, uniform };
  };
}

/** Why loadRowHasher gives undefined, for the agent's log; undefined when it does not. */
export function rowHashesUnavailable(): string | undefined {
  return loadRowHasher() ? undefined : addonError("row-hashes", "row_hashes");
}
