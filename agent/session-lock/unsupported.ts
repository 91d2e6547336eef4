// The OSes where the agent cannot tell or change the lock state (Windows and macOS for
// now; see agent/README.md for what each would need).
import type { SessionLock } from "./types";

export class UnsupportedSessionLock implements SessionLock {
  readonly kind = "unsupported";
  constructor(readonly platform: string = process.platform) {}
  async isLocked(): Promise<boolean | undefined> {
    return undefined;
  }
  async unlock(): Promise<boolean> {
    return false;
  }
  async lock(): Promise<boolean> {
    return false;
  }
}
