// The agent's identity on disk: which server it belongs to, its computer id and its
// agent token. The token is a credential, so the file is private to the user (0600).
import { chmod, mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { dirname, join } from "node:path";

export type AgentIdentity = {
  /** Base URL of the Edgedesk server, e.g. https://edgedesk.example. */
  server: string;
  computerId: string;
  agentToken: string;
};

export class ConfigError extends Error {}

/** The per-user config directory of this OS, plus edgedesk/agent.json. */
export function defaultConfigPath(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  const home = env.HOME || homedir();
  let base: string;
  if (platform === "win32") base = env.APPDATA || join(home, "AppData", "Roaming");
  else if (platform === "darwin") base = join(home, "Library", "Application Support");
  else base = env.XDG_CONFIG_HOME || join(home, ".config");
  return join(base, "edgedesk", "agent.json");
}

/** The saved identity, or undefined when there is none yet. */
export async function loadIdentity(path: string): Promise<AgentIdentity | undefined> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new ConfigError(`${path} is not valid JSON; remove it and sign in again`);
  }
  const o = v as Partial<AgentIdentity> | null;
  if (!o || typeof o.server !== "string" || typeof o.computerId !== "string" || typeof o.agentToken !== "string") {
    throw new ConfigError(`${path} lacks server, computerId or agentToken; remove it and sign in again`);
  }
  return { server: o.server, computerId: o.computerId, agentToken: o.agentToken };
}

/** Writes the identity atomically (temp file + rename), readable by this user only. */
export async function saveIdentity(path: string, identity: AgentIdentity): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(identity, null, 2)}\n`, { mode: 0o600 });
  // writeFile's mode only applies to new files, and the umask may have widened it.
  await chmod(tmp, 0o600);
  await rename(tmp, path);
}
