// `npm start`: the whole product locally on its embedded defaults.
// 1. applies the D1 migrations to the local database (.wrangler/state),
// 2. builds the web app,
// 3. runs the Worker with `wrangler dev` on http://localhost:8787 (local D1, R2, Durable
//    Objects, the dev e-mail outbox at /dev/mail),
// 4. runs the demo agent (a --virtual screen) that every account sees as its demo computer (F2.2).
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";

const port = process.env.PORT ?? "8787";

function run(cmd, args) {
  const r = spawnSync(cmd, args, { stdio: "inherit" });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

run("npx", ["wrangler", "d1", "migrations", "apply", "DB", "--local"]);
run("npm", ["run", "build:web"]);

// Each child leads its own process group, and stopping kills the whole group: `npx` does not
// pass SIGTERM on to what it started, and the demo agent (npx -> tsx -> node) outlived a
// stopped `npm start`.
const children = [];
const worker = spawn(
  "npx",
  ["wrangler", "dev", "--port", port, "--var", "DEV_MODE:true", "--show-interactive-dev-session=false"],
  { stdio: "inherit", detached: true },
);
children.push(worker);

let stopping = false;
function stop() {
  stopping = true;
  for (const c of children) {
    try {
      process.kill(-c.pid, "SIGTERM");
    } catch {
      // That group has ended already.
    }
  }
}
// Set before anything is awaited: the children are in their own groups, so a Ctrl+C, a
// closed terminal or a crash here during the start would otherwise leave them running.
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(signal, stop);
process.on("exit", stop);

async function waitForHealth() {
  for (let i = 0; i < 120; i++) {
    try {
      const res = await fetch(`http://localhost:${port}/api/health`);
      if (res.ok) return true;
    } catch {}
    await new Promise((r) => setTimeout(r, 500));
  }
  return false;
}

// The local demo computer's identity lives beside the local database, so both reset together.
const demoConfig = ".wrangler/demo-agent.json";
// The key wrangler dev accepts without configuration (worker/computers/demo.ts).
const DEV_DEMO_KEY = "edgedesk-local-demo-agent-key";

async function registerDemo() {
  const res = await fetch(`http://localhost:${port}/api/agent/register-demo`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Origin: `http://localhost:${port}`, "X-Demo-Key": DEV_DEMO_KEY },
    body: JSON.stringify({ name: "Demo computer" }),
  });
  if (!res.ok) throw new Error(`demo registration failed: ${res.status} ${await res.text()}`);
  const { computerId, agentToken } = await res.json();
  mkdirSync(".wrangler", { recursive: true });
  writeFileSync(demoConfig, JSON.stringify({ server: `http://localhost:${port}`, computerId, agentToken }), { mode: 0o600 });
}

let demoRestarts = 0;
/** The saved identity stays valid for the same local database on another port: point it here. */
function pointDemoAtThisPort() {
  const saved = JSON.parse(readFileSync(demoConfig, "utf8"));
  const server = `http://localhost:${port}`;
  if (saved.server !== server) writeFileSync(demoConfig, JSON.stringify({ ...saved, server }), { mode: 0o600 });
}

async function startDemoAgent() {
  if (!existsSync(demoConfig)) await registerDemo();
  else pointDemoAtThisPort();
  const agent = spawn("npx", ["tsx", "agent/main.ts", "--virtual", "--installed", "--config", demoConfig], { stdio: ["ignore", "ignore", "inherit"], detached: true });
  children.push(agent);
  agent.on("exit", (code) => {
    // 77: the server no longer knows this identity (the local database was reset): register anew.
    if (code === 77 && !stopping && demoRestarts++ < 1) {
      rmSync(demoConfig, { force: true });
      void startDemoAgent();
    }
  });
}

if (await waitForHealth()) {
  await startDemoAgent().catch((err) => console.error(`The demo computer did not start: ${err.message}`));
  console.log(`\nEdgedesk is running: http://localhost:${port}  (dev outbox: http://localhost:${port}/dev/mail)\n`);
}

worker.on("exit", (code) => {
  stop();
  process.exit(code ?? 0);
});
