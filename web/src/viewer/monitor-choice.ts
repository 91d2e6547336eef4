// The monitor an operator last picked for a computer (F6.2), kept in localStorage so its next
// connection window shows that monitor again. Kept by place on the screen, not by index: if
// the remote layout changed and no monitor is there any more, the whole screen shows.
import type { Rect } from "../../../protocol/stream";
import { readStored, writeStored } from "../ui/local-store";

const key = (computerId: string) => `edgedesk.viewer.monitor.${computerId}`;

/** The stored monitor's place, or null: the whole screen (also when nothing readable is stored). */
export function loadMonitorChoice(computerId: string): Rect | null {
  try {
    const stored = JSON.parse(readStored(key(computerId)) ?? "null") as unknown;
    if (!stored || typeof stored !== "object") return null;
    const { x, y, w, h } = stored as Record<string, unknown>;
    return [x, y, w, h].every((v) => Number.isInteger(v) && (v as number) >= 0) ? { x: x as number, y: y as number, w: w as number, h: h as number } : null;
  } catch {
    return null;
  }
}

/** Remembers the monitor at `place`, or with null the whole screen (nothing stored). */
export function saveMonitorChoice(computerId: string, place: Rect | null): void {
  writeStored(key(computerId), place && JSON.stringify({ x: place.x, y: place.y, w: place.w, h: place.h }));
}
