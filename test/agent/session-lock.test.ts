// Automatic sign-in and relocking (F2.10): the decision "relock only if it was locked",
// the Linux commands against a scripted logind/xscreensaver (the command runner is the
// injected seam), the real command runner on this machine, and the wiring through the
// agent over a real control socket.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AgentRunner } from "../../agent/agent-runner";
import { VirtualSource } from "../../agent/screen/virtual-source";
import { runCommand } from "../../agent/session-lock/commands";
import { keysymFor, LinuxSessionLock } from "../../agent/session-lock/linux";
import { SignInCoordinator } from "../../agent/session-lock/sign-in";
import type { CommandRunner, SessionLock } from "../../agent/session-lock/types";
import { UnsupportedSessionLock } from "../../agent/session-lock/unsupported";
import { ViewerMsg } from "../../protocol/stream";
import { AGENT_TOKEN, COMPUTER_ID, FakeServer } from "./helpers/fake-server";
import { until, within } from "./helpers/wait";

const creds = { username: "ada", password: "s3cret-Ω" };

/** An OS session whose lock state the test sets; records what the agent did. */
class FakeLock implements SessionLock {
  readonly kind = "fake";
  calls: string[] = [];
  constructor(public locked: boolean | undefined) {}
  async isLocked() {
    this.calls.push("isLocked");
    return this.locked;
  }
  async unlock() {
    this.calls.push("unlock");
    this.locked = false;
    return true;
  }
  async lock() {
    this.calls.push("lock");
    this.locked = true;
    return true;
  }
}

describe("relock only if it was locked", () => {
  it("unlocks a locked session and locks it again at the end", async () => {
    const os = new FakeLock(true);
    const lease = await new SignInCoordinator(os).begin(creds);
    expect(lease).toMatchObject({ lockedAtStart: true, unlocked: true });
    expect(os.locked).toBe(false);
    await lease.end();
    expect(os.calls).toEqual(["isLocked", "unlock", "lock"]);
    expect(os.locked).toBe(true);
  });

  it("leaves an unlocked session unlocked, before and after", async () => {
    const os = new FakeLock(false);
    const lease = await new SignInCoordinator(os).begin(creds);
    expect(lease).toMatchObject({ lockedAtStart: false, unlocked: true });
    await lease.end();
    expect(os.calls).toEqual(["isLocked"]);
  });

  it("does nothing when the state cannot be known", async () => {
    const os = new FakeLock(undefined);
    const lease = await new SignInCoordinator(os).begin(creds);
    expect(lease).toMatchObject({ lockedAtStart: undefined, unlocked: false });
    await lease.end();
    expect(os.calls).toEqual(["isLocked"]);
  });

  it("relocks once, when the last of overlapping sessions ends; end is idempotent", async () => {
    const os = new FakeLock(true);
    const c = new SignInCoordinator(os);
    const a = await c.begin(creds);
    const b = await c.begin(creds); // finds it unlocked, but the first found it locked
    expect(b.lockedAtStart).toBe(false);
    await a.end();
    await a.end();
    expect(os.calls).not.toContain("lock");
    await b.end();
    expect(os.calls.filter((x) => x === "lock")).toHaveLength(1);
  });

  it("relocks when the agent stops mid-session, and later ends are no-ops", async () => {
    const os = new FakeLock(true);
    const c = new SignInCoordinator(os);
    const a = await c.begin(creds);
    await c.endAll();
    expect(os.locked).toBe(true);
    os.locked = false; // someone unlocked it at the keyboard afterwards
    await a.end();
    expect(os.calls.filter((x) => x === "lock")).toHaveLength(1);
  });

  it("unlocks nothing for a session that begins once the agent is stopping", async () => {
    const os = new FakeLock(true);
    const c = new SignInCoordinator(os);
    const stopping = c.endAll();
    // A viewer's first message that lands during shutdown queues its begin after endAll.
    const late = await c.begin(creds);
    await stopping;
    expect({ locked: os.locked, unlocked: late.unlocked, calls: os.calls.filter((x) => x !== "isLocked") }).toEqual({ locked: true, unlocked: false, calls: [] });
    await late.end();
    expect(os.calls.filter((x) => x !== "isLocked")).toEqual([]);
  });

  it("does not relock after a failed probe, and survives a throwing lock", async () => {
    const broken: SessionLock = {
      kind: "broken",
      isLocked: () => Promise.reject(new Error("boom")),
      unlock: () => Promise.reject(new Error("boom")),
      lock: () => Promise.reject(new Error("boom")),
    };
    const lease = await new SignInCoordinator(broken).begin(creds);
    expect(lease.lockedAtStart).toBeUndefined();
    await lease.end();
  });

  it("is not supported off Linux", async () => {
    const os = new UnsupportedSessionLock("win32");
    expect(await os.isLocked()).toBeUndefined();
    expect(await os.unlock()).toBe(false);
  });
});

/** logind and xscreensaver as their commands answer; what the tests would otherwise need a desktop for. */
class ScriptedDesktop {
  sessions = [
    { id: "c1", Name: "gdm", Class: "greeter", Type: "x11", Display: ":1", Active: "no", locked: false },
    { id: "4", Name: "ada", Class: "user", Type: "x11", Display: ":0", Active: "yes", locked: true },
  ];
  logind = true;
  /** Whether the locker honours logind's Unlock (xscreensaver, for one, does not). */
  honoursUnlock = true;
  xscreensaver: "locked" | "unlocked" | "absent" = "absent";
  xdgLock = true;
  log: string[] = [];

  run: CommandRunner = async (file, args, opts) => {
    this.log.push([file, ...args].join(" "));
    const ok = (stdout = "") => ({ code: 0, stdout, stderr: "" });
    const fail = (code = 1) => ({ code, stdout: "", stderr: "failed" });
    if (file === "loginctl") {
      if (!this.logind) return fail(127);
      const [cmd, id] = args;
      const s = this.sessions.find((x) => x.id === id);
      if (cmd === "list-sessions") return ok(this.sessions.map((x) => `${x.id} 1000 ${x.Name} seat0 tty2`).join("\n"));
      if (!s) return fail();
      if (cmd === "show-session" && args.includes("LockedHint")) return ok(`${s.locked ? "yes" : "no"}\n`);
      if (cmd === "show-session") return ok(["Name", "Class", "Type", "Display", "Active"].map((k) => `${k}=${(s as Record<string, unknown>)[k]}`).join("\n"));
      if (cmd === "unlock-session") {
        if (this.honoursUnlock) s.locked = false;
        return ok();
      }
      if (cmd === "lock-session") {
        s.locked = true;
        return ok();
      }
    }
    if (file === "xscreensaver-command") {
      if (this.xscreensaver === "absent" || !opts?.env?.DISPLAY) return fail(127);
      if (args[0] === "-time") return ok(`XScreenSaver 6.06: screen ${this.xscreensaver === "locked" ? "locked" : "non-blanked"} since Mon Jan 1\n`);
      if (args[0] === "-lock") {
        this.xscreensaver = "locked";
        return ok();
      }
    }
    if (file === "xdg-screensaver" && args[0] === "lock") return this.xdgLock ? ok() : fail(4);
    return fail(127);
  };
}

describe("Linux session lock", () => {
  const noSleep = async () => {};

  it("finds the user session on the agent's display and unlocks and relocks it through logind", async () => {
    const d = new ScriptedDesktop();
    const os = new LinuxSessionLock({ run: d.run, env: {}, display: ":0", sleep: noSleep });
    expect(await os.logindSession()).toEqual({ id: "4", user: "ada" });
    const c = new SignInCoordinator(os);
    const lease = await c.begin(creds);
    expect(lease).toMatchObject({ lockedAtStart: true, unlocked: true });
    expect(d.log).toContain("loginctl unlock-session 4");
    await lease.end();
    expect(d.log).toContain("loginctl lock-session 4");
    expect(d.sessions[1]!.locked).toBe(true);
  });

  it("uses $XDG_SESSION_ID when the agent runs inside the session", async () => {
    const d = new ScriptedDesktop();
    const os = new LinuxSessionLock({ run: d.run, env: { XDG_SESSION_ID: "4" }, sleep: noSleep });
    expect(await os.logindSession()).toEqual({ id: "4", user: "ada" });
    expect(d.log.some((l) => l.startsWith("loginctl list-sessions"))).toBe(false);
  });

  it("never unlocks another user's session (logind takes no password)", async () => {
    const d = new ScriptedDesktop();
    const keys: number[] = [];
    const typer = { key: (k: number) => keys.push(k) };
    const os = new LinuxSessionLock({ run: d.run, env: {}, display: ":0", typer, sleep: noSleep, settleMs: 0 });
    const lease = await new SignInCoordinator(os).begin({ username: "mallory", password: "x" });
    expect(lease.unlocked).toBe(false);
    expect(d.log).not.toContain("loginctl unlock-session 4");
    expect(keys).toEqual([]);
    await lease.end();
    expect(d.sessions[1]!.locked).toBe(true);
  });

  it("types the password into a locker that ignores logind's Unlock", async () => {
    const d = new ScriptedDesktop();
    d.honoursUnlock = false;
    const keys: number[] = [];
    const typer = {
      key(keysym: number, down: boolean) {
        if (!down) return;
        keys.push(keysym);
        if (keysym === 0xff0d) d.sessions[1]!.locked = false; // Return: the locker checks the password
      },
    };
    const os = new LinuxSessionLock({ run: d.run, env: {}, display: ":0", typer, sleep: noSleep, settleMs: 0 });
    expect(await os.unlock(creds)).toBe(true);
    expect(keys).toEqual([0xffe1, ...[..."s3cret-"].map((ch) => ch.charCodeAt(0)), 0x010003a9, 0xff0d]);
  });

  it("types nothing into a desktop that finishes an unlock logind took while the dialog wakes", async () => {
    // logind takes the Unlock; the desktop reads locked for a while longer (past settleMs),
    // then opens: the password must not land in whatever window then has the focus.
    const d = new ScriptedDesktop();
    d.honoursUnlock = false;
    let reads = 0;
    const run = d.run;
    d.run = async (file, args, opts) => {
      if (file === "loginctl" && args.includes("LockedHint") && d.log.includes("loginctl unlock-session 4") && ++reads >= 3) d.sessions[1]!.locked = false;
      return run(file, args, opts);
    };
    const keys: number[] = [];
    const typer = { key: (k: number, down: boolean) => void (down && keys.push(k)) };
    const os = new LinuxSessionLock({ run: d.run, env: {}, display: ":0", typer, sleep: noSleep, settleMs: 0 });
    expect(await os.unlock(creds)).toBe(true);
    expect(keys.filter((k) => k !== 0xffe1)).toEqual([]); // a Shift tap at most
  });

  it("falls back to xscreensaver without logind, and to xdg-screensaver to lock", async () => {
    const d = new ScriptedDesktop();
    d.logind = false;
    d.xscreensaver = "locked";
    const os = new LinuxSessionLock({ run: d.run, env: {}, display: ":0", sleep: noSleep, settleMs: 0 });
    expect(await os.isLocked()).toBe(true);
    d.xscreensaver = "unlocked";
    expect(await os.isLocked()).toBe(false);
    expect(await os.lock()).toBe(true);
    expect(d.xscreensaver).toBe("locked");
    d.xscreensaver = "absent";
    expect(await os.isLocked()).toBeUndefined();
    expect(await os.lock()).toBe(true);
    expect(d.log.at(-1)).toBe("xdg-screensaver lock");
  });

  it("maps characters to X keysyms", () => {
    expect(keysymFor("a")).toBe(0x61);
    expect(keysymFor("é")).toBe(0xe9);
    expect(keysymFor("€")).toBe(0x010020ac);
  });

  it("runs for real on this machine: the state is known or honestly unknown, nothing throws", async () => {
    expect(await runCommand("sh", ["-c", "echo hi; exit 3"])).toEqual({ code: 3, stdout: "hi\n", stderr: "" });
    expect((await runCommand("edgedesk-no-such-program", [])).code).toBe(127);
    const os = new LinuxSessionLock({ run: runCommand, display: process.env.DISPLAY });
    const state = await os.isLocked();
    expect([true, false, undefined]).toContain(state);
  });
});

describe("sign-in through the agent", () => {
  let server: FakeServer;
  const cleanups: (() => unknown)[] = [];
  beforeEach(async () => {
    server = await new FakeServer().listen();
  });
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
    await server.close();
  });

  function start(os: SessionLock) {
    const source = new VirtualSource();
    const runner = new AgentRunner({
      identity: { server: server.origin, computerId: COMPUTER_ID, agentToken: AGENT_TOKEN },
      source,
      sessionLock: os,
      screenshotIntervalMs: 0,
      collectSystemInfo: () => new Promise(() => {}),
      control: { heartbeatMs: 30_000, backoff: { baseMs: 20, maxMs: 100 } },
    });
    const done = runner.run();
    cleanups.push(() => source.close(), () => runner.stop());
    return { runner, done };
  }

  /** A locked computer, told to open a stream with credentials; its key frame has arrived. */
  async function signedInStream() {
    const os = new FakeLock(true);
    start(os);
    const c = await within(server.nextControl(), "a control connection");
    server.send(c, { type: "open-stream", sessionId: "s1", path: server.streamPath("s1"), signIn: creds });
    const viewer = await within(server.nextStream(), "a stream");
    await viewer.next();
    return { os, c, viewer };
  }

  it("unlocks for a session that brings credentials once a viewer is there, and relocks when it ends", async () => {
    const { os, c, viewer } = await signedInStream();
    // The stream is open and its key frame sent, but nobody has spoken from the other end yet.
    expect(os.calls).toEqual([]);
    viewer.send({ type: ViewerMsg.Refresh });
    await until(() => os.calls.includes("unlock"), "the unlock");
    expect(os.locked).toBe(false);
    server.send(c, { type: "close-stream", sessionId: "s1" });
    await viewer.closed;
    await until(() => os.calls.includes("lock"), "the relock");
  });

  it("never unlocks for a stream that no viewer joins", async () => {
    const { os, viewer } = await signedInStream();
    // The relay gives up on a lone agent (or Connect is refused after all): the stream closes.
    viewer.ws.close();
    await viewer.closed;
    await new Promise((r) => setTimeout(r, 100));
    expect(os.calls).toEqual([]);
  });

  it("leaves the lock alone for a session without credentials", async () => {
    const os = new FakeLock(true);
    start(os);
    const c = await within(server.nextControl(), "a control connection");
    server.send(c, { type: "open-stream", sessionId: "s1", path: server.streamPath("s1") });
    const viewer = await within(server.nextStream(), "a stream");
    viewer.ws.close();
    await viewer.closed;
    expect(os.calls).toEqual([]);
  });

  it("relocks when the agent stops during a signed-in session", async () => {
    const os = new FakeLock(true);
    const { runner, done } = start(os);
    const c = await within(server.nextControl(), "a control connection");
    server.send(c, { type: "open-stream", sessionId: "s1", path: server.streamPath("s1"), signIn: creds });
    const viewer = await within(server.nextStream(), "a stream");
    viewer.send({ type: ViewerMsg.Refresh });
    await until(() => os.calls.includes("unlock"), "the unlock");
    runner.stop();
    expect(await done).toBe("stopped");
    expect(os.calls.filter((x) => x === "lock")).toHaveLength(1);
  });
});
