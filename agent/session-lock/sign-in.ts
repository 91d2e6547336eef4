// The decision logic of F2.10 around sessions: a session that brings credentials unlocks
// the OS session if it is locked, and when the last such session ends the OS session is
// locked again, but only if it was locked when one of them began. A computer someone is
// using unlocked stays unlocked after a remote session.
import { type Log, silentLog } from "../log";
import type { SessionLock, SignInCredentials } from "./types";

export type SignInLease = {
  /** Whether the OS session was locked when this session began (undefined: unknown). */
  readonly lockedAtStart: boolean | undefined;
  /** Whether it is unlocked now as far as the agent can tell. */
  readonly unlocked: boolean;
  /** Ends this session's claim; idempotent. */
  end(): Promise<void>;
};

export class SignInCoordinator {
  private active = 0;
  private relockAtEnd = false;
  /** Bumped by endAll, so leases from before it do nothing. */
  private generation = 0;
  /** begin and end run one at a time, in order. */
  private chain: Promise<unknown> = Promise.resolve();
  /** Set by endAll: the agent is stopping, and a begin that comes after it unlocks nothing. */
  private stopping = false;

  constructor(
    private readonly lock: SessionLock,
    private readonly log: Log = silentLog,
  ) {}

  begin(creds: SignInCredentials): Promise<SignInLease> {
    return this.serial(async () => {
      if (this.stopping) {
        // Queued behind endAll (a viewer's first message during shutdown): the process may
        // exit at any moment, and must not leave the OS session unlocked.
        this.log("not unlocking the OS session: the agent is stopping");
        return { lockedAtStart: undefined, unlocked: false, end: () => this.chain.then(() => {}) };
      }
      this.active++;
      const gen = this.generation;
      const lockedAtStart = await this.safe(() => this.lock.isLocked(), undefined);
      let unlocked = lockedAtStart === false;
      if (lockedAtStart === true) {
        this.relockAtEnd = true;
        unlocked = await this.safe(() => this.lock.unlock(creds), false);
        this.log(unlocked ? "unlocked the OS session for a remote session" : "could not unlock the OS session", { lock: this.lock.kind });
      }
      let ended = false;
      return {
        lockedAtStart,
        unlocked,
        end: () => {
          if (ended) return this.chain.then(() => {});
          ended = true;
          return this.serial(() => (gen === this.generation ? this.release() : Promise.resolve()));
        },
      };
    });
  }

  /** Ends every claim now (the agent is stopping), relocking if needed; later begins unlock nothing. */
  endAll(): Promise<void> {
    this.stopping = true;
    return this.serial(async () => {
      if (this.active === 0) return;
      this.generation++;
      this.active = 1;
      await this.release();
    });
  }

  private async release(): Promise<void> {
    this.active = Math.max(0, this.active - 1);
    if (this.active > 0 || !this.relockAtEnd) return;
    this.relockAtEnd = false;
    const ok = await this.safe(() => this.lock.lock(), false);
    this.log(ok ? "locked the OS session again" : "could not lock the OS session again", { lock: this.lock.kind });
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn);
    this.chain = run.catch(() => {});
    return run;
  }

  private async safe<T>(fn: () => Promise<T>, fallback: T): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      this.log("session lock command failed", { error: String(err) });
      return fallback;
    }
  }
}
