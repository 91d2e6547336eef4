// The agent's identity on disk: which server it belongs to, its computer id and its
// agent token, plus the settings the server pushed (F2.10). The token is a credential, so
// the file is private to its owner (0600); see protectFor for the installed agent.
import { randomBytes } from "node:crypto";
import { constants as fsConstants } from "node:fs";
import { chmod, chown, mkdir, open, readFile, rename, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { basename, dirname, join } from "node:path";
import { assertOnlyRootCanSwap, assertOnlyRootWrites } from "./root-path";

export type AgentIdentity = {
  /** Base URL of the Edgedesk server, e.g. https://edgedesk.example. */
  server: string;
  computerId: string;
  agentToken: string;
  /**
   * The owner's "allow configuring the agent without administrator rights" (AgentSettings);
   * absent until the server first sends it, which counts as false.
   */
  allowNonAdminConfig?: boolean;
  /** The computer's machine id when the agent signed in (machine-id.ts); absent where there is none. */
  machineId?: string;
};

/** How the agent runs, which decides who may own and change the file. */
export type SaveOptions = { installed?: boolean; uid?: number };

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
  const identity: AgentIdentity = { server: o.server, computerId: o.computerId, agentToken: o.agentToken };
  if (typeof o.allowNonAdminConfig === "boolean") identity.allowNonAdminConfig = o.allowNonAdminConfig;
  if (typeof o.machineId === "string") identity.machineId = o.machineId;
  return identity;
}

/** Writes the identity atomically (temp file + rename), readable by its owner only. */
export async function saveIdentity(path: string, identity: AgentIdentity, opts: SaveOptions = {}): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  // A name nobody can guess, created new ("wx": O_CREAT | O_EXCL, which also refuses a
  // symlink there): a predictable one could be made in advance by whoever may write in the
  // directory, to read the token or have a root agent write through a link.
  const tmp = `${path}.${randomBytes(8).toString("hex")}.tmp`;
  await writeFile(tmp, `${JSON.stringify(identity, null, 2)}\n`, { mode: 0o600, flag: "wx" });
  // writeFile's mode is filtered by the umask: 0600 whatever it is.
  await chmod(tmp, 0o600);
  await rename(tmp, path);
  await protectFor(path, identity, opts);
}

/**
 * Who may change the agent's configuration. The file always stays 0600 (it holds the
 * agent token, so it is never opened to other users, whatever the setting). When the
 * agent is installed (runs as a root service) and non-administrators may not configure
 * it, the file and its edgedesk/ directory are made root's: a user who created them
 * before the install can then no longer edit, replace or delete them.
 *
 * An installed root agent's file must also lie where no other user can put another directory
 * in its place (root-path.ts), whatever the setting: the setting is read from that very file,
 * so a user who could swap the directory could also claim non-admins may configure it.
 * Nothing is changed before that is checked, and the file is changed through a descriptor
 * opened without following a link: root never chmods or chowns what a user pointed it at.
 */
export async function protectFor(path: string, identity: AgentIdentity, opts: SaveOptions = {}): Promise<"root-only" | "owner-only"> {
  const uid = opts.uid ?? process.getuid?.() ?? -1;
  const rootService = opts.installed === true && uid === 0;
  const dir = dirname(path);
  if (rootService) await assertOnlyRootCanSwap(dir);
  const rootOnly = rootService && identity.allowNonAdminConfig !== true;
  const file = await open(path, fsConstants.O_RDONLY | fsConstants.O_NOFOLLOW);
  try {
    await file.chmod(0o600);
    if (rootOnly) await file.chown(0, 0);
  } finally {
    await file.close();
  }
  if (!rootOnly) return "owner-only";
  // Only our own directory: never a home or a shared config root.
  if (basename(dir) === "edgedesk") {
    await chown(dir, 0, 0);
    await chmod(dir, 0o700);
  }
  // The way to it was judged above; now that it is root's, what is in it must stay root's.
  await assertOnlyRootWrites(dir);
  return "root-only";
}
