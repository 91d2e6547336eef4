// What every benchmark part returns to bench/run.ts, which prints the table, writes
// bench/results/latest.json and refreshes the table in BENCHMARKS.md.

export type Figure = {
  /** Stable id, e.g. "latency.keystroke.p50". */
  id: string;
  /** What a reader sees in the table. */
  label: string;
  unit: string;
  /** Edgedesk's value (median of the runs). */
  edgedesk: number;
  /** The baseline's value in the same run (noVNC, a plain Node relay, /api/health...), if any. */
  baseline?: number;
  baselineName?: string;
  /** edgedesk / baseline, always; read it with `better` (for "higher", >= 1 is good). */
  ratio?: number;
  /** "lower" when smaller is better (latency, bytes, CPU); "higher" for fps and throughput. */
  better: "lower" | "higher";
  /** The target as written in the issue, e.g. "<= 0.5x noVNC". */
  target?: string;
  /** Whether the target is met; undefined when there is no target. */
  met?: boolean;
  /** Runs that the median was taken over, and anything a reader should know. */
  runs?: number;
  note?: string;
};

export type BenchPart = {
  name: string;
  /** Runs the part; `quick` is the smoke mode used by `npm test` (seconds, not minutes). */
  run(options: { quick: boolean; log: (msg: string) => void }): Promise<Figure[]>;
};

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}
