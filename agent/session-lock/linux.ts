// Lock state on Linux/X11, through what the desktop exposes:
//  - systemd-logind: the graphical session's LockedHint, `loginctl unlock-session` and
//    `loginctl lock-session` (GNOME, KDE and most lockers honour these signals). Unlocking
//    this way takes no password: it works for root and for the session's own user.
//  - xscreensaver: `xscreensaver-command -time` says whether the screen is locked,
//    `-lock` locks it.
//  - `xdg-screensaver lock` as the last way to lock. (`xdg-screensaver status` only says
//    whether a screensaver is enabled, not whether the screen is locked, so it is not used
//    to detect the state.)
// When the session stays locked after that (a locker that ignores logind's Unlock), the
// password can be typed into the lock screen through XTEST: X lockers grab the keyboard,
// so the keystrokes reach the lock dialog and nothing else.
import { type Log, silentLog } from "../log";
import type { CommandRunner, SessionLock, SignInCredentials } from "./types";

/** Presses and releases keys by X keysym: a ScreenSource is one. */
export type KeyTyper = { key(keysym: number, down: boolean): void };

export type LinuxSessionLockOptions = {
  run: CommandRunner;
  env?: NodeJS.ProcessEnv;
  /** The X display the agent serves (":0"); picks the logind session showing it. */
  display?: string;
  /** Fallback: types the password into the lock screen. */
  typer?: KeyTyper;
  log?: Log;
  sleep?: (ms: number) => Promise<void>;
  /** How long to wait for the state to follow an unlock. */
  settleMs?: number;
};

type LogindSession = { id: string; user: string };

const XK_Return = 0xff0d;
const XK_Shift_L = 0xffe1;

export class LinuxSessionLock implements SessionLock {
  readonly kind = "linux";
  private readonly run: CommandRunner;
  private readonly env: NodeJS.ProcessEnv;
  private readonly display: string | undefined;
  private readonly log: Log;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly opts: LinuxSessionLockOptions) {
    this.run = opts.run;
    this.env = opts.env ?? process.env;
    this.display = opts.display ?? this.env.DISPLAY;
    this.log = opts.log ?? silentLog;
    this.sleep = opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  async isLocked(): Promise<boolean | undefined> {
    const session = await this.logindSession();
    if (session) {
      const hint = await this.loginctl(["show-session", session.id, "-p", "LockedHint", "--value"]);
      if (hint.code === 0 && (hint.stdout.trim() === "yes" || hint.stdout.trim() === "no")) return hint.stdout.trim() === "yes";
    }
    return this.xscreensaverLocked();
  }

  async unlock(creds: SignInCredentials): Promise<boolean> {
    const session = await this.logindSession();
    if (session) {
      // Unlocking takes no password here, so the credentials must at least name the
      // session's own user: they never open someone else's desktop (nor get typed into it).
      if (creds.username && session.user && creds.username !== session.user) {
        this.log("sign-in refused: the locked session belongs to another user", { session: session.id });
        return false;
      }
      const r = await this.loginctl(["unlock-session", session.id]);
      if (r.code === 0 && (await this.settled(false))) return true;
      this.log("loginctl unlock-session did not unlock", { code: r.code, stderr: r.stderr.trim().slice(0, 200) });
    }
    if (this.opts.typer && creds.password && (await this.isLocked()) === true) {
      if (!(await this.typePassword(this.opts.typer, creds.password))) return (await this.isLocked()) === false;
      return this.settled(false);
    }
    return (await this.isLocked()) === false;
  }

  async lock(): Promise<boolean> {
    const session = await this.logindSession();
    if (session && (await this.loginctl(["lock-session", session.id])).code === 0) return true;
    if ((await this.run("xscreensaver-command", ["-lock"], { env: this.xEnv() })).code === 0) return true;
    return (await this.run("xdg-screensaver", ["lock"], { env: this.xEnv() })).code === 0;
  }

  /**
   * The graphical logind session the agent serves: $XDG_SESSION_ID when the agent runs
   * inside it, else (a service) the user session on our display, else the active one.
   */
  async logindSession(): Promise<LogindSession | undefined> {
    const own = this.env.XDG_SESSION_ID;
    if (own) {
      const p = await this.sessionProps(own);
      if (p) return { id: own, user: p.Name ?? "" };
    }
    const list = await this.loginctl(["list-sessions", "--no-legend"]);
    if (list.code !== 0) return undefined;
    const ids = list.stdout
      .split("\n")
      .map((l) => l.trim().split(/\s+/)[0] ?? "")
      .filter((id) => /^[\w-]+$/.test(id));
    let active: LogindSession | undefined;
    for (const id of ids) {
      const p = await this.sessionProps(id);
      if (!p || p.Class !== "user" || (p.Type !== "x11" && p.Type !== "wayland")) continue;
      const s = { id, user: p.Name ?? "" };
      if (this.display && p.Display === this.display) return s;
      if (!active && p.Active === "yes") active = s;
    }
    return active;
  }

  private async sessionProps(id: string): Promise<Record<string, string> | undefined> {
    const r = await this.loginctl(["show-session", id, "-p", "Name", "-p", "Class", "-p", "Type", "-p", "Display", "-p", "Active"]);
    if (r.code !== 0) return undefined;
    const props: Record<string, string> = {};
    for (const line of r.stdout.split("\n")) {
      const eq = line.indexOf("=");
      if (eq > 0) props[line.slice(0, eq)] = line.slice(eq + 1).trim();
    }
    return props;
  }

  private loginctl(args: string[]) {
    return this.run("loginctl", args, { env: this.env });
  }

  private async xscreensaverLocked(): Promise<boolean | undefined> {
    if (!this.display) return undefined;
    const r = await this.run("xscreensaver-command", ["-time"], { env: this.xEnv() });
    if (r.code !== 0) return undefined;
    if (/screen locked/i.test(r.stdout)) return true;
    if (/screen (non-)?blanked/i.test(r.stdout)) return false;
    return undefined;
  }

  /** Waits until the lock state is `want`, for up to settleMs. */
  private async settled(want: boolean): Promise<boolean> {
    const deadline = Date.now() + (this.opts.settleMs ?? 2000);
    for (;;) {
      if ((await this.isLocked()) === want) return true;
      if (Date.now() >= deadline) return false;
      await this.sleep(200);
    }
  }

  /**
   * Types the password and Return into the lock dialog; false, typing nothing, when the screen
   * is no longer locked once the dialog has had time to wake. A desktop still finishing an
   * unlock that logind took (it can take longer than settleMs) would otherwise get the
   * password in whatever window has the focus, and Return would send it.
   */
  private async typePassword(typer: KeyTyper, password: string): Promise<boolean> {
    // A Shift tap wakes the lock dialog without typing anything into it.
    tap(typer, XK_Shift_L);
    await this.sleep(700);
    // Checked last thing before the keys: the taps below take microseconds.
    if ((await this.isLocked()) !== true) {
      this.log("not typing the password: the screen is no longer locked");
      return false;
    }
    this.log("typing the password into the lock screen");
    for (const ch of password) tap(typer, keysymFor(ch));
    tap(typer, XK_Return);
    await this.sleep(300);
    return true;
  }

  private xEnv(): NodeJS.ProcessEnv {
    return this.display ? { ...this.env, DISPLAY: this.display } : this.env;
  }
}

function tap(typer: KeyTyper, keysym: number): void {
  typer.key(keysym, true);
  typer.key(keysym, false);
}

/** X keysym of a character: Latin-1 maps to itself, the rest to the Unicode keysym range. */
export function keysymFor(ch: string): number {
  const cp = ch.codePointAt(0) ?? 0x20;
  if ((cp >= 0x20 && cp <= 0x7e) || (cp >= 0xa0 && cp <= 0xff)) return cp;
  return 0x01000000 + cp;
}
