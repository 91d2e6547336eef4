// Builds the agent's one native addon (shm-map: the MIT-SHM segment mapped instead of read)
// with node-gyp, as npm's postinstall. Node's headers come from npm's `nodedir` setting, the
// machine's own, or node-gyp's cache; without any, nothing is built (never downloaded). A failed build does not
// fail the install: the agent then reads the segment with pread, as it did before the addon,
// and says so in its log (openX11Source). The tests expect the addon on Linux (test/agent/x11-source.test.ts).
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const dir = join(dirname(fileURLToPath(import.meta.url)), "shm-map");

if (process.platform !== "linux") {
  console.log("agent/native: shm-map is for X11 on Linux; skipped");
  process.exit(0);
}
// npm names its own node-gyp to lifecycle scripts; run by hand, use the one npm ships.
const gyp = [process.env.npm_config_node_gyp, join(dirname(process.execPath), "..", "lib", "node_modules", "npm", "node_modules", "node-gyp", "bin", "node-gyp.js")].find(
  (p) => p && existsSync(p),
);
if (!gyp) {
  console.warn("agent/native: node-gyp not found; the agent will read the SHM segment with pread");
  process.exit(0);
}
// Headers: npm's nodedir when npm runs this, else those installed beside this node (as
// Debian's and the official tarballs do), so node-gyp never tries to download them.
// Without either, only headers node-gyp has already cached will do: it would otherwise try
// to download them, which on a closed network can hang for minutes.
const prefix = join(dirname(process.execPath), "..");
const nodedir = process.env.npm_config_nodedir || (existsSync(join(prefix, "include", "node", "node_api.h")) ? prefix : undefined);
const cached = existsSync(join(homedir(), ".cache", "node-gyp", process.versions.node, "include", "node", "node_api.h"));
if (!nodedir && !cached) {
  console.warn("agent/native: no Node headers on this machine; the agent will read the SHM segment with pread");
  process.exit(0);
}
const args = [gyp, "rebuild", "--loglevel=warn", ...(nodedir ? [`--nodedir=${nodedir}`] : [])];
const run = spawnSync(process.execPath, args, { cwd: dir, stdio: "inherit" });
if (run.status !== 0) console.warn(`agent/native: building shm-map failed (exit ${run.status}); the agent will read the SHM segment with pread`);
