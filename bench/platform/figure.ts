// What every platform figure is made of: per-run values of both systems, reduced to medians
// and their ratio; and how the part logs numbers.
import { median, type Figure } from "../types";

export type Log = (msg: string) => void;

export const NODE = "Node ws relay";
export const round = (x: number, digits = 2) => Number(x.toFixed(digits));
export const fmt = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));

/** A figure from per-run values of both systems: medians, and ratio = Edgedesk / baseline (for "higher" figures >= 1 is as good or better). */
export function figure(
  f: Omit<Figure, "edgedesk" | "baseline" | "ratio" | "met" | "runs">,
  edgedeskRuns: number[],
  baselineRuns: number[] | undefined,
  meets?: (ratio: number, value: number) => boolean,
): Figure {
  const edgedesk = median(edgedeskRuns);
  const baseline = baselineRuns ? median(baselineRuns) : undefined;
  // ratio = edgedesk / baseline for both senses: with "higher" better, >= 1 means at least as good.
  const ratio = baseline !== undefined ? edgedesk / baseline : undefined;
  return {
    ...f,
    edgedesk: round(edgedesk, 3),
    baseline: baseline === undefined ? undefined : round(baseline, 3),
    ratio: ratio === undefined ? undefined : round(ratio, 3),
    met: meets ? meets(ratio ?? NaN, edgedesk) : undefined,
    runs: edgedeskRuns.length,
  };
}
