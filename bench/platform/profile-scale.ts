// Diagnosis for figure 5 (not part of `npm run bench`): where the 50 sessions' slow updates
// come from. Starts `wrangler dev` and the Node relay, opens N sessions the real way, and
// sends at 10 updates/s from the load thread, as the bench does. Two modes:
//
//   npx tsx bench/platform/profile-scale.ts [sessions=50] [seconds=10] [--sched]
//     alternates, three rounds: N sessions at 10/s; one session at N x 10/s and N/10 sessions
//     at 100/s (the same message rate over fewer relays); N pairs through the Node relay (what
//     the harness adds). --sched adds each busy thread's time on CPU and time spent runnable
//     but waiting for a CPU (/proc/.../schedstat).
//   npx tsx bench/platform/profile-scale.ts [sessions] [seconds] --profile [--out=f.cpuprofile]
//     a V8 CPU profile of the Worker's isolate (wrangler's DevTools port) during the load: self
//     times, runs of garbage-collector samples, and a sampled allocation profile.
//
// V8 flags for the runtime's isolate (e.g. --trace-gc) need workerd's config, which wrangler
// does not expose: session 14 patched miniflare's config in node_modules for one experiment.
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import WebSocket from "ws";
import { apiFetch, createAccount, signIn } from "../../test/e2e/backend";
import { startWorker } from "../../test/e2e/harness";
import { percentile } from "../types";
import { BENCH_PLAN, benchPlanSql, d1Execute, planSql } from "./cabinet";
import { descendants } from "./load";
import { EdgedeskSessions, startNodeRelayProcess, type NodeRelay } from "./pairs";
import { ThreadedPairs } from "./threaded-pairs";

type ProfileNode = { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] };
type HeapNode = { callFrame: ProfileNode["callFrame"]; selfSize: number; children: HeapNode[] };
type Profile = { nodes: ProfileNode[]; startTime: number; endTime: number; samples: number[]; timeDeltas: number[] };

/** A minimal DevTools Protocol client: one socket, request ids, awaited results. */
async function devtools(port: number) {
  const targets = (await (await fetch(`http://127.0.0.1:${port}/json`)).json()) as { webSocketDebuggerUrl: string; title?: string }[];
  // wrangler lists the user Worker's isolate (named after the Worker) first; prefer it by name.
  const target = targets.find((t) => t.title?.includes("edgedesk")) ?? targets[0];
  if (!target) throw new Error("no DevTools target on wrangler's inspector port");
  const ws = new WebSocket(target.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => {
    ws.once("open", resolve);
    ws.once("error", reject);
  });
  let id = 0;
  const pending = new Map<number, (result: unknown) => void>();
  ws.on("message", (data) => {
    const msg = JSON.parse(data.toString()) as { id?: number; result?: unknown; error?: unknown };
    if (msg.id !== undefined) pending.get(msg.id)?.(msg.error ? { error: msg.error } : msg.result);
  });
  // A call whose answer can no longer come gets an error instead of waiting for ever.
  ws.on("close", () => {
    for (const answer of pending.values()) answer({ error: "the DevTools socket closed" });
    pending.clear();
  });
  return {
    call<T>(method: string, params: object = {}): Promise<T> {
      const n = ++id;
      ws.send(JSON.stringify({ id: n, method, params }));
      return new Promise((resolve) => pending.set(n, resolve as (r: unknown) => void));
    },
    close: () => ws.close(),
  };
}

/** Per thread of this process and its children: time on CPU, time runnable but waiting for a CPU, and run slices (/proc/.../schedstat, ns). */
function schedStats(): Map<string, { run: number; wait: number; slices: number }> {
  const out = new Map<string, { run: number; wait: number; slices: number }>();
  const mine = descendants();
  mine.add(process.pid);
  for (const pid of mine) {
    let comm = "";
    try {
      comm = readFileSync(`/proc/${pid}/comm`, "utf8").trim();
      for (const tid of readdirSync(`/proc/${pid}/task`)) {
        const [run, wait, slices] = readFileSync(`/proc/${pid}/task/${tid}/schedstat`, "utf8").trim().split(" ").map(Number);
        const name = readFileSync(`/proc/${pid}/task/${tid}/comm`, "utf8").trim();
        out.set(`${comm}[${pid}] ${name}[${tid}]`, { run: run!, wait: wait!, slices: slices! });
      }
    } catch {
      // Gone meanwhile.
    }
  }
  return out;
}

function selfTimes(profile: Profile): { name: string; ms: number }[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const totals = new Map<string, number>();
  profile.samples.forEach((nodeId, i) => {
    const n = byId.get(nodeId)!;
    const f = n.callFrame;
    const name = `${f.functionName || "(anonymous)"} ${f.url.split("/").slice(-2).join("/")}:${f.lineNumber + 1}`;
    totals.set(name, (totals.get(name) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  return [...totals].map(([name, ms]) => ({ name, ms })).sort((a, b) => b.ms - a.ms);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2).filter((a) => !a.startsWith("--"));
  const sessions = Number(args[0] ?? 50);
  const seconds = Number(args[1] ?? 10);
  const worker = await startWorker();
  let node: NodeRelay | undefined;
  let threaded: ThreadedPairs | undefined;
  let edgedesk: EdgedeskSessions | undefined;
  const ids: number[] = [];
  const nodeIds: number[] = [];
  try {
    node = await startNodeRelayProcess();
    threaded = new ThreadedPairs();
    const account = await createAccount(worker.url, "profile-scale");
    const cookie = await signIn(worker.url, account);
    const me = (await (await apiFetch(worker.url, "/api/me", { cookie })).json()) as { user: { id: string } };
    await d1Execute(worker.stateDir, [benchPlanSql(), planSql([me.user.id], BENCH_PLAN)]);
    edgedesk = await EdgedeskSessions.create(worker.url, account, cookie);
    for (let i = 0; i < sessions; i++) ids.push(await threaded.open(await edgedesk.pairUrls()));
    for (let i = 0; i < sessions; i++) nodeIds.push(await threaded.open(node.pairUrls()));
    console.log(`${sessions} sessions and ${sessions} Node relay pairs open; warming up`);
    await threaded.steady(ids, 10, 3_000);
    if (process.argv.includes("--profile")) await profile(worker.inspectorPort, threaded, ids, seconds, process.argv.find((a) => a.startsWith("--out="))?.slice(6));
    else await compare(threaded, ids, nodeIds, seconds);
  } finally {
    await threaded?.close([...ids, ...nodeIds]).catch(() => {});
    await threaded?.stop();
    await edgedesk?.close();
    await node?.stop();
    await worker.stop();
  }
}

async function compare(threaded: ThreadedPairs, ids: number[], nodeIds: number[], seconds: number): Promise<void> {
  const n = ids.length;
  const few = Math.max(1, Math.round(n / 10));
  const loads = [
    { name: `${n} sessions at 10/s`, pairs: ids, hz: 10 },
    { name: `1 session at ${n * 10}/s`, pairs: ids.slice(0, 1), hz: n * 10 },
    { name: `${few} sessions at ${(10 * n) / few}/s`, pairs: ids.slice(0, few), hz: (10 * n) / few },
    { name: `${n} Node relay pairs at 10/s`, pairs: nodeIds, hz: 10 },
  ];
  for (let round = 0; round < 3; round++) {
    for (const load of loads) {
      const before = schedStats();
      const stats = await threaded.steady(load.pairs, load.hz, seconds * 1000);
      const after = schedStats();
      const lat = stats.latencies;
      console.log(
        `${load.name}: ${lat.length} updates, p50 ${percentile(lat, 50).toFixed(2)} ms, p99 ${percentile(lat, 99).toFixed(2)} ms, max ${Math.max(...lat).toFixed(1)} ms, load thread late by ${stats.loopLateP99.toFixed(2)} ms at p99`,
      );
      if (!process.argv.includes("--sched")) continue;
      for (const [key, a] of after) {
        const b = before.get(key);
        if (!b || a.slices - b.slices < 50) continue;
        console.log(`  ${key}: on CPU ${((a.run - b.run) / 1e6).toFixed(0)} ms, waited runnable ${((a.wait - b.wait) / 1e6).toFixed(0)} ms over ${a.slices - b.slices} slices`);
      }
    }
  }
}

async function profile(inspectorPort: number, threaded: ThreadedPairs, ids: number[], seconds: number, out: string | undefined): Promise<void> {
  const cdp = await devtools(inspectorPort);
  try {
    await cdp.call("Profiler.enable");
    await cdp.call("Profiler.setSamplingInterval", { interval: 100 });
    await cdp.call("Profiler.start");
    const stats = await threaded.steady(ids, 10, seconds * 1000);
    const { profile } = await cdp.call<{ profile: Profile }>("Profiler.stop");
    const lat = stats.latencies;
    console.log(`${lat.length} updates, p50 ${percentile(lat, 50).toFixed(2)} ms, p99 ${percentile(lat, 99).toFixed(2)} ms, max ${Math.max(...lat).toFixed(1)} ms, lost ${stats.lost} (the profiler itself slows the isolate)`);
    const wall = (profile.endTime - profile.startTime) / 1000;
    const self = selfTimes(profile);
    const busy = self.filter((s) => !s.name.startsWith("(idle)")).reduce((a, s) => a + s.ms, 0);
    console.log(`isolate busy ${busy.toFixed(0)} ms of ${wall.toFixed(0)} ms profiled; top self times:`);
    for (const s of self.slice(0, 20)) console.log(`  ${s.ms.toFixed(1).padStart(8)} ms  ${s.name}`);
    // Runs of consecutive garbage-collector samples: a collection's pause, as the sampler saw it.
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    const pauses: number[] = [];
    let run = 0;
    profile.samples.forEach((nodeId, i) => {
      if (byId.get(nodeId)!.callFrame.functionName === "(garbage collector)") run += (profile.timeDeltas[i] ?? 0) / 1000;
      else if (run > 0) {
        pauses.push(run);
        run = 0;
      }
    });
    pauses.sort((a, b) => b - a);
    console.log(`GC sample runs: ${pauses.length}, total ${pauses.reduce((a, b) => a + b, 0).toFixed(1)} ms, longest ${pauses.slice(0, 10).map((p) => p.toFixed(1)).join(", ")} ms`);
    if (out) writeFileSync(out, JSON.stringify(profile));
    console.log("heap usage", JSON.stringify(await cdp.call("Runtime.getHeapUsage")));
    // What the isolate allocates under the load: V8's sampling heap profiler, collected objects included.
    await cdp.call("HeapProfiler.enable");
    await cdp.call("HeapProfiler.startSampling", { samplingInterval: 4096, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
    await threaded.steady(ids, 10, 3_000);
    const sampled = await cdp.call<{ profile: { head: HeapNode } }>("HeapProfiler.stopSampling");
    const allocs = new Map<string, number>();
    const walk = (n: HeapNode) => {
      const f = n.callFrame;
      const name = `${f.functionName || "(anonymous)"} ${f.url.split("/").slice(-1)[0]}:${f.lineNumber + 1}`;
      allocs.set(name, (allocs.get(name) ?? 0) + n.selfSize);
      for (const c of n.children) walk(c);
    };
    walk(sampled.profile.head);
    console.log("allocated in 3 s (sampled), by function:");
    for (const [name, bytes] of [...allocs].sort((a, b) => b[1] - a[1]).slice(0, 12)) console.log(`  ${(bytes / 1e6).toFixed(2).padStart(8)} MB  ${name}`);
  } finally {
    cdp.close();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
