// Runs the systeminformation probes in a child process at low priority: several of them
// call execSync (networkInterfaces blocks ~0.4 s on Linux), which in the agent would
// freeze a running stream session, and the commands they spawn inherit the low priority.
// Plain JavaScript, so it runs under plain node whatever loaded the agent.
// argv[2]: the per-probe time limit in ms. Sends { [probe]: { value } | { error } } over IPC.
import { setPriority } from "node:os";
import si from "systeminformation";

try {
  setPriority(10);
} catch {
  // Not allowed here: run at normal priority.
}

const probes = {
  osInfo: () => si.osInfo(),
  cpu: () => si.cpu(),
  mem: () => si.mem(),
  time: async () => si.time(),
  diskLayout: () => si.diskLayout(),
  fsSize: () => si.fsSize(),
  networkInterfaces: () => si.networkInterfaces(),
  graphics: () => si.graphics(),
  bios: () => si.bios(),
  baseboard: () => si.baseboard(),
};

const ms = Number(process.argv[2]) || 15000;

function withTimeout(p) {
  let timer;
  return Promise.race([
    p,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

const entries = await Promise.all(
  Object.entries(probes).map(async ([name, run]) => {
    try {
      return [name, { value: await withTimeout(run()) }];
    } catch (err) {
      return [name, { error: String(err) }];
    }
  }),
);
process.send(Object.fromEntries(entries), () => process.exit(0));
