// The long-lived control socket to this computer's ComputerHub. It says hello, answers
// to "open a stream for session S", sends a text heartbeat the hub auto-answers, and
// reconnects with backoff and jitter until told the token is no good (4401) or another
// agent took over this computer (4409).
import { EventEmitter } from "node:events";
import WebSocket from "ws";
import {
  type AgentHello,
  type AgentSettings,
  type AgentToHub,
  type CloseStream,
  ControlCloseCode,
  HEARTBEAT_PING,
  HEARTBEAT_PONG,
  type HubToAgent,
  MAX_CONTROL_MSG_BYTES,
  MAX_STREAM_PATH,
  type OpenStream,
} from "../../protocol/control";
import { type Log, silentLog } from "../log";
import { Backoff, type BackoffOptions } from "./backoff";

/** An open-stream resolved against this agent's server: where to connect, and for which session. */
export type StreamOrder = { sessionId: string; url: string; signIn?: OpenStream["signIn"] };

export type ControlClientOptions = {
  server: string;
  computerId: string;
  agentToken: string;
  hello: () => AgentHello;
  onOpenStream: (order: StreamOrder) => void;
  onCloseStream: (msg: CloseStream) => void;
  onSettings?: (msg: AgentSettings) => void;
  /** After the hello on every (re)connect: the moment to send what the hub keeps per connection. */
  onOnline?: () => void;
  heartbeatMs?: number;
  backoff?: BackoffOptions;
  /** A connection open this long counts as healthy: the next failure starts the backoff afresh. */
  stableMs?: number;
  log?: Log;
};

/** Why the client stopped for good. */
export type ControlStop = "stopped" | "unauthorized" | "replaced";

export type ControlState = "connecting" | "online" | "waiting" | "stopped";

export class ControlClient extends EventEmitter<{ state: [ControlState] }> {
  /** Resolves once the client gives up or is stopped; it never reconnects after that. */
  readonly stopped: Promise<ControlStop>;
  private resolveStopped!: (why: ControlStop) => void;
  private readonly opts: ControlClientOptions;
  private readonly log: Log;
  private readonly backoff: Backoff;
  private ws: WebSocket | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private lastHeard = 0;
  private openedAt = 0;
  private done = false;
  private _state: ControlState = "waiting";

  constructor(opts: ControlClientOptions) {
    super();
    this.opts = opts;
    this.log = opts.log ?? silentLog;
    this.backoff = new Backoff(opts.backoff);
    this.stopped = new Promise((resolve) => (this.resolveStopped = resolve));
  }

  get state(): ControlState {
    return this._state;
  }

  start(): void {
    if (this.done || this.ws) return;
    this.connect();
  }

  stop(why: ControlStop = "stopped"): void {
    if (this.done) return;
    this.done = true;
    clearTimeout(this.retryTimer);
    clearInterval(this.heartbeat);
    this.ws?.close(1000, "agent stopping");
    this.ws = undefined;
    this.setState("stopped");
    this.resolveStopped(why);
  }

  /** Sends a fresh hello (after the name or screen changed). */
  sendHello(): void {
    this.send(this.opts.hello());
  }

  /** Sends a JSON control message; false when the socket is not open (it is not queued). */
  send(msg: AgentToHub): boolean {
    if (this.ws?.readyState !== WebSocket.OPEN) return false;
    this.ws.send(JSON.stringify(msg));
    return true;
  }

  /** Sends a binary control message (a screenshot); false when the socket is not open. */
  sendBinary(data: Uint8Array): boolean {
    if (this.ws?.readyState !== WebSocket.OPEN) return false;
    this.ws.send(data, { binary: true });
    return true;
  }

  private setState(s: ControlState): void {
    if (s === this._state) return;
    this._state = s;
    this.emit("state", s);
  }

  private url(): URL {
    const url = new URL("/api/agent/connect", this.opts.server);
    url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
    url.searchParams.set("computer", this.opts.computerId);
    return url;
  }

  private connect(): void {
    this.setState("connecting");
    const ws = new WebSocket(this.url(), {
      // The version also in a header: the hub writes it with "online", before the hello, so a
      // Connect in between already knows what this agent takes (protocol/stream.ts, agentTakesExtras).
      headers: { authorization: `Bearer ${this.opts.agentToken}`, "x-edgedesk-agent-version": this.opts.hello().agentVersion },
      maxPayload: MAX_CONTROL_MSG_BYTES,
      handshakeTimeout: 15_000,
    });
    this.ws = ws;
    ws.on("open", () => {
      this.openedAt = Date.now();
      this.lastHeard = Date.now();
      this.setState("online");
      this.log("control socket open", { server: this.opts.server });
      this.sendHello();
      this.startHeartbeat(ws);
      this.opts.onOnline?.();
    });
    ws.on("message", (data, isBinary) => {
      this.lastHeard = Date.now();
      if (isBinary) return this.log("ignored a binary control message");
      this.onText(data.toString());
    });
    // A refused upgrade: 401/403 mean the token is no good, like close code 4401.
    ws.on("unexpected-response", (_req, res) => {
      const status = res.statusCode ?? 0;
      res.resume();
      ws.terminate();
      if (status === 401 || status === 403) this.stop("unauthorized");
      else this.log("control socket refused", { status });
    });
    ws.on("error", (err) => this.log("control socket error", { error: err.message }));
    ws.on("close", (code, reason) => this.onClose(ws, code, reason.toString()));
  }

  private onText(text: string): void {
    if (text === HEARTBEAT_PONG) return;
    let msg: HubToAgent;
    try {
      msg = JSON.parse(text) as HubToAgent;
    } catch {
      return this.log("ignored a control message that is not JSON");
    }
    // A handler that throws would escape ws's message event and end the process (with an
    // unlocked OS session still unlocked): one bad message costs that message only.
    try {
      if (isOpenStream(msg)) {
        const url = this.streamUrl(msg.path);
        if (!url) return this.log("ignored a stream path that leads off this server", { path: safePath(msg.path) });
        this.opts.onOpenStream({ sessionId: msg.sessionId, url, ...(msg.signIn ? { signIn: msg.signIn } : {}) });
      } else if (isCloseStream(msg)) {
        this.opts.onCloseStream(msg);
      } else if (isSettings(msg)) {
        this.opts.onSettings?.(msg);
      } else {
        // Newer servers may send more; an old agent just skips what it does not know.
        this.log("ignored an unknown control message", { type: (msg as { type?: unknown })?.type });
      }
    } catch (err) {
      this.log("a control message failed", { type: (msg as { type?: unknown })?.type, error: String(err) });
    }
  }

  /**
   * The stream's URL on the server this agent belongs to, or undefined: streams never go
   * elsewhere, the screen is at stake. "//host/x" and "/\\host/x" resolve to another host,
   * which the host check refuses.
   */
  private streamUrl(path: string): string | undefined {
    const server = new URL(this.opts.server);
    const protocol = server.protocol === "https:" ? "wss:" : "ws:";
    let u: URL;
    try {
      u = new URL(path, `${protocol}//${server.host}`);
    } catch {
      return undefined;
    }
    // No fragment (ws refuses one) and no user info: the relay's path carries neither.
    if (u.host !== server.host || u.protocol !== protocol || u.hash || u.username || u.password) return undefined;
    return u.href;
  }

  private startHeartbeat(ws: WebSocket): void {
    const every = this.opts.heartbeatMs ?? 30_000;
    let lastPing = 0;
    let missed = 0;
    clearInterval(this.heartbeat);
    this.heartbeat = setInterval(() => {
      if (ws.readyState !== WebSocket.OPEN) return;
      // Counted in beats, not wall time: a busy event loop (a big frame being encoded)
      // delays our reading of the pong, and must not look like a dead server.
      missed = lastPing > 0 && this.lastHeard < lastPing ? missed + 1 : 0;
      if (missed >= 2) {
        this.log("control socket silent, reconnecting");
        ws.terminate();
        return;
      }
      lastPing = Date.now();
      ws.send(HEARTBEAT_PING);
    }, every);
  }

  private onClose(ws: WebSocket, code: number, reason: string): void {
    if (ws !== this.ws) return;
    clearInterval(this.heartbeat);
    this.ws = undefined;
    if (this.done) return;
    if (code === ControlCloseCode.Unauthorized) return this.stop("unauthorized");
    if (code === ControlCloseCode.Replaced) return this.stop("replaced");
    if (this.openedAt && Date.now() - this.openedAt >= (this.opts.stableMs ?? 10_000)) this.backoff.reset();
    this.openedAt = 0;
    const delay = this.backoff.next();
    this.log("control socket closed, retrying", { code, reason, inMs: Math.round(delay) });
    this.setState("waiting");
    this.retryTimer = setTimeout(() => this.connect(), delay);
  }
}

function isOpenStream(m: unknown): m is OpenStream {
  const o = m as Partial<OpenStream> | null;
  return (
    !!o &&
    o.type === "open-stream" &&
    typeof o.sessionId === "string" &&
    o.sessionId.length > 0 &&
    o.sessionId.length <= 128 &&
    typeof o.path === "string" &&
    o.path.startsWith("/") &&
    o.path.length <= MAX_STREAM_PATH &&
    (o.signIn == null || isCredentials(o.signIn))
  );
}

/** Stored OS credentials as the cabinet accepts them: a named account (never "any user"). */
function isCredentials(c: unknown): c is NonNullable<OpenStream["signIn"]> {
  const o = c as { username?: unknown; password?: unknown } | null;
  return (
    typeof o === "object" &&
    o !== null &&
    typeof o.username === "string" &&
    o.username.length > 0 &&
    o.username.length <= 256 &&
    typeof o.password === "string" &&
    o.password.length <= 1024
  );
}

function isSettings(m: unknown): m is AgentSettings {
  const o = m as Partial<AgentSettings> | null;
  return (
    !!o &&
    o.type === "settings" &&
    typeof o.allowNonAdminConfig === "boolean" &&
    (o.clipboardToViewers === undefined || typeof o.clipboardToViewers === "boolean")
  );
}

function isCloseStream(m: unknown): m is CloseStream {
  const o = m as Partial<CloseStream> | null;
  return !!o && o.type === "close-stream" && typeof o.sessionId === "string";
}

/** The path without its query: stream paths carry tickets, which must not reach logs. */
function safePath(path: string): string {
  return path.split(/[?#]/, 1)[0]!.slice(0, 200);
}
