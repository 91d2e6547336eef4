// Opening an agent <-> viewer socket pair through either relay, so the load code never knows
// which one it drives. Edgedesk's pair is made the real way: an account, a linked computer,
// the agent's control socket answering the hub's `open-stream`, and Connect
// (POST /api/computers/{id}/sessions) for the viewer's path. Nothing on the Worker is mocked.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { apiFetch, connectAgent, linkComputer, type Account, type AgentConnection, type LinkedComputer } from "../../test/e2e/backend";
import { repoRoot } from "../../test/e2e/harness";
import { descendants } from "./load";
import { openUrlPair, type Pair, type PairUrls } from "./pair-sockets";

export type { Pair } from "./pair-sockets";

/** One account with one linked, online computer; every openPair() is a new remote session on it. */
export class EdgedeskSessions {
  private readonly streamUrls = new Map<string, string>();
  private readonly waiting = new Map<string, (url: string) => void>();

  private control: AgentConnection;
  private closed = false;

  private constructor(
    readonly baseUrl: string,
    private readonly cookie: string,
    readonly computer: LinkedComputer,
    control: AgentConnection,
  ) {
    this.control = control;
    this.listen(control);
  }

  private static readonly facts = { name: "bench-relay", os: "linux" as const, installed: true };

  /** Answers open-stream; if the control socket drops (e.g. wrangler dev reloaded the Worker), reconnects like an agent. */
  private listen(control: AgentConnection): void {
    control.socket.on("message", (data, isBinary) => {
      if (isBinary) return;
      const text = data.toString();
      if (text === "pong") return;
      const msg = JSON.parse(text) as { type: string; sessionId?: string; path?: string };
      if (msg.type !== "open-stream" || !msg.sessionId || !msg.path) return;
      // Joined to the server, as the agent does.
      const url = new URL(msg.path, this.baseUrl.replace(/^http/, "ws")).href;
      const waiter = this.waiting.get(msg.sessionId);
      if (waiter) waiter(url);
      else this.streamUrls.set(msg.sessionId, url);
    });
    control.socket.once("close", (code, reason) => {
      if (this.closed) return;
      this.reconnects++;
      const reconnecting = (async () => {
        for (let attempt = 0; ; attempt++) {
          try {
            this.control = await connectAgent(this.baseUrl, this.computer, EdgedeskSessions.facts);
            this.listen(this.control);
            return;
          } catch (e) {
            if (attempt >= 20) throw new Error(`the control socket closed (${code} ${reason.toString()}) and did not come back: ${String(e)}`);
            await new Promise((r) => setTimeout(r, 500));
          }
        }
      })();
      reconnecting.catch(() => {}); // openPair() rethrows it; nobody else must crash on it.
      this.reconnecting = reconnecting;
    });
  }

  /** How often the control socket had to be reopened (a sign the Worker restarted mid-run). */
  reconnects = 0;
  private reconnecting: Promise<void> | undefined;

  /** `account` must allow enough concurrent sessions (the bench puts it on the Business plan). */
  static async create(baseUrl: string, account: Account, cookie: string): Promise<EdgedeskSessions> {
    const computer = await linkComputer(baseUrl, account, EdgedeskSessions.facts);
    const control = await connectAgent(baseUrl, computer, EdgedeskSessions.facts);
    return new EdgedeskSessions(baseUrl, cookie, computer, control);
  }

  private agentUrl(sessionId: string): Promise<string> {
    const known = this.streamUrls.get(sessionId);
    if (known) return Promise.resolve(known);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no open-stream for session ${sessionId}`)), 15_000);
      this.waiting.set(sessionId, (url) => {
        clearTimeout(timer);
        this.waiting.delete(sessionId);
        resolve(url);
      });
    });
  }

  /** Connect, as the cabinet's button does: the URLs of both ends of the new session's stream. */
  async pairUrls(options: { rewritePort?: string } = {}): Promise<PairUrls> {
    await this.reconnecting;
    const res = await apiFetch(this.baseUrl, `/api/computers/${this.computer.computerId}/sessions`, { method: "POST", cookie: this.cookie });
    if (res.status !== 201) throw new Error(`POST .../sessions answered ${res.status}: ${await res.text()}`);
    const { sessionId, viewerPath } = (await res.json()) as { sessionId: string; viewerPath: string };
    // rewritePort: reach another listener of the same Worker (diagnosis only).
    const port = (url: string) => {
      if (!options.rewritePort) return url;
      const u = new URL(url);
      u.port = options.rewritePort;
      return u.toString();
    };
    // The viewer's ticket is good only with the sign-in cookie it was made for, as in a browser.
    return { agentUrl: port(await this.agentUrl(sessionId)), viewerUrl: port(`${this.baseUrl.replace(/^http/, "ws")}${viewerPath}`), viewerHeaders: { cookie: this.cookie } };
  }

  /** Connect, then both ends of the stream, in this process. */
  async openPair(options: { rewritePort?: string } = {}): Promise<Pair> {
    const urls = await this.pairUrls(options);
    return openUrlPair(urls.agentUrl, urls.viewerUrl, urls.viewerHeaders);
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.reconnecting?.catch(() => {});
    await this.control.close();
  }
}

export type NodeRelay = { url: string; pairUrls(): PairUrls; openPair(): Promise<Pair>; stop(): Promise<void> };

/** The baseline relay in its own Node process (see node-relay.ts). */
export async function startNodeRelayProcess(): Promise<NodeRelay> {
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", join(repoRoot, "bench", "platform", "node-relay.ts")], {
    cwd: repoRoot,
    // stdin stays open while this process lives: the relay exits when it closes, even after a crash here.
    stdio: ["pipe", "pipe", "inherit"],
  });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("the Node relay did not start")), 20_000);
    let out = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const m = /listening (\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.once("exit", (code) => reject(new Error(`the Node relay exited with ${code}`)));
  });
  const url = `ws://127.0.0.1:${port}`;
  const pairUrls = (): PairUrls => {
    const id = randomUUID();
    return { agentUrl: `${url}/pair/${id}/agent`, viewerUrl: `${url}/pair/${id}/viewer`, viewerHeaders: {} };
  };
  return {
    url,
    pairUrls,
    openPair: () => {
      const { agentUrl, viewerUrl } = pairUrls();
      return openUrlPair(agentUrl, viewerUrl);
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const timer = setTimeout(() => child.kill("SIGKILL"), 3_000);
        child.once("exit", () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill("SIGTERM");
      }),
  };
}

/**
 * The port of the workerd that runs the Worker itself, behind the proxy workerd that
 * `wrangler dev` puts on the public port (for hot reloads). Diagnosis only: it tells the
 * relay's cost from the dev proxy's. Found among this process's own workerd children with
 * `ss`; undefined when that is not possible. It changes whenever wrangler reloads the Worker.
 */
export async function runtimePort(publicUrl: string): Promise<string | undefined> {
  let listing: string;
  try {
    listing = execFileSync("ss", ["-ltnpH"], { encoding: "utf8" });
  } catch {
    return undefined;
  }
  const mine = descendants();
  const publicPort = new URL(publicUrl).port;
  for (const line of listing.split("\n")) {
    const m = /127\.0\.0\.1:(\d+)\s.*"workerd",pid=(\d+)/.exec(line);
    if (!m || m[1] === publicPort || !mine.has(Number(m[2]))) continue;
    const ok = await fetch(`http://127.0.0.1:${m[1]}/api/health`, { signal: AbortSignal.timeout(2_000) }).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) return m[1];
  }
  return undefined;
}
