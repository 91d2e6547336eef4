// The real agent as a child process (tsx agent/main.ts), as a user runs it, for browser tests
// that need a live session. Its output goes to a log file a failure message can quote.
import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Account } from "./backend";
import { repoRoot } from "./harness";

const tsxCli = join(repoRoot, "node_modules", "tsx", "dist", "cli.mjs");

export type AgentProcess = { proc: ChildProcess; log: string };

/**
 * Starts the agent for `account` under the computer name `name`; `screen` is e.g. ["--display", ":5"] or ["--virtual"];
 * `env` adds to this process's environment.
 */
export function startAgentProcess(baseUrl: string, workDir: string, account: Account, name: string, screen: string[], env: Record<string, string> = {}): AgentProcess {
  const log = join(workDir, `${name}.log`);
  const out = createWriteStream(log);
  const proc = spawn(
    process.execPath,
    [tsxCli, "agent/main.ts", "--server", baseUrl, "--email", account.email, "--password", account.password, "--name", name, "--config", join(workDir, `${name}.json`), ...screen],
    { cwd: repoRoot, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...env } },
  );
  proc.stdout!.pipe(out);
  proc.stderr!.pipe(out);
  return { proc, log };
}

/** The id of the account's computer called `name` once it is online. */
export async function onlineComputerId(baseUrl: string, cookie: string, name: string, agent: AgentProcess, timeoutMs = 30_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const res = await fetch(`${baseUrl}/api/computers`, { headers: { Cookie: cookie } });
    const { computers } = (await res.json()) as { computers: { id: string; name: string; online: boolean }[] };
    const found = computers.find((c) => c.name === name && c.online);
    if (found) return found.id;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const log = existsSync(agent.log) ? readFileSync(agent.log, "utf8").slice(-3000) : "(none)";
  throw new Error(`the agent "${name}" never came online; its log:\n${log}`);
}
