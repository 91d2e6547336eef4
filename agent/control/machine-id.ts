// Which computer this is, as the OS names it: the identity file records it when the agent
// signs in, so a copy of the file on another computer (a cloned disk or VM image, a backup
// restored elsewhere) is noticed instead of two computers taking turns as one, each one's
// connection replacing the other's. Linux only (systemd's /etc/machine-id, or D-Bus's);
// elsewhere there is none and nothing is compared.
import { readFile } from "node:fs/promises";

/** Where the id is read; EDGEDESK_MACHINE_ID_FILE replaces it (a container that mounts its own, the tests). */
function candidates(env: NodeJS.ProcessEnv): string[] {
  if (env.EDGEDESK_MACHINE_ID_FILE) return [env.EDGEDESK_MACHINE_ID_FILE];
  return process.platform === "linux" ? ["/etc/machine-id", "/var/lib/dbus/machine-id"] : [];
}

/** The machine id (32 hex digits), or undefined when this OS has none the agent can read. */
export async function readMachineId(env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  for (const path of candidates(env)) {
    try {
      const id = (await readFile(path, "utf8")).trim().toLowerCase();
      if (/^[0-9a-f]{32}$/.test(id)) return id;
    } catch {
      // Not there: the next one.
    }
  }
  return undefined;
}
