// Registration, the identity file, the control socket and the agent command, against a
// fake server that speaks the Worker's agent contract.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer as createHttpServer } from "node:http";
import { type AddressInfo, createServer as createNetServer } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AgentRunner, MAX_STREAM_SESSIONS } from "../../agent/agent-runner";
import { Backoff } from "../../agent/control/backoff";
import { defaultConfigPath, loadIdentity, saveIdentity } from "../../agent/control/config";
import { assertSecureServer, registerAgent, ServerError } from "../../agent/control/register";
import { takeEnvPassword } from "../../agent/password-input";
import { VirtualSource } from "../../agent/screen/virtual-source";
import { AGENT_VERSION } from "../../agent/version";
import { AgentMsg, CloseCode, FrameFlags, ViewerMsg } from "../../protocol/stream";
import { ACCOUNT, AGENT_TOKEN, COMPUTER_ID, FakeServer } from "./helpers/fake-server";
import { stopProcess } from "./helpers/xvfb";

let server: FakeServer;
let dir: string;
const cleanups: (() => unknown)[] = [];

beforeEach(async () => {
  server = await new FakeServer().listen();
  dir = mkdtempSync(join(tmpdir(), "edgedesk-agent-"));
});
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

const registration = { ...ACCOUNT, name: "test-box", os: "linux" as const, agentVersion: "0.1.0", installed: false };

function startRunner(opts: { heartbeatMs?: number } = {}) {
  const source = new VirtualSource();
  const runner = new AgentRunner({
    identity: { server: server.origin, computerId: COMPUTER_ID, agentToken: AGENT_TOKEN },
    source,
    name: "test-box",
    control: { heartbeatMs: opts.heartbeatMs ?? 30_000, backoff: { baseMs: 20, maxMs: 100 } },
  });
  const done = runner.run();
  cleanups.push(() => source.close(), () => runner.stop());
  return { runner, source, done };
}

describe("registration and identity", () => {
  it("registers and keeps the identity in a file only the user can read", async () => {
    const res = await registerAgent(server.origin, registration);
    expect(res).toEqual({ computerId: COMPUTER_ID, agentToken: AGENT_TOKEN });
    expect(server.registrations[0]).toMatchObject({ email: ACCOUNT.email, name: "test-box", os: "linux", installed: false });

    const path = join(dir, "nested", "agent.json");
    await saveIdentity(path, { server: server.origin, ...res });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(await loadIdentity(path)).toEqual({ server: server.origin, ...res });
    expect(await loadIdentity(join(dir, "missing.json"))).toBeUndefined();
  });

  it("writes through no file or link prepared beside the identity (the temp name was the pid's)", async () => {
    // Whoever may write in the directory prepared the old temp name: a link to a file of
    // theirs, to get the token written there (or, with a root agent, any file overwritten).
    const path = join(dir, "agent.json");
    const victim = join(dir, "victim.txt");
    writeFileSync(victim, "untouched");
    symlinkSync(victim, `${path}.${process.pid}.tmp`);
    await saveIdentity(path, { server: server.origin, computerId: COMPUTER_ID, agentToken: AGENT_TOKEN });
    expect(readFileSync(victim, "utf8")).toBe("untouched");
    expect(lstatSync(path).isSymbolicLink()).toBe(false);
    expect(await loadIdentity(path)).toMatchObject({ agentToken: AGENT_TOKEN });
    // No temp file left behind either.
    expect(readdirSync(dir).filter((f) => f.endsWith(".tmp") && !f.includes(String(process.pid)))).toEqual([]);
  });

  it("reports the server's message for wrong credentials", async () => {
    const err = await registerAgent(server.origin, { ...registration, password: "nope" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServerError);
    expect(err).toMatchObject({ status: 401, code: "invalid_credentials", message: "Wrong e-mail or password." });
  });

  it("talks only to an https:// server, but for this computer's loopback or when allowed on purpose", async () => {
    let fetched = 0;
    const counting = (async () => {
      fetched++;
      return new Response("{}");
    }) as unknown as typeof fetch;
    // Over plain http to another host the password would cross the network readable: refused
    // before any request.
    await expect(registerAgent("http://example.com", registration, counting)).rejects.toMatchObject({ code: "insecure_server" });
    expect(fetched).toBe(0);
    for (const ok of ["https://edgedesk.example", "http://localhost:8787", "http://127.0.0.1:9", "http://[::1]:8787"]) expect(() => assertSecureServer(ok, {})).not.toThrow();
    for (const bad of ["http://192.168.1.5", "http://example.com", "http://127.0.0.1.example.com"]) expect(() => assertSecureServer(bad, {}), bad).toThrow(ServerError);
    expect(() => assertSecureServer("http://192.168.1.5", { EDGEDESK_ALLOW_INSECURE_SERVER: "1" })).not.toThrow();
  });

  it("never follows a redirect with the password", async () => {
    // A server that answers the registration with a 307 to another host: fetch would POST
    // the same body (e-mail and password) there.
    let elsewhere = 0;
    const other = createHttpServer((_req, res) => (elsewhere++, res.end("{}")));
    const redirecting = createHttpServer((_req, res) => {
      res.writeHead(307, { location: `http://127.0.0.1:${(other.address() as { port: number }).port}/steal` });
      res.end();
    });
    await Promise.all([other, redirecting].map((s) => new Promise<void>((r) => s.listen(0, "127.0.0.1", () => r()))));
    cleanups.push(() => (other.close(), redirecting.close()));
    const err = await registerAgent(`http://127.0.0.1:${(redirecting.address() as { port: number }).port}`, registration).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "unreachable" });
    expect(elsewhere).toBe(0);
  });

  it("puts the config in the user's config directory", () => {
    expect(defaultConfigPath({ XDG_CONFIG_HOME: "/x" }, "linux")).toBe("/x/edgedesk/agent.json");
    expect(defaultConfigPath({ HOME: "/home/u" }, "linux")).toBe("/home/u/.config/edgedesk/agent.json");
  });

  it("backs off exponentially with jitter, capped", () => {
    const b = new Backoff({ baseMs: 1000, maxMs: 30_000, random: () => 1 });
    expect([1, 2, 3, 4, 5, 6, 7].map(() => b.next())).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000]);
    const low = new Backoff({ baseMs: 1000, maxMs: 30_000, random: () => 0 });
    expect(low.next()).toBe(500);
  });
});

describe("control socket", () => {
  it("says hello with its token, heartbeats, and opens and closes streams on request", async () => {
    startRunner({ heartbeatMs: 50 });
    const c = await within(server.nextControl(), "a control connection");
    expect(c.request.headers.authorization).toBe(`Bearer ${AGENT_TOKEN}`);
    // Its version rides along, so the hub stores it with "online", before the hello.
    expect(c.request.headers["x-edgedesk-agent-version"]).toBe(AGENT_VERSION);
    await until(() => c.hellos.length > 0);
    expect(c.hellos[0]).toEqual({
      type: "hello",
      name: "test-box",
      os: "linux",
      agentVersion: AGENT_VERSION,
      installed: false,
      screen: { width: 1280, height: 720 },
    });
    await until(() => c.texts.includes("ping"));

    server.send(c, { type: "open-stream", sessionId: "s1", path: server.streamPath("s1") });
    const viewer = await within(server.nextStream(), "a stream connection");
    const first = await viewer.nextUpdate();
    expect(first.frames[0]!.flags & FrameFlags.full).toBeTruthy();

    server.send(c, { type: "close-stream", sessionId: "s1" });
    expect((await within(viewer.closed, "the stream to close")).code).toBe(CloseCode.SessionEnded);
  });

  it("keeps the remote clipboard from its viewers while the hub says so (the demo computer), and sends it again when told", async () => {
    startRunner();
    const c = await within(server.nextControl(), "a control connection");
    await until(() => c.hellos.length > 0);
    const copied = async (sessionId: string) => {
      server.send(c, { type: "open-stream", sessionId, path: server.streamPath(sessionId) });
      const viewer = await within(server.nextStream(), "a stream connection");
      await viewer.nextUpdate();
      // Types a letter into the demo's text field, then Ctrl+C copies it.
      for (const [keysym, down] of [[0x61, true], [0x61, false], [0xffe3, true], [0x63, true], [0x63, false], [0xffe3, false]] as const) {
        viewer.send({ type: ViewerMsg.Key, keysym, down });
      }
      const deadline = Date.now() + 1000;
      while (Date.now() < deadline) {
        const m = await viewer.next(Math.max(1, deadline - Date.now())).catch(() => undefined);
        if (m?.[0] === AgentMsg.Clipboard) return true;
      }
      return false;
    };
    server.send(c, { type: "settings", allowNonAdminConfig: false, clipboardToViewers: false });
    expect(await copied("demo-1")).toBe(false);
    // A settings change without the field (the owner's other settings) changes nothing.
    server.send(c, { type: "settings", allowNonAdminConfig: true });
    expect(await copied("demo-2")).toBe(false);
    server.send(c, { type: "settings", allowNonAdminConfig: true, clipboardToViewers: true });
    expect(await copied("own-1")).toBe(true);
  });

  it("follows a stream path only on its own server", async () => {
    // Another host, as the agent sees it (127.0.0.2 is loopback too, but not its server's
    // host): it records every connection an open-stream could send there.
    const decoy = createNetServer((socket) => {
      decoyHits++;
      socket.destroy();
    });
    let decoyHits = 0;
    await new Promise<void>((resolve) => decoy.listen(0, "127.0.0.2", resolve));
    cleanups.push(() => new Promise((resolve) => decoy.close(resolve)));
    const elsewhere = `127.0.0.2:${(decoy.address() as AddressInfo).port}`;
    const { runner } = startRunner();
    const c = await within(server.nextControl(), "a control connection");
    // Each leads to the other host (absolute, protocol-relative, a backslash that URL parsing
    // reads as a slash), or is not a path at all.
    const paths = [`ws://${elsewhere}/relay/stream`, `//${elsewhere}/relay/stream`, `/\\${elsewhere}/relay/stream`, "relay/stream"];
    for (const [i, path] of paths.entries()) server.send(c, { type: "open-stream", sessionId: `evil${i}`, path });
    server.send(c, { type: "open-stream", sessionId: "ok", path: server.streamPath("ok") });
    await within(server.nextStream(), "a stream connection");
    // The path as given, on this server, the agent's only one.
    expect(server.streamRequests).toEqual([server.streamPath("ok")]);
    expect([...runner.sessions.keys()]).toEqual(["ok"]);
    await new Promise((r) => setTimeout(r, 100));
    expect(decoyHits).toBe(0);
  });

  it("survives open-streams it cannot follow: a fragment in the URL, an unnamed OS account", async () => {
    const { runner, done } = startRunner();
    let stopped = false;
    void done.then(() => (stopped = true));
    const c = await within(server.nextControl(), "a control connection");
    // ws refuses a URL with a fragment by throwing: that used to end the agent.
    server.send(c, { type: "open-stream", sessionId: "frag", path: `${server.streamPath("frag")}#x` });
    // Credentials with an empty user name would mean "whichever user": not a thing to act on.
    server.send(c, { type: "open-stream", sessionId: "anyone", path: server.streamPath("anyone"), signIn: { username: "", password: "x" } });
    server.send(c, { type: "open-stream", sessionId: "ok", path: server.streamPath("ok") });
    await within(server.nextStream(), "a stream connection");
    expect([...runner.sessions.keys()]).toEqual(["ok"]);
    expect(stopped).toBe(false);
  });

  it("runs at most MAX_STREAM_SESSIONS streams at once and refuses more with Busy", async () => {
    const { runner } = startRunner();
    const c = await within(server.nextControl(), "a control connection");
    for (let i = 0; i < MAX_STREAM_SESSIONS; i++) server.send(c, { type: "open-stream", sessionId: `s${i}`, path: server.streamPath(`s${i}`) });
    for (let i = 0; i < MAX_STREAM_SESSIONS; i++) await within(server.nextStream(), `stream ${i + 1}`);
    // One more: the agent joins it only to say no, so the viewer learns at once.
    server.send(c, { type: "open-stream", sessionId: "extra", path: server.streamPath("extra") });
    const refused = await within(server.nextStream(), "the refused stream's connection");
    expect(await within(refused.closed, "the refusal")).toMatchObject({ code: CloseCode.Busy });
    expect(server.streamRequests.at(-1)).toBe(server.streamPath("extra"));
    expect(runner.sessions.size).toBe(MAX_STREAM_SESSIONS);
    expect(runner.sessions.has("extra")).toBe(false);
  });

  it("reconnects after the connection drops", async () => {
    startRunner();
    const first = await within(server.nextControl(), "a control connection");
    first.ws.terminate();
    const second = await within(server.nextControl(), "a control connection");
    await until(() => second.hellos.length > 0);
    expect(server.controls).toHaveLength(2);
  });

  it("reconnects when heartbeats go unanswered", async () => {
    server.answerPings = false;
    startRunner({ heartbeatMs: 30 });
    const first = await within(server.nextControl(), "a control connection");
    await within(server.nextControl(), "a second control connection after silence");
    expect(first.texts.filter((t) => t === "ping").length).toBeGreaterThanOrEqual(2);
  });

  it("stops for good on 4401 and does not reconnect", async () => {
    server.closeControlWith = 4401;
    const { done } = startRunner();
    expect(await within(done, "the runner to stop")).toBe("unauthorized");
    await new Promise((r) => setTimeout(r, 200));
    expect(server.controls).toHaveLength(1);
  });
});

describe("agent command", () => {
  const run = (args: string[], env: NodeJS.ProcessEnv = process.env): ChildProcess => {
    const child = spawn(process.execPath, ["--import", "tsx", "agent/main.ts", ...args], {
      cwd: join(import.meta.dirname, "../.."),
      stdio: ["ignore", "ignore", "pipe"],
      env,
    });
    cleanups.push(() => stopProcess(child));
    return child;
  };
  const exited = (child: ChildProcess) => new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));

  it("signs in once, saves the identity, then runs from it; 4401 asks to sign in again", async () => {
    const config = join(dir, "agent.json");
    const signIn = ["--server", server.origin, "--email", ACCOUNT.email, "--password", ACCOUNT.password];
    const first = run(["--virtual", ...signIn, "--name", "cli-box", "--config", config, "--installed"]);
    const c = await within(server.nextControl(), "a control connection");
    await until(() => c.hellos.length > 0);
    expect(c.hellos[0]).toMatchObject({ name: "cli-box", installed: true, screen: { width: 1280, height: 720 } });
    expect(server.registrations[0]).toMatchObject({ installed: true });
    expect(statSync(config).mode & 0o777).toBe(0o600);
    first.kill("SIGTERM");
    expect(await exited(first)).toBe(0);

    // Second start: no password, identity from the file; the server now refuses the token.
    server.closeControlWith = 4401;
    const second = run(["--virtual", "--config", config]);
    let stderr = "";
    second.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
    expect(await exited(second)).toBe(77);
    expect(stderr).toContain("Sign in again");
    expect(server.registrations).toHaveLength(1);
    expect(JSON.parse(readFileSync(config, "utf8"))).toMatchObject({ server: server.origin, computerId: COMPUTER_ID });
  });

  it("notices an identity file copied from another computer, asks to sign in, and links that one anew", async () => {
    const config = join(dir, "copied.json");
    const machine = (name: string, id: string) => {
      writeFileSync(join(dir, name), `${id}\n`);
      return { ...process.env, EDGEDESK_MACHINE_ID_FILE: join(dir, name) };
    };
    const [a, b] = [machine("machine-a", "a".repeat(32)), machine("machine-b", "B".repeat(32))];
    const signIn = ["--server", server.origin, "--email", ACCOUNT.email, "--password", ACCOUNT.password];
    const stderrOf = (child: ChildProcess) => {
      let text = "";
      child.stderr!.on("data", (d: Buffer) => (text += d.toString()));
      return () => text;
    };

    // Signed in on computer A: the file records A.
    const first = run(["--virtual", ...signIn, "--config", config], a);
    await within(server.nextControl(), "a control connection");
    first.kill("SIGTERM");
    expect(await exited(first)).toBe(0);
    expect(JSON.parse(readFileSync(config, "utf8"))).toMatchObject({ computerId: COMPUTER_ID, machineId: "a".repeat(32) });

    // The same file on computer B: it does not connect as A's computer; it says what to do.
    const copy = run(["--virtual", "--config", config], b);
    const said = stderrOf(copy);
    expect(await exited(copy)).toBe(77);
    expect(said()).toContain("was made on another computer");
    expect(server.registrations).toHaveLength(1);
    expect(JSON.parse(readFileSync(config, "utf8"))).toMatchObject({ machineId: "a".repeat(32) });

    // Signed in there, B becomes a computer of its own.
    const relinked = run(["--virtual", ...signIn, "--config", config], b);
    await within(server.nextControl(), "a control connection");
    relinked.kill("SIGTERM");
    expect(await exited(relinked)).toBe(0);
    expect(server.registrations).toHaveLength(2);
    expect(JSON.parse(readFileSync(config, "utf8"))).toMatchObject({ machineId: "b".repeat(32) });

    // A file from before machine ids were recorded takes the computer's and runs.
    const old = join(dir, "old.json");
    await saveIdentity(old, { server: server.origin, computerId: COMPUTER_ID, agentToken: AGENT_TOKEN });
    const adopting = run(["--virtual", "--config", old], a);
    await within(server.nextControl(), "a control connection");
    adopting.kill("SIGTERM");
    expect(await exited(adopting)).toBe(0);
    expect(JSON.parse(readFileSync(old, "utf8"))).toMatchObject({ machineId: "a".repeat(32) });
    expect(server.registrations).toHaveLength(2);
  });

  it("stops the orderly way on SIGHUP and on a second signal, not killed by it", async () => {
    const config = join(dir, "signals.json");
    await saveIdentity(config, { server: server.origin, computerId: COMPUTER_ID, agentToken: AGENT_TOKEN });
    for (const signals of [["SIGHUP"], ["SIGINT", "SIGINT"]] as const) {
      const child = run(["--virtual", "--config", config]);
      const c = await within(server.nextControl(), "a control connection");
      await until(() => c.hellos.length > 0);
      const exit = new Promise<{ code: number | null; signal: string | null }>((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
      for (const s of signals) child.kill(s);
      // Exit code 0 from its own shutdown, not the signal's default (killed, no code).
      expect(await within(exit, "the agent to stop", 10_000)).toEqual({ code: 0, signal: null });
    }
  });
});

describe("the account password on first start", () => {
  const start = (args: string[], stdin: "pipe" | "ignore" = "ignore", env: Record<string, string> = {}) => {
    const child = spawn(process.execPath, ["--import", "tsx", "agent/main.ts", "--virtual", "--server", server.origin, "--email", ACCOUNT.email, ...args], {
      cwd: join(import.meta.dirname, "../.."),
      stdio: [stdin, "ignore", "pipe"],
      env: { ...process.env, ...env },
    });
    cleanups.push(() => stopProcess(child));
    return child;
  };

  it("reads it from standard input with --password-stdin", async () => {
    const child = start(["--password-stdin", "--config", join(dir, "stdin.json")], "pipe");
    child.stdin!.end(`${ACCOUNT.password}\n`);
    await within(server.nextControl(), "a control connection");
    expect(server.registrations.at(-1)).toMatchObject({ email: ACCOUNT.email, password: ACCOUNT.password });
  });

  it("reads it from EDGEDESK_PASSWORD, which the commands it runs do not inherit", async () => {
    const child = start(["--config", join(dir, "env.json")], "ignore", { EDGEDESK_PASSWORD: ACCOUNT.password });
    await within(server.nextControl(), "a control connection");
    expect(server.registrations.at(-1)).toMatchObject({ email: ACCOUNT.email, password: ACCOUNT.password });
    expect(child.exitCode).toBeNull();
    // What the agent does with the variable, here in this process: taken, then gone for children.
    process.env.EDGEDESK_PASSWORD = "in-the-environment";
    expect(takeEnvPassword()).toBe("in-the-environment");
    expect(execFileSync("env", { encoding: "utf8" })).not.toContain("EDGEDESK_PASSWORD");
  });

  it("asks for it at a terminal without echoing it", async () => {
    // A real pseudo-terminal (Python's pty module) in front of the agent, typing the password
    // with a mistake corrected by Backspace.
    const script = [
      "import os, pty, sys, time, select",
      "pid, fd = pty.fork()",
      "if pid == 0:",
      "    os.execvp(sys.argv[1], sys.argv[1:])",
      "out = b''",
      "def read(secs):",
      "    global out",
      "    end = time.time() + secs",
      "    while time.time() < end:",
      "        r, _, _ = select.select([fd], [], [], 0.05)",
      "        if r:",
      "            try: out += os.read(fd, 4096)",
      "            except OSError: return",
      "read_until = time.time() + 20",
      "while b'Password:' not in out and time.time() < read_until: read(0.1)",
      "os.write(fd, os.environ['TYPED'].encode())",
      "read(1.5)",
      "sys.stdout.write(out.decode(errors='replace'))",
      "os.kill(pid, 15)",
    ].join("\n");
    const typed = `${ACCOUNT.password}x\u007f\r`;
    const child = spawn(
      "python3",
      ["-c", script, process.execPath, "--import", "tsx", "agent/main.ts", "--virtual", "--server", server.origin, "--email", ACCOUNT.email, "--password-stdin", "--config", join(dir, "tty.json")],
      { cwd: join(import.meta.dirname, "../.."), env: { ...process.env, TYPED: typed }, stdio: ["ignore", "pipe", "inherit"] },
    );
    cleanups.push(() => stopProcess(child));
    let terminal = "";
    child.stdout!.on("data", (d: Buffer) => (terminal += d.toString()));
    await within(server.nextControl(), "a control connection", 20_000);
    expect(server.registrations.at(-1)).toMatchObject({ email: ACCOUNT.email, password: ACCOUNT.password });
    await within(new Promise((r) => child.once("exit", r)), "the terminal script to end", 10_000);
    expect(terminal).toContain("Password:");
    expect(terminal).not.toContain(ACCOUNT.password);
  });

  it("takes --password off the process's command line, where every local user could read it", async () => {
    const child = start(["--password", ACCOUNT.password, "--config", join(dir, "argv.json")]);
    await within(server.nextControl(), "a control connection");
    const cmdline = readFileSync(`/proc/${child.pid}/cmdline`, "utf8");
    expect(cmdline).not.toContain(ACCOUNT.password);
    expect(cmdline).toContain("edgedesk-agent");
  });
});

/** Fails with a named reason instead of the test's generic timeout. */
function within<T>(p: Promise<T>, what: string, ms = 5000): Promise<T> {
  return Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`timed out: ${what}`)), ms))]);
}

async function until(probe: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 10));
  }
}
