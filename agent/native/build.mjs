// Builds the agent's native addons with node-gyp, as npm's postinstall:
// - shm-map: the MIT-SHM segment mapped instead of read (without it: pread);
// - jpeg: JPEGs with the machine's libjpeg-turbo (libjpeg62-turbo-dev) on the calling thread
//   (without it: sharp, at several times the CPU);
// - deflate: the stream's deflate on the calling thread, with the zlib inside Node (without
//   it: node:zlib's thread pool);
// - row-hashes: the scroll search's row hashes (without it: in JavaScript, more CPU on video).
// Node's headers come from npm's `nodedir` setting, the machine's own, or node-gyp's cache;
// without any, nothing is built (never downloaded). A failed build does not fail the install:
// the agent then takes the fallback and says so in its log. The tests expect all
// four on Linux (test/agent/shm-map.test.ts, jpeg-addon.test.ts, deflate-addon.test.ts,
// row-hashes-addon.test.ts).
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const addons = [
  { name: "shm-map", without: "the agent will read the SHM segment with pread" },
  { name: "jpeg", without: "the agent will encode JPEGs with sharp (is libjpeg62-turbo-dev installed?)" },
  { name: "deflate", without: "the agent will deflate with node:zlib" },
  { name: "row-hashes", without: "the agent will hash rows for its scroll search in JavaScript" },
];

if (process.platform !== "linux") {
  console.log("agent/native: the addons are for X11 on Linux; skipped");
  process.exit(0);
}
const skipAll = (why) => {
  for (const a of addons) console.warn(`agent/native: ${why}; ${a.without}`);
  process.exit(0);
};
// npm names its own node-gyp to lifecycle scripts; run by hand, use the one npm ships.
const gyp = [process.env.npm_config_node_gyp, join(dirname(process.execPath), "..", "lib", "node_modules", "npm", "node_modules", "node-gyp", "bin", "node-gyp.js")].find(
  (p) => p && existsSync(p),
);
if (!gyp) skipAll("node-gyp not found");
// Headers: npm's nodedir when npm runs this, else those installed beside this node (as
// Debian's and the official tarballs do), so node-gyp never tries to download them.
// Without either, only headers node-gyp has already cached will do: it would otherwise try
// to download them, which on a closed network can hang for minutes.
const prefix = join(dirname(process.execPath), "..");
const nodedir = process.env.npm_config_nodedir || (existsSync(join(prefix, "include", "node", "node_api.h")) ? prefix : undefined);
const cached = existsSync(join(homedir(), ".cache", "node-gyp", process.versions.node, "include", "node", "node_api.h"));
if (!nodedir && !cached) skipAll("no Node headers on this machine");
const args = [gyp, "rebuild", "--loglevel=warn", ...(nodedir ? [`--nodedir=${nodedir}`] : [])];
for (const addon of addons) {
  const run = spawnSync(process.execPath, args, { cwd: join(here, addon.name), stdio: "inherit" });
  if (run.status !== 0) console.warn(`agent/native: building ${addon.name} failed (exit ${run.status}); ${addon.without}`);
}
