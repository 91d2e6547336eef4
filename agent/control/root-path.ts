// Whether only root can change what a path leads to. An installed agent runs as root and
// keeps its identity where non-administrators may not change it (protectFor); that holds
// only if no other user can rename a directory on the way and put their own in its place
// (~/.config/edgedesk under a user's home: the user renames ~/.config/edgedesk and the root
// agent reads the user's file next). The rule is sshd's StrictModes: every directory from the
// file up to / is root's and writable by nobody else, but for a sticky one (/tmp), whose
// entries only their owner may rename, when the entry on the way is root's.
import { lstat, realpath } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { ConfigError } from "./config";

const STICKY = 0o1000;
const GROUP_OR_OTHER_WRITE = 0o022;

/**
 * Throws ConfigError when a user other than root could change what is in `dir` (the way to
 * it is assertOnlyRootCanSwap's).
 */
export async function assertOnlyRootWrites(dir: string): Promise<void> {
  const st = await lstat(dir);
  if (st.uid !== 0) throw new ConfigError(`${dir} belongs to uid ${st.uid}, who can change the installed agent's configuration in it`);
  // Sticky or not: in /tmp another user could have made the file before the agent.
  if (st.mode & GROUP_OR_OTHER_WRITE) throw new ConfigError(`${dir} is writable by other users, who can put their own configuration there`);
}

/**
 * Throws ConfigError when a user other than root could put another directory in the place
 * of `dir`, through a link on the way or a directory above it (what is inside it is
 * assertOnlyRootWrites's).
 */
export async function assertOnlyRootCanSwap(dir: string): Promise<void> {
  const path = await realDirectory(dir);
  await assertWayIsRootOnly(path, (await lstat(path)).uid);
}

/** `dir` as an absolute path, which must be real. */
async function realDirectory(dir: string): Promise<string> {
  // A link on the way could be pointed elsewhere by whoever owns the directory it is in, and
  // judging its target would not see that.
  const path = await realpath(dir);
  if (path !== resolve(dir)) throw new ConfigError(`${resolve(dir)} leads through a symbolic link (to ${path}): give --config the real path`);
  return path;
}

/** Every directory above `path` is root's and writable by no one else, or sticky with root's entry on the way. */
async function assertWayIsRootOnly(path: string, uid: number): Promise<void> {
  for (;;) {
    const parent = dirname(path);
    if (parent === path) return; // "/" is its own parent
    const parentSt = await lstat(parent);
    if (parentSt.uid !== 0) throw new ConfigError(`${parent} belongs to uid ${parentSt.uid}, who can replace ${path} and the agent's configuration under it`);
    if (parentSt.mode & GROUP_OR_OTHER_WRITE && !(parentSt.mode & STICKY && uid === 0)) {
      throw new ConfigError(`${parent} is writable by other users, who can replace ${path} and the agent's configuration under it`);
    }
    [path, uid] = [parent, parentSt.uid];
  }
}
