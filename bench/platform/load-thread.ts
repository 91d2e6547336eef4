// The scale figure's clients in a worker thread of their own. The bench process holds the whole
// harness (~42 MB of live heap); 50 sessions at 10 updates/s allocate ~11 MB/s of message
// buffers there, and V8 answered with a full collection about every second whose marking
// stopped the event loop for up to ~20 ms: many slow updates were the clients' own pauses, not
// the relay's (session 14; `node --trace-gc`; about a third of the 50 sessions' p99). This thread loads only `ws` and the load code,
// so a collection has little to mark. Both ends of every pair live here: one clock stamps
// and reads each update, as before.
import { monitorEventLoopDelay } from "node:perf_hooks";
import { parentPort } from "node:worker_threads";
import { steadyUpdates } from "./load";
import { closeSocket, openUrlPair, type Pair, type PairUrls } from "./pair-sockets";

export type Request =
  | { id: number; op: "open"; urls: PairUrls }
  | { id: number; op: "steady"; pairs: number[]; rateHz: number; durationMs: number }
  | { id: number; op: "healthy"; pairs: number[] }
  | { id: number; op: "close"; pairs: number[] };

export type Reply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };

const pairs = new Map<number, Pair>();
let nextPair = 0;

async function handle(req: Request): Promise<unknown> {
  switch (req.op) {
    case "open": {
      const pair = await openUrlPair(req.urls.agentUrl, req.urls.viewerUrl, req.urls.viewerHeaders);
      pairs.set(nextPair, pair);
      return nextPair++;
    }
    case "steady": {
      const resolutionMs = 5;
      const loop = monitorEventLoopDelay({ resolution: resolutionMs });
      // It records whole intervals between its checks: lateness is what exceeds the resolution.
      loop.enable();
      const stats = await steadyUpdates(req.pairs.map(pairAt), req.rateHz, req.durationMs);
      loop.disable();
      return { ...stats, latencies: Float64Array.from(stats.latencies), loopLateP99: Math.max(0, loop.percentile(99) / 1e6 - resolutionMs) };
    }
    case "healthy":
      return req.pairs.map((n) => {
        const p = pairs.get(n);
        return !!p && p.agent.readyState === 1 && p.viewer.readyState === 1;
      });
    case "close":
      await Promise.all(
        req.pairs.map(async (n) => {
          const p = pairs.get(n);
          pairs.delete(n);
          if (p) await Promise.all([closeSocket(p.viewer), closeSocket(p.agent)]);
        }),
      );
      return null;
  }
}

function pairAt(n: number): Pair {
  const p = pairs.get(n);
  if (!p) throw new Error(`no pair ${n}`);
  return p;
}

parentPort?.on("message", (req: Request) => {
  handle(req).then(
    (value) => parentPort!.postMessage({ id: req.id, ok: true, value } satisfies Reply),
    (e: unknown) => parentPort!.postMessage({ id: req.id, ok: false, error: e instanceof Error ? e.message : String(e) } satisfies Reply),
  );
});
