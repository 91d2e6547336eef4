// Load on a socket pair. Both ends live in this process, so one clock (performance.now())
// stamps a message when the agent end sends it and reads it when the viewer end receives it:
// latencies here are true one-way times (agent -> relay -> viewer), not halved round trips.
import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import type WebSocket from "ws";
import type { Pair } from "./pair-sockets";

/** Where the send time sits in a message: after a Frame header's worth of bytes. */
const TS_AT = 12;
const SEQ_AT = 2;
export const MIN_MSG = TS_AT + 8;

/** An incompressible agent -> viewer message of `size` bytes that the relay accepts (type 0x01 Frame). */
export function frameTemplate(size: number): Buffer {
  if (size < MIN_MSG) throw new RangeError(`messages carry a timestamp: at least ${MIN_MSG} bytes`);
  const buf = randomBytes(size);
  buf[0] = 0x01;
  buf[1] = 0x01;
  return buf;
}

function stamp(buf: Buffer, seq: number): void {
  buf.writeUInt32LE(seq >>> 0, SEQ_AT);
  buf.writeDoubleLE(performance.now(), TS_AT);
}

function binary(data: WebSocket.RawData): Buffer {
  return Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
}

function watchClose(pair: Pair, reject: (e: Error) => void): () => void {
  const onClose = (code: number, reason: Buffer) => reject(new Error(`a relay socket closed mid-run: ${code} ${reason.toString()}`));
  pair.agent.once("close", onClose);
  pair.viewer.once("close", onClose);
  return () => {
    pair.agent.off("close", onClose);
    pair.viewer.off("close", onClose);
  };
}

/**
 * One message in flight at a time: the agent end sends, the viewer end receives, the next
 * goes out at once. Returns the one-way times in ms of `count` messages after `warmup`.
 */
export function oneWayLatency(pair: Pair, size: number, count: number, warmup = 20): Promise<number[]> {
  const template = frameTemplate(size);
  const samples: number[] = [];
  let seq = 0;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error(`latency run timed out after ${seq} messages`)), 60_000);
    const unwatch = watchClose(pair, (e) => finish(e));
    const finish = (error?: Error) => {
      clearTimeout(timer);
      unwatch();
      pair.viewer.off("message", onMessage);
      if (error) reject(error);
      else resolve(samples);
    };
    const send = () => {
      seq++;
      stamp(template, seq);
      pair.agent.send(template, { binary: true });
    };
    const onMessage = (data: WebSocket.RawData, isBinary: boolean) => {
      if (!isBinary) return;
      const now = performance.now();
      const buf = binary(data);
      if (buf.readUInt32LE(SEQ_AT) !== seq) return; // a straggler from an earlier run
      if (seq > warmup) samples.push(now - buf.readDoubleLE(TS_AT));
      if (seq >= warmup + count) finish();
      else send();
    };
    pair.viewer.on("message", onMessage);
    send();
  });
}

export type Throughput = {
  msgsPerSec: number;
  mbPerSec: number;
  messages: number;
  /** Time spent in gaps of >= STALL_MS between two arrivals while counting, and how many. */
  stallMs: number;
  stalls: number;
};

/** A gap between arrivals this long, with messages in flight, is a stall rather than jitter. */
export const STALL_MS = 100;

/**
 * Agent -> viewer as fast as a bounded window allows: at most `window` messages sent and not yet
 * received. Counts what arrives between `warmupMs` and `warmupMs + durationMs`, then drains.
 */
export function throughput(pair: Pair, size: number, window: number, durationMs: number, warmupMs = 300): Promise<Throughput> {
  const template = frameTemplate(size);
  let inFlight = 0;
  let seq = 0;
  let sending = true;
  let counting = false;
  let messages = 0;
  let bytes = 0;
  let t0 = 0;
  let lastArrival = 0;
  let stallMs = 0;
  let stalls = 0;
  return new Promise((resolve, reject) => {
    const unwatch = watchClose(pair, (e) => done(e));
    const timers: NodeJS.Timeout[] = [];
    const done = (error?: Error, result?: Throughput) => {
      for (const t of timers) clearTimeout(t);
      sending = false;
      unwatch();
      pair.viewer.off("message", onMessage);
      if (error) reject(error);
      else resolve(result!);
    };
    const pump = () => {
      while (sending && inFlight < window) {
        inFlight++;
        stamp(template, ++seq);
        pair.agent.send(template, { binary: true });
      }
    };
    const onMessage = (data: WebSocket.RawData, isBinary: boolean) => {
      if (!isBinary) return;
      inFlight--;
      const now = performance.now();
      if (counting) {
        messages++;
        bytes += binary(data).byteLength;
        const gap = now - Math.max(lastArrival, t0);
        if (gap >= STALL_MS) {
          stallMs += gap;
          stalls++;
        }
      }
      lastArrival = now;
      if (sending) pump();
      else if (inFlight <= 0) done(undefined, result);
    };
    let result: Throughput;
    pair.viewer.on("message", onMessage);
    timers.push(
      setTimeout(() => {
        counting = true;
        t0 = performance.now();
      }, warmupMs),
      setTimeout(() => {
        const seconds = (performance.now() - t0) / 1000;
        counting = false;
        sending = false;
        result = { msgsPerSec: messages / seconds, mbPerSec: bytes / 1e6 / seconds, messages, stallMs, stalls };
        if (inFlight <= 0) done(undefined, result);
        // Whatever is still in flight gets 10 s to arrive; a relay that lost it fails the run.
        timers.push(setTimeout(() => done(new Error(`${inFlight} messages never arrived`)), 10_000));
      }, warmupMs + durationMs),
    );
    pump();
  });
}

export type UpdateStats = { latencies: number[]; sent: number; lost: number };

/** Sizes of realistic screen updates: 2-20 KB, spread evenly, the same sequence every run. */
export function updateSize(seq: number): number {
  return 2_000 + ((seq * 7_919) % 18_001);
}

/**
 * Every pair's agent end sends updates at `rateHz` (staggered start, no drift) for `durationMs`;
 * returns each update's one-way time. Updates not received 2 s after the end count as lost.
 */
export async function steadyUpdates(pairs: Pair[], rateHz: number, durationMs: number): Promise<UpdateStats> {
  const template = frameTemplate(20_001);
  const periodMs = 1000 / rateHz;
  const latencies: number[] = [];
  let sent = 0;
  let received = 0;
  const stops: (() => void)[] = [];
  const handlers = pairs.map((pair) => {
    const onMessage = (data: WebSocket.RawData, isBinary: boolean) => {
      if (!isBinary) return;
      const now = performance.now();
      latencies.push(now - binary(data).readDoubleLE(TS_AT));
      received++;
    };
    pair.viewer.on("message", onMessage);
    return onMessage;
  });
  const start = performance.now() + 20;
  const end = start + durationMs;
  pairs.forEach((pair, i) => {
    const offset = (i * periodMs) / pairs.length;
    let k = 0;
    let timer: NodeJS.Timeout;
    const tick = () => {
      const due = start + offset + k * periodMs;
      if (due >= end) return;
      k++;
      const size = updateSize(i * 100_000 + k);
      stamp(template, k);
      if (pair.agent.readyState === 1) {
        pair.agent.send(template.subarray(0, size), { binary: true });
        sent++;
      }
      timer = setTimeout(tick, Math.max(0, start + offset + k * periodMs - performance.now()));
    };
    timer = setTimeout(tick, Math.max(0, start + offset - performance.now()));
    stops.push(() => clearTimeout(timer));
  });
  await new Promise((r) => setTimeout(r, Math.max(0, end - performance.now())));
  const drainBy = performance.now() + 2_000;
  while (received < sent && performance.now() < drainBy) await new Promise((r) => setTimeout(r, 20));
  for (const stop of stops) stop();
  pairs.forEach((pair, i) => pair.viewer.off("message", handlers[i]!));
  return { latencies, sent, lost: sent - received };
}

/** CPU ticks (USER_HZ) of the whole machine and of each process this one started, with its role. */
export type CpuSample = {
  busy: number;
  total: number;
  procs: Map<number, { role: string; ticks: number }>;
  /** Every other process on the machine (kernel threads too): its CPU ticks. */
  others: Map<number, number>;
};

function statOf(pid: string): { ppid: number; ticks: number; comm: string } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const close = stat.lastIndexOf(")");
    const comm = stat.slice(stat.indexOf("(") + 1, close);
    const f = stat.slice(close + 2).split(" ");
    return { ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]), comm };
  } catch {
    return undefined;
  }
}

function roleOf(pid: number, comm: string, names: Map<number, string>): string {
  if (pid === process.pid) return "bench";
  const named = names.get(pid);
  if (named) return named;
  if (comm === "workerd") return "workerd";
  let cmd = "";
  try {
    cmd = readFileSync(`/proc/${pid}/cmdline`, "utf8");
  } catch {
    // Gone.
  }
  if (cmd.includes("node-relay")) return "node relay";
  if (cmd.includes("wrangler")) return "wrangler (node)";
  return "other child";
}

/** Pids of the processes this one started, directly or not. */
export function descendants(): Set<number> {
  const parent = new Map<number, number>();
  for (const pid of readdirSync("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    const t = statOf(pid);
    if (t) parent.set(Number(pid), t.ppid);
  }
  const out = new Set<number>();
  for (const pid of parent.keys()) {
    for (let p = parent.get(pid) ?? 0, hops = 0; p > 1 && hops < 20; p = parent.get(p) ?? 0, hops++) {
      if (p === process.pid) {
        out.add(pid);
        break;
      }
    }
  }
  return out;
}

/** `names` labels particular pids (e.g. which workerd is wrangler's proxy). */
export function sampleCpu(names = new Map<number, string>()): CpuSample {
  const [cpu] = readFileSync("/proc/stat", "utf8").split("\n");
  const f = cpu!.trim().split(/\s+/).slice(1).map(Number);
  const idle = f[3]! + (f[4] ?? 0);
  const total = f.reduce((a, b) => a + b, 0);
  const procs = new Map<number, { ppid: number; ticks: number; comm: string }>();
  for (const pid of readdirSync("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    const t = statOf(pid);
    if (t) procs.set(Number(pid), t);
  }
  const mine = (pid: number): boolean => {
    for (let p = pid, hops = 0; p > 1 && hops < 20; hops++) {
      if (p === process.pid) return true;
      p = procs.get(p)?.ppid ?? 0;
    }
    return false;
  };
  const mineNow = new Map<number, { role: string; ticks: number }>();
  const others = new Map<number, number>();
  for (const [pid, t] of procs) {
    if (mine(pid)) mineNow.set(pid, { role: roleOf(pid, t.comm, names), ticks: t.ticks });
    else others.set(pid, t.ticks);
  }
  return { busy: total - idle, total, procs: mineNow, others };
}

/**
 * CPU used between two samples in cores (1.0 = one core busy all the time): the machine's,
 * each role's, and every other process's together. The machine's figure comes from /proc/stat's
 * counters, which the kernel samples at each tick: a process woken hundreds of times a second
 * for a few microseconds (a relay under the paced scale load) can show more CPU in its own
 * per-task times (scaled to the scheduler's exact run time) than the machine's total does, so
 * what other programs used is summed from their own times too, not taken as the difference.
 */
export function cpuShares(a: CpuSample, b: CpuSample, cores = availableParallelism()): { machine: number; roles: Record<string, number>; others: number } {
  const total = Math.max(1, b.total - a.total) / cores;
  const roles: Record<string, number> = {};
  // Only processes alive at both samples count (wrangler replaces workerd when it reloads).
  for (const [pid, p] of b.procs) {
    const before = a.procs.get(pid);
    if (before) roles[p.role] = (roles[p.role] ?? 0) + (p.ticks - before.ticks) / total;
  }
  let others = 0;
  for (const [pid, ticks] of b.others) {
    const before = a.others.get(pid);
    if (before !== undefined) others += (ticks - before) / total;
  }
  return { machine: (b.busy - a.busy) / total, roles, others };
}
