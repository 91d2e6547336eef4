// `npm run bench`: Edgedesk against its baselines, side by side in one run.
//   npm run bench                 full run; writes bench/results/latest.json and the table in BENCHMARKS.md
//   npm run bench -- --quick      smoke run (seconds): proves every part still starts; writes nothing
//   npm run bench -- --only NAME  one part (session | platform)
import { execSync } from "node:child_process";
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { parseArgs } from "node:util";
import { loadRowHasher } from "../agent/native/row-hashes";
import { loadDeflater } from "../agent/native/deflate";
import { loadJpegEncoder } from "../agent/native/jpeg";
import { loadMapSegment } from "../agent/native/shm-map";
import { platformBench } from "./platform/index";
import { sessionBench } from "./session/index";
import type { BenchPart, Figure } from "./types";

const { values: args } = parseArgs({ options: { quick: { type: "boolean", default: false }, only: { type: "string" } } });
const parts: BenchPart[] = [sessionBench, platformBench].filter((p) => !args.only || p.name === args.only);

function fmt(n: number | undefined): string {
  if (n === undefined || Number.isNaN(n)) return "–";
  if (Math.abs(n) >= 100) return n.toFixed(0);
  if (Math.abs(n) >= 10) return n.toFixed(1);
  return n.toFixed(2);
}

export function table(figures: Figure[]): string {
  const rows = figures.map((f) => [
    f.label,
    `${fmt(f.edgedesk)} ${f.unit}`,
    f.baseline === undefined ? "–" : `${fmt(f.baseline)} ${f.unit} (${f.baselineName})`,
    f.ratio === undefined ? "–" : `${fmt(f.ratio)}x`,
    f.target ?? "–",
    f.met === undefined ? "–" : f.met ? "met" : "MISSED",
  ]);
  const head = ["Figure", "Edgedesk", "Baseline", "Ratio", "Target", ""];
  return [head, head.map(() => "---"), ...rows].map((r) => `| ${r.join(" | ")} |`).join("\n");
}

function machine() {
  const cpu = cpus();
  let debian = "";
  try {
    debian = readFileSync("/etc/debian_version", "utf8").trim();
  } catch {}
  let chromium = "";
  try {
    chromium = execSync("chromium --version", { encoding: "utf8" }).trim();
  } catch {}
  // Which of the agent's native addons the measured agent had (agent/native; each has a slower fallback).
  const agentAddons = Object.entries({ "shm-map": loadMapSegment(), jpeg: loadJpegEncoder(), deflate: loadDeflater(), "row-hashes": loadRowHasher() })
    .filter(([, loaded]) => loaded)
    .map(([name]) => name);
  return { cpus: cpu.length, cpuModel: cpu[0]?.model ?? "", memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version, debian, chromium, agentAddons };
}

const started = Date.now();
const figures: Figure[] = [];
for (const part of parts) {
  const log = (msg: string) => process.stderr.write(`[${part.name}] ${msg}\n`);
  log(args.quick ? "quick run" : "full run");
  figures.push(...(await part.run({ quick: args.quick, log })));
}
const seconds = Math.round((Date.now() - started) / 1000);
const out = table(figures);
process.stdout.write(`\n${out}\n\n${figures.length} figures in ${seconds} s${args.quick ? " (quick: smoke run, not a measurement)" : ""}\n`);

if (!args.quick && !args.only) {
  const result = { date: new Date().toISOString(), durationSeconds: seconds, machine: machine(), figures };
  mkdirSync(new URL("./results/", import.meta.url), { recursive: true });
  writeFileSync(new URL("./results/latest.json", import.meta.url), `${JSON.stringify(result, null, 2)}\n`);
  const mdPath = new URL("../BENCHMARKS.md", import.meta.url);
  const md = readFileSync(mdPath, "utf8");
  const m = result.machine;
  const block = `<!-- bench:start -->\nMeasured ${result.date.slice(0, 10)} on ${m.cpus} x ${m.cpuModel}, ${m.memoryGiB} GiB, Node ${m.node}, Debian ${m.debian}, ${m.chromium}, the agent's native addons: ${m.agentAddons.join(", ") || "none"}; the run took ${seconds} s.\n\n${out}\n<!-- bench:end -->`;
  writeFileSync(mdPath, md.replace(/<!-- bench:start -->[\s\S]*<!-- bench:end -->/, block));
}
const missed = figures.filter((f) => f.met === false).length;
if (missed) process.stdout.write(`${missed} target(s) missed; see BENCHMARKS.md for what limits each.\n`);
