// Process plumbing for the session bench: spawning with a log file, CPU time of a process
// tree from /proc, waiting for a TCP port, and stopping exactly what was started.
import { type ChildProcess, execFileSync, spawn, type SpawnOptions } from "node:child_process";
import { createWriteStream, readdirSync, readFileSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";

const CLK_TCK = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
})();

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

type Stat = { pid: number; ppid: number; ticks: number };

function readStat(pid: number): Stat | undefined {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name is in parentheses and may hold spaces: split after the last ")".
    const f = s.slice(s.lastIndexOf(")") + 2).split(" ");
    return { pid, ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]) };
  } catch {
    return undefined;
  }
}

/** The pid and all its descendants that are alive now. */
export function processTree(root: number): number[] {
  const all = readdirSync("/proc")
    .filter((d) => /^\d+$/.test(d))
    .map((d) => readStat(Number(d)))
    .filter((s): s is Stat => !!s);
  const out = [root];
  for (let i = 0; i < out.length; i++) for (const s of all) if (s.ppid === out[i]) out.push(s.pid);
  return out.filter((p) => all.some((s) => s.pid === p));
}

/** CPU seconds (user + system) used so far by a process and its live descendants. */
export function cpuSeconds(root: number): number {
  return processTree(root).reduce((n, pid) => n + (readStat(pid)?.ticks ?? 0), 0) / CLK_TCK;
}

export type Started = { name: string; proc: ChildProcess; group: boolean; log: string };

/** Spawns a command with its output in `<dir>/<name>.log`; `group` puts it in its own process group. */
export function start(dir: string, name: string, cmd: string, args: string[], opts: SpawnOptions & { group?: boolean } = {}): Started {
  const log = join(dir, `${name}.log`);
  const out = createWriteStream(log);
  const proc = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"], ...opts, detached: !!opts.group });
  proc.stdout?.pipe(out);
  proc.stderr?.pipe(out);
  proc.on("error", (e) => out.write(`spawn error: ${e.message}\n`));
  return { name, proc, group: !!opts.group, log };
}

function gone(p: ChildProcess): boolean {
  return p.exitCode !== null || p.signalCode !== null;
}

/** SIGTERM (to the group when it has one), SIGKILL after 3 s; resolves once it exited. */
export async function stop(s: Started): Promise<void> {
  const pid = s.proc.pid;
  if (pid === undefined) return;
  const signal = (sig: NodeJS.Signals) => {
    try {
      if (s.group) process.kill(-pid, sig);
      else if (!gone(s.proc)) s.proc.kill(sig);
    } catch {
      // Already gone.
    }
  };
  if (!gone(s.proc)) {
    const exited = new Promise<void>((r) => s.proc.once("exit", () => r()));
    signal("SIGTERM");
    const timer = setTimeout(() => signal("SIGKILL"), 3000);
    await exited;
    clearTimeout(timer);
  }
  // Children of a group leader may outlive it by a moment.
  if (s.group) signal("SIGKILL");
}

export function waitPort(port: number, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const sock = connect(port, "127.0.0.1");
      sock.once("connect", () => {
        sock.destroy();
        resolve();
      });
      sock.once("error", () => {
        sock.destroy();
        if (Date.now() > deadline) reject(new Error(`nothing listens on 127.0.0.1:${port}`));
        else setTimeout(attempt, 100);
      });
    };
    attempt();
  });
}

/** Resolves with the first stdout line matching `re` (rejects on exit or timeout). */
export function waitLine(p: ChildProcess, re: RegExp, timeoutMs = 15_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let buf = "";
    const timer = setTimeout(() => done(new Error(`no line matching ${re} within ${timeoutMs} ms: ${buf.slice(-300)}`)), timeoutMs);
    const onData = (d: Buffer) => {
      buf += d.toString();
      const line = buf.split("\n").find((l) => re.test(l));
      if (line) done(undefined, line);
    };
    const onExit = () => done(new Error(`exited before printing ${re}: ${buf.slice(-300)}`));
    const done = (err?: Error, line?: string) => {
      clearTimeout(timer);
      p.stdout?.off("data", onData);
      p.off("exit", onExit);
      if (err) reject(err);
      else resolve(line!);
    };
    p.stdout?.on("data", onData);
    p.once("exit", onExit);
  });
}

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ");
  } catch {
    return "";
  }
}

/** The top-most descendants of `root` whose command line matches `re` (their own trees not repeated). */
export function descendantsMatching(root: number, re: RegExp): number[] {
  const tree = processTree(root).slice(1);
  const hits = tree.filter((pid) => re.test(cmdline(pid)));
  return hits.filter((pid) => !hits.some((other) => other !== pid && processTree(other).includes(pid)));
}

/** CPU ticks per thread (by thread name) of a process tree, for a profile of where server time goes. */
export function threadCpu(root: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const pid of processTree(root)) {
    let tids: string[] = [];
    try {
      tids = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue;
    }
    for (const tid of tids) {
      try {
        const s = readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
        const comm = s.slice(s.indexOf("(") + 1, s.lastIndexOf(")")).replace(/[\d-]+$/, "");
        const name = tid === String(pid) ? `${comm} main thread` : `${comm} other threads`;
        const f = s.slice(s.lastIndexOf(")") + 2).split(" ");
        out.set(name, (out.get(name) ?? 0) + Number(f[11]) + Number(f[12]));
      } catch {
        // The thread ended.
      }
    }
  }
  return out;
}

export function threadCpuDelta(before: Map<string, number>, after: Map<string, number>): string {
  return [...after]
    .map(([k, v]) => [k, (v - (before.get(k) ?? 0)) / CLK_TCK] as const)
    .filter(([, v]) => v > 0)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ${v.toFixed(2)}`)
    .join(", ");
}

/** CPU seconds of a process tree grouped by a label taken from each process's command line. */
export function cpuByKind(root: number, kind: (cmdline: string) => string): Map<string, number> {
  const out = new Map<string, number>();
  for (const pid of processTree(root)) {
    const k = kind(cmdline(pid));
    out.set(k, (out.get(k) ?? 0) + (readStat(pid)?.ticks ?? 0) / CLK_TCK);
  }
  return out;
}
