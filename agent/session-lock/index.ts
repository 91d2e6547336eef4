// The SessionLock for this OS.
import type { Log } from "../log";
import { runCommand } from "./commands";
import { type KeyTyper, LinuxSessionLock } from "./linux";
import type { SessionLock } from "./types";
import { UnsupportedSessionLock } from "./unsupported";

export type { SessionLock, SignInCredentials } from "./types";
export { SignInCoordinator, type SignInLease } from "./sign-in";

export function platformSessionLock(o: { display?: string; typer?: KeyTyper; log?: Log; platform?: NodeJS.Platform }): SessionLock {
  const platform = o.platform ?? process.platform;
  if (platform === "linux") return new LinuxSessionLock({ run: runCommand, display: o.display, typer: o.typer, log: o.log });
  return new UnsupportedSessionLock(platform);
}
