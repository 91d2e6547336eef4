// The main thread's handle on load-thread.ts: socket pairs that live in that thread, named by
// number, and the load run there. See load-thread.ts for why the scale figure needs it.
import { Worker } from "node:worker_threads";
import type { UpdateStats } from "./load";
import type { Reply, Request } from "./load-thread";
import type { PairUrls } from "./pair-sockets";

export type SteadyStats = UpdateStats & { loopLateP99: number };

type Body<R> = R extends unknown ? Omit<R, "id"> : never;

export class ThreadedPairs {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private nextId = 0;
  private exited: Error | undefined;

  constructor() {
    this.worker = new Worker(new URL("./load-thread-entry.mjs", import.meta.url));
    this.worker.on("message", (reply: Reply) => {
      const waiter = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      if (reply.ok) waiter?.resolve(reply.value);
      else waiter?.reject(new Error(reply.error));
    });
    this.worker.on("error", (e) => this.failAll(e));
    this.worker.on("exit", (code) => {
      this.exited = new Error(`the load thread exited with ${code}`);
      this.failAll(this.exited);
    });
  }

  private failAll(e: Error): void {
    for (const w of this.pending.values()) w.reject(e);
    this.pending.clear();
  }

  private call<T>(body: Body<Request>): Promise<T> {
    if (this.exited) return Promise.reject(this.exited);
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ ...body, id });
    });
  }

  /** Opens both ends of a pair in the thread; resolves with its number. */
  open(urls: PairUrls): Promise<number> {
    return this.call({ op: "open", urls });
  }

  /** steadyUpdates() on those pairs, in the thread; with the p99 of how late the thread's event loop ran meanwhile. */
  async steady(pairs: number[], rateHz: number, durationMs: number): Promise<SteadyStats> {
    const stats = await this.call<Omit<SteadyStats, "latencies"> & { latencies: Float64Array }>({ op: "steady", pairs, rateHz, durationMs });
    return { ...stats, latencies: Array.from(stats.latencies) };
  }

  /** Whether each pair's two sockets are still open. */
  healthy(pairs: number[]): Promise<boolean[]> {
    return this.call({ op: "healthy", pairs });
  }

  close(pairs: number[]): Promise<void> {
    return this.call({ op: "close", pairs });
  }

  async stop(): Promise<void> {
    await this.worker.terminate();
  }
}
