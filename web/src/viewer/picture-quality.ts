// The operator's picture quality choice (F6.2), kept in localStorage so every connection
// window opens with the last one. Anything unreadable is the default, Balanced.
import { PictureQuality } from "../../../protocol/stream";
import { readStored, writeStored } from "../ui/local-store";

export const QUALITY_KEY = "edgedesk.viewer.quality";

/** The choices in the session bar, in order, with their catalog keys. */
export const qualityOptions = [
  { level: PictureQuality.Speed, label: "viewer.qualitySpeed" },
  { level: PictureQuality.Balanced, label: "viewer.qualityBalanced" },
  { level: PictureQuality.Best, label: "viewer.qualityBest" },
] as const;

export function loadQuality(): PictureQuality {
  const stored = readStored(QUALITY_KEY);
  return qualityOptions.find((o) => String(o.level) === stored)?.level ?? PictureQuality.Balanced;
}

export function saveQuality(level: PictureQuality): void {
  writeStored(QUALITY_KEY, String(level));
}
