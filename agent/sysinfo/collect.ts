// System information (F2.8) collected with the systeminformation package: a general part
// (OS, host, user, CPU, memory, uptime) and a detailed part (disks, network adapters,
// displays, BIOS and board where the OS tells). The probes run in a low-priority child
// process (probe-child.mjs) because some of them block; each is best effort: one that
// fails or hangs leaves its part empty instead of holding up the rest.
import { availableParallelism, hostname, networkInterfaces as osNetworkInterfaces, totalmem, uptime, userInfo } from "node:os";
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { Systeminformation as SI } from "systeminformation";
import { MAX_CONTROL_MSG_BYTES, type SystemInfo } from "../../protocol/control";
import { type Log, silentLog } from "../log";

export type CollectOptions = {
  agentVersion: string;
  /** The screen the agent serves: the display list when the OS names none (Xvfb, a VM). */
  screen?: { width: number; height: number };
  /** Per-probe time limit. */
  probeTimeoutMs?: number;
  /** Ends the probes early (the agent is stopping). */
  signal?: AbortSignal;
  log?: Log;
};

/** What the worker's probes return; a probe that failed is absent. */
export type ProbeResults = Partial<{
  osInfo: SI.OsData;
  cpu: SI.CpuData;
  mem: SI.MemData;
  time: SI.TimeData;
  diskLayout: SI.DiskLayoutData[];
  fsSize: SI.FsSizeData[];
  networkInterfaces: SI.NetworkInterfacesData[] | SI.NetworkInterfacesData;
  graphics: SI.GraphicsData;
  bios: SI.BiosData;
  baseboard: SI.BaseboardData;
}>;

/** Caps that keep a message far below MAX_CONTROL_MSG_BYTES even on a machine with many mounts or adapters. */
export const LIMITS = { disks: 32, network: 24, displays: 16, addresses: 8, text: 200 } as const;

/** Filesystems that are not storage a person would look for (pseudo and in-memory ones). */
const PSEUDO_FS = /^(tmpfs|devtmpfs|overlay|squashfs|proc|sysfs|cgroup2?|devpts|mqueue|autofs|fuse\.portal|nsfs|efivarfs|ramfs|tracefs|debugfs)$/i;

/** Runs every probe in a fresh child process, which exits with the answer. */
export function runProbes(probeTimeoutMs: number, log: Log = silentLog, signal?: AbortSignal): Promise<ProbeResults> {
  return new Promise((resolve, reject) => {
    const script = fileURLToPath(new URL("./probe-child.mjs", import.meta.url));
    // No inherited loader flags (tsx): the script is plain JavaScript.
    const child = fork(script, [String(probeTimeoutMs)], { execArgv: [], stdio: ["ignore", "ignore", "pipe", "ipc"], signal });
    let stderr = "";
    child.stderr?.on("data", (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
    // A probe stuck in a synchronous call cannot be timed out inside the child.
    const timer = setTimeout(() => child.kill("SIGKILL"), probeTimeoutMs + 5000);
    child.once("message", (msg) => {
      clearTimeout(timer);
      const out: Record<string, unknown> = {};
      for (const [name, r] of Object.entries(msg as Record<string, { value?: unknown; error?: string }>)) {
        if (r.error !== undefined) log("system info probe failed", { probe: name, error: r.error });
        else out[name] = r.value;
      }
      resolve(out as ProbeResults);
    });
    child.once("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`system info probes exited with ${signal ?? code}: ${stderr.trim()}`));
    });
  });
}

export async function collectSystemInfo(opts: CollectOptions): Promise<SystemInfo> {
  const r = await runProbes(opts.probeTimeoutMs ?? 15_000, opts.log, opts.signal);
  return shapeSystemInfo(r, opts);
}

/** SystemInfo from the probes' raw answers. */
export function shapeSystemInfo(r: ProbeResults, opts: Pick<CollectOptions, "agentVersion" | "screen">): SystemInfo {
  const { osInfo, cpu, mem, time, diskLayout, fsSize, networkInterfaces: nics, graphics, bios, baseboard: board } = r;

  const disks: SystemInfo["detail"]["disks"] = [];
  for (const d of diskLayout ?? []) {
    if (!(num(d.size) > 0)) continue;
    disks.push({ name: text(d.name || d.device), type: text(d.type || d.interfaceType || "disk"), sizeBytes: num(d.size) });
  }
  for (const f of fsSize ?? []) {
    if (!(num(f.size) > 0) || PSEUDO_FS.test(String(f.type))) continue;
    disks.push({ name: text(f.fs), type: text(f.type), sizeBytes: num(f.size), usedBytes: num(f.used), mount: text(f.mount) });
  }

  // systeminformation gives one address of each family per adapter; Node lists them all.
  const addrs = osNetworkInterfaces();
  const network: SystemInfo["detail"]["network"] = [];
  for (const n of Array.isArray(nics) ? nics : nics ? [nics] : []) {
    if (n.internal) continue;
    const all = addrs[n.iface] ?? [];
    const family = (f: string, fallback: string) => {
      const list = all.filter((a) => a.family === f && !a.internal).map((a) => a.address);
      return (list.length ? list : fallback ? [fallback] : []).slice(0, LIMITS.addresses).map(text);
    };
    network.push({
      name: text(n.ifaceName || n.iface),
      mac: text(n.mac),
      ipv4: family("IPv4", n.ip4),
      ipv6: family("IPv6", n.ip6),
      ...(num(n.speed) > 0 ? { speedMbps: num(n.speed) } : {}),
    });
  }

  let displays: SystemInfo["detail"]["displays"] = (graphics?.displays ?? [])
    .filter((d) => num(d.currentResX || d.resolutionX) > 0)
    .map((d, i) => ({
      name: text(d.model || d.deviceName || d.connection || `Display ${i + 1}`),
      width: num(d.currentResX || d.resolutionX),
      height: num(d.currentResY || d.resolutionY),
      primary: d.main === true,
    }));
  if (displays.length === 0 && opts.screen) displays = [{ name: "Screen", width: opts.screen.width, height: opts.screen.height, primary: true }];

  const info: SystemInfo = {
    general: {
      os: text(osInfo?.distro || osInfo?.platform || process.platform),
      osVersion: text([osInfo?.release, osInfo?.codename && `(${osInfo.codename})`, osInfo?.kernel && `kernel ${osInfo.kernel}`].filter(Boolean).join(" ")),
      hostname: text(osInfo?.hostname || hostname()),
      user: text(currentUser()),
      cpu: text([cpu?.manufacturer, cpu?.brand].filter(Boolean).join(" ") || "unknown"),
      // Node's own figures when a probe failed.
      cores: num(cpu?.cores) || availableParallelism(),
      memoryBytes: num(mem?.total) || totalmem(),
      uptimeSeconds: Math.round(num(time?.uptime) || uptime()),
      agentVersion: text(opts.agentVersion),
    },
    detail: { disks, network, displays },
  };
  if (bios && (bios.vendor || bios.version)) {
    info.detail.bios = { vendor: text(bios.vendor), version: text(bios.version), date: text(bios.releaseDate) };
  }
  if (board && (board.manufacturer || board.model)) {
    info.detail.board = { manufacturer: text(board.manufacturer), model: text(board.model), ...(board.serial ? { serial: text(board.serial) } : {}) };
  }
  return fitSystemInfo(info);
}

/** The message's size in bytes as sent. */
export function systemInfoBytes(info: SystemInfo): number {
  return Buffer.byteLength(JSON.stringify({ type: "system-info", info }));
}

/**
 * Caps the lists, then halves them until the message fits well inside
 * MAX_CONTROL_MSG_BYTES (strings are already capped at LIMITS.text).
 */
export function fitSystemInfo(info: SystemInfo, maxBytes = MAX_CONTROL_MSG_BYTES - 4096): SystemInfo {
  const d = info.detail;
  const out: SystemInfo = {
    general: info.general,
    detail: {
      ...d,
      disks: d.disks.slice(0, LIMITS.disks),
      network: d.network.slice(0, LIMITS.network),
      displays: d.displays.slice(0, LIMITS.displays),
    },
  };
  while (systemInfoBytes(out) > maxBytes) {
    const o = out.detail;
    const longest = Math.max(o.disks.length, o.network.length, o.displays.length);
    if (longest <= 1) break;
    const half = Math.ceil(longest / 2);
    o.disks = o.disks.slice(0, half);
    o.network = o.network.slice(0, half);
    o.displays = o.displays.slice(0, half);
  }
  return out;
}

/**
 * What counts as "changed": everything but the uptime, with disk usage rounded to whole
 * GiB so a growing log file does not rewrite the computer's row every check.
 */
export function systemInfoKey(info: SystemInfo): string {
  const GiB = 1024 ** 3;
  return JSON.stringify({
    general: { ...info.general, uptimeSeconds: 0 },
    detail: {
      ...info.detail,
      disks: info.detail.disks.map((d) => (d.usedBytes === undefined ? d : { ...d, usedBytes: Math.round(d.usedBytes / GiB) })),
    },
  });
}

function currentUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER || process.env.USERNAME || "unknown";
  }
}

/** A finite number for the schema (JSON turns NaN and Infinity into null). */
function num(n: unknown): number {
  const v = typeof n === "number" ? n : Number(n);
  return Number.isFinite(v) ? v : 0;
}

function text(s: unknown): string {
  const v = typeof s === "string" ? s.trim() : s == null ? "" : String(s);
  return v.length > LIMITS.text ? `${v.slice(0, LIMITS.text - 1)}…` : v;
}
