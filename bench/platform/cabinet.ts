// Figure 6: the cabinet's list for an account with many computers, and the web app's weight.
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { repoRoot } from "../../test/e2e/harness";

const wranglerBin = join(repoRoot, "node_modules", "wrangler", "bin", "wrangler.js");

const sql = (s: string) => `'${s.replace(/'/g, "''")}'`;

/**
 * SQL that adds `count` computers owned by `ownerId` (registering each through the agent API
 * would cost a PBKDF2 hash apiece). The rows look like linked agents: mixed OS, groups, some
 * online, a location.
 */
export function computersSql(ownerId: string, count: number): string[] {
  const oses = ["windows", "linux", "macos"];
  const rows: string[] = [];
  const now = Date.now();
  for (let i = 0; i < count; i++) {
    const id = randomUUID();
    rows.push(
      `(${[
        sql(id),
        sql(ownerId),
        sql(`bench-pc-${String(i).padStart(4, "0")}`),
        sql(oses[i % 3]!),
        sql("0.1.0"),
        sql(i % 5 === 0 ? "" : `group-${i % 7}`),
        i % 4 === 0 ? 1 : 0,
        1,
        sql(`192.0.2.${i % 250}`),
        sql("Berlin"),
        sql("DE"),
        now - i * 60_000,
        now - i * 3_600_000,
      ].join(", ")})`,
    );
  }
  const statements: string[] = [];
  for (let i = 0; i < rows.length; i += 250) {
    statements.push(
      "INSERT INTO computers (id, owner_id, name, os, agent_version, group_name, online, installed, public_ip, city, country, last_seen_at, created_at) VALUES\n" +
        rows.slice(i, i + 250).join(",\n") +
        ";",
    );
  }
  return statements;
}

/**
 * A plan for the relay and scale accounts with no practical session limit: when `wrangler dev`
 * reloads the Worker (a source file changed), the relays die without closing their history
 * rows, and those would count against a real plan's concurrent-session limit for the rest of the run.
 */
export const BENCH_PLAN = "bench-unlimited";
export function benchPlanSql(): string {
  return `INSERT INTO plans (id, name, max_computers, max_concurrent_sessions) VALUES (${sql(BENCH_PLAN)}, 'Bench', 1000, 100000);`;
}

/** Moves accounts to a plan (the bench needs the Business plan's 1,000 computers and 50 concurrent sessions). */
export function planSql(userIds: string[], planId: string): string {
  return `UPDATE users SET plan_id = ${sql(planId)} WHERE id IN (${userIds.map(sql).join(", ")});`;
}

/**
 * Runs statements against the local D1 of a running `wrangler dev` (harness.startWorker's state
 * dir). Asynchronous on purpose: blocking the event loop for the seconds wrangler takes would
 * leave fetch's idle keep-alive sockets unserviced, and the next request would hit one the
 * server has closed meanwhile ("other side closed").
 */
export async function d1Execute(stateDir: string, statements: string[]): Promise<void> {
  const file = join(stateDir, "bench-setup.sql");
  writeFileSync(file, statements.join("\n"));
  const child = spawn(process.execPath, [wranglerBin, "d1", "execute", "DB", "--local", "--persist-to", join(stateDir, "state"), "--file", file, "--yes"], {
    cwd: repoRoot,
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", NO_COLOR: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr.on("data", (d: Buffer) => (output += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  if (code !== 0) throw new Error(`wrangler d1 execute failed (exit ${code}):\n${output.slice(-3000)}`);
}

/** One timed GET; returns ms and the body's size (the body is read in full). */
export async function timedGet(url: string, cookie?: string): Promise<{ ms: number; bytes: number }> {
  const t0 = performance.now();
  // A deadline, should wrangler dev's proxy hold a GET that startWorker's pings do not release (decision 30).
  const res = await fetch(url, { headers: cookie ? { cookie } : {}, signal: AbortSignal.timeout(30_000) });
  const body = await res.arrayBuffer();
  const ms = performance.now() - t0;
  if (res.status !== 200) throw new Error(`GET ${url} answered ${res.status}`);
  return { ms, bytes: body.byteLength };
}

export type Weight = { gzipBytes: number; rawBytes: number; files: { path: string; raw: number; gzip: number }[] };

/**
 * What a first visit downloads before the app runs: the scripts, module preloads and
 * stylesheets that web/dist/index.html names, each gzipped (zlib's default level, as a
 * server compressing on the fly would), summed.
 */
export function initialWeight(distDir = join(repoRoot, "web", "dist")): Weight {
  const html = readFileSync(join(distDir, "index.html"), "utf8");
  const refs = new Set<string>();
  for (const tag of html.match(/<(script|link)\b[^>]*>/gi) ?? []) {
    const attr = (name: string) => new RegExp(`\\b${name}\\s*=\\s*["']([^"']+)["']`, "i").exec(tag)?.[1];
    if (/^<script/i.test(tag) && attr("src")) refs.add(attr("src")!);
    const rel = attr("rel")?.toLowerCase();
    if (/^<link/i.test(tag) && (rel === "stylesheet" || rel === "modulepreload") && attr("href")) refs.add(attr("href")!);
  }
  const files = [...refs]
    .filter((r) => !/^(https?:)?\/\//.test(r))
    .map((ref) => {
      const data = readFileSync(join(distDir, ref.replace(/^\//, "")));
      return { path: ref, raw: data.byteLength, gzip: gzipSync(data).byteLength };
    });
  if (files.length === 0) throw new Error("web/dist/index.html names no script or stylesheet");
  return { files, rawBytes: files.reduce((a, f) => a + f.raw, 0), gzipBytes: files.reduce((a, f) => a + f.gzip, 0) };
}
