// Automatic sign-in and locking of the remote OS account (F2.10), behind one interface so
// each OS does what it can and says what it cannot.

/** The credentials the hub sends with one session (OpenStream.signIn). Never stored. */
export type SignInCredentials = { username: string; password: string };

export interface SessionLock {
  /** "linux", "unsupported", ... for logs. */
  readonly kind: string;
  /** true/false when known; undefined when this OS or desktop gives no way to tell. */
  isLocked(): Promise<boolean | undefined>;
  /** Unlocks the session for these credentials; true when it is unlocked afterwards. */
  unlock(creds: SignInCredentials): Promise<boolean>;
  /** Locks the session; true when a lock command was accepted. */
  lock(): Promise<boolean>;
}

/** Runs a command without a shell; never throws (a missing program is code 127). */
export type CommandRunner = (
  file: string,
  args: readonly string[],
  opts?: { timeoutMs?: number; env?: NodeJS.ProcessEnv },
) => Promise<CommandResult>;

export type CommandResult = { code: number; stdout: string; stderr: string };
