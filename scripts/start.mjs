// `npm start`: the whole product locally on its embedded defaults.
// 1. applies the D1 migrations to the local database (.wrangler/state),
// 2. builds the web app,
// 3. runs the Worker with `wrangler dev` on http://localhost:8787 (local D1, R2, Durable
//    Objects, the dev e-mail outbox at /dev/mail).
import { spawn, spawnSync } from "node:child_process";

const port = process.env.PORT ?? "8787";

function run(cmd, args) {
  const r = spawnSync(cmd, args, { stdio: "inherit" });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

run("npx", ["wrangler", "d1", "migrations", "apply", "DB", "--local"]);
run("npm", ["run", "build:web"]);

const children = [];
const worker = spawn(
  "npx",
  ["wrangler", "dev", "--port", port, "--var", "DEV_MODE:true", "--show-interactive-dev-session=false"],
  { stdio: "inherit" },
);
children.push(worker);

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

if (await waitForHealth()) {
  console.log(`\nEdgedesk is running: http://localhost:${port}  (dev outbox: http://localhost:${port}/dev/mail)\n`);
}

function stop() {
  for (const c of children) c.kill("SIGTERM");
}
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
worker.on("exit", (code) => {
  stop();
  process.exit(code ?? 0);
});
