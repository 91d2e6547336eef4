// Runs the session bench alone while developing it:
//   npx tsx bench/session/dev-run.ts [--quick] [--runs N]
import { sessionBench } from "./index";

const quick = process.argv.includes("--quick");
const runsAt = process.argv.indexOf("--runs");
if (runsAt > 0) process.env.BENCH_SESSION_RUNS = process.argv[runsAt + 1];
const t = Date.now();
const figures = await sessionBench.run({ quick, log: (m) => console.log(m) });
for (const f of figures) {
  console.log(
    `${f.label.padEnd(42)} ${String(f.edgedesk).padStart(10)} ${String(f.baseline).padStart(10)} ${f.unit.padEnd(6)} ratio ${String(f.ratio).padEnd(6)} ${f.target} ${f.met ? "MET" : "missed"}`,
  );
  if (f.note) console.log(`    ${f.note}`);
}
console.log(JSON.stringify(figures));
console.log(`took ${((Date.now() - t) / 1000).toFixed(1)} s`);
