// Ties the pieces together for one computer: the control socket to its ComputerHub, and
// one stream session per connection the hub asks for, all sharing one screen source.
// Alongside: system information after every hello and whenever it changes, a screenshot
// thumbnail right after connecting and then once a minute, the settings the hub pushes,
// and sign-in/relock of the OS session around sessions that bring credentials.
import { hostname } from "node:os";
import { type AgentHello, type AgentSettings, SCREENSHOT_INTERVAL_MS, type SystemInfo } from "../protocol/control";
import { CloseCode } from "../protocol/stream";
import { type AgentIdentity, saveIdentity } from "./control/config";
import { ControlClient, type ControlClientOptions, type ControlStop, type StreamOrder } from "./control/control-client";
import { osName } from "./control/register";
import { type Log, silentLog } from "./log";
import type { ScreenSource } from "./screen/source";
import { type SessionLock, SignInCoordinator } from "./session-lock";
import { UnsupportedSessionLock } from "./session-lock/unsupported";
import { refuseStream } from "./stream/refuse-stream";
import { StreamSession } from "./stream/stream-session";
import { collectSystemInfo, systemInfoKey } from "./sysinfo/collect";
import { encodeThumbnail, screenshotMessage } from "./sysinfo/thumbnail";
import { AGENT_VERSION } from "./version";

/** How often system information is collected again to see whether it changed. */
export const SYSINFO_CHECK_MS = 10 * 60_000;
/** Streams one agent runs at once (each holds ~2 screens of memory, ~16 MB at 1080p). */
export const MAX_STREAM_SESSIONS = 16;

export type AgentRunnerOptions = {
  identity: AgentIdentity;
  source: ScreenSource;
  name?: string;
  /** Runs as a service (the installer sets --installed); false shows "Not installed". */
  installed?: boolean;
  /** The identity file, where settings from the server are kept; none: memory only. */
  configPath?: string;
  /** Locks and unlocks the OS session (F2.10); default: not supported. */
  sessionLock?: SessionLock;
  log?: Log;
  /** Test knobs for the control socket (heartbeat, backoff). */
  control?: Pick<ControlClientOptions, "heartbeatMs" | "backoff" | "stableMs">;
  /** Between thumbnails while connected; 0 sends none. */
  screenshotIntervalMs?: number;
  /** Between system information checks. */
  sysinfoCheckMs?: number;
  /** Replaces the systeminformation probes (tests). */
  collectSystemInfo?: () => Promise<SystemInfo>;
};

export class AgentRunner {
  readonly control: ControlClient;
  readonly sessions = new Map<string, StreamSession>();
  readonly signIn: SignInCoordinator;
  private readonly opts: AgentRunnerOptions;
  private readonly source: ScreenSource;
  private readonly log: Log;
  private identity: AgentIdentity;
  private sysinfo: { info: SystemInfo; key: string } | undefined;
  private collecting: Promise<SystemInfo | undefined> | undefined;
  private sysinfoTimer: NodeJS.Timeout | undefined;
  private shotTimer: NodeJS.Timeout | undefined;
  private shooting = false;
  /** Bumped per connection, so a tick from an earlier connection does not go on. */
  private shotGen = 0;
  private saving: Promise<void> = Promise.resolve();
  /** The hub's word on sending the remote clipboard to viewers (false on the demo computer). */
  private clipboardToViewers = true;
  private readonly halted = new AbortController();

  constructor(opts: AgentRunnerOptions) {
    this.opts = opts;
    this.identity = { ...opts.identity };
    this.source = opts.source;
    this.log = opts.log ?? silentLog;
    this.signIn = new SignInCoordinator(opts.sessionLock ?? new UnsupportedSessionLock(), this.log);
    const hello = (): AgentHello => ({
      type: "hello",
      // The hub refuses a hello with a longer name (and would close the socket).
      name: (opts.name ?? hostname()).slice(0, 64),
      os: osName(),
      agentVersion: AGENT_VERSION,
      installed: opts.installed ?? false,
      screen: { width: this.source.width, height: this.source.height },
    });
    this.control = new ControlClient({
      ...opts.control,
      server: opts.identity.server,
      computerId: opts.identity.computerId,
      agentToken: opts.identity.agentToken,
      hello,
      log: this.log,
      onOpenStream: (msg) => this.openStream(msg),
      onCloseStream: ({ sessionId }) => this.sessions.get(sessionId)?.close(CloseCode.SessionEnded, "ended by the server"),
      onSettings: (msg) => this.applySettings(msg),
      onOnline: () => this.online(),
    });
    this.control.on("state", (s) => {
      if (s !== "online") clearTimeout(this.shotTimer);
    });
  }

  /** The owner's setting as last received (false until the server says otherwise). */
  get allowNonAdminConfig(): boolean {
    return this.identity.allowNonAdminConfig ?? false;
  }

  /** Connects and serves until stopped; resolves with the reason the control socket gave up. */
  run(): Promise<ControlStop> {
    this.control.start();
    this.sysinfoTimer = setInterval(() => void this.refreshSystemInfo(false), this.opts.sysinfoCheckMs ?? SYSINFO_CHECK_MS);
    return this.control.stopped.then(async (why) => {
      this.halt();
      // Relock before the process may exit, and let a settings write finish.
      await this.signIn.endAll();
      await this.saving;
      return why;
    });
  }

  stop(): void {
    this.control.stop("stopped");
    this.halt();
  }

  private halt(): void {
    this.halted.abort();
    clearInterval(this.sysinfoTimer);
    clearTimeout(this.shotTimer);
    for (const s of this.sessions.values()) s.close(CloseCode.SessionEnded, "agent stopping");
  }

  private online(): void {
    void this.refreshSystemInfo(true);
    const every = this.opts.screenshotIntervalMs ?? SCREENSHOT_INTERVAL_MS;
    clearTimeout(this.shotTimer);
    const gen = ++this.shotGen;
    if (every <= 0) return;
    const tick = async () => {
      await this.sendThumbnail();
      if (gen === this.shotGen && this.control.state === "online") this.shotTimer = setTimeout(tick, every);
    };
    this.shotTimer = setTimeout(tick, 0);
  }

  private openStream({ sessionId, url, signIn }: StreamOrder): void {
    // A message the control socket still delivered while the agent stops.
    if (this.halted.signal.aborted) return;
    // The hub asking again for the same session means the old stream is dead to it.
    this.sessions.get(sessionId)?.close(CloseCode.Replaced, "replaced by a new stream");
    // Each session holds two screens' worth of memory: past a number no team of operators
    // reaches on one computer, further requests are refused rather than run the agent out of it.
    if (!this.sessions.has(sessionId) && this.sessions.size >= MAX_STREAM_SESSIONS) {
      this.log("refused a stream: too many sessions at once", { sessionId, max: MAX_STREAM_SESSIONS });
      return void refuseStream(url, this.log);
    }
    const session = new StreamSession({ url, source: this.source, log: this.log, clipboardToViewer: this.clipboardToViewers });
    this.sessions.set(sessionId, session);
    this.log("stream opening", { sessionId, signIn: !!signIn });
    // The credentials live only in this closure, for this session: never logged or stored.
    // The account is unlocked once a viewer is there, not when the hub asks for the stream:
    // a Connect that is refused after all, or that nobody joins, never unlocks the screen.
    let lease: ReturnType<SignInCoordinator["begin"]> | undefined;
    if (signIn) {
      void session.viewerPresent.then(() => {
        if (session.isOpen) lease = this.signIn.begin(signIn);
      });
    }
    void session.ended.then(({ code }) => {
      if (this.sessions.get(sessionId) === session) this.sessions.delete(sessionId);
      this.log("stream closed", { sessionId, code, updates: session.stats.updates, bytes: session.stats.bytes });
      void lease?.then((l) => l.end());
    });
  }

  /** Collects system information; sends it when forced (a new connection) or when it changed. */
  private async refreshSystemInfo(force: boolean): Promise<void> {
    this.collecting ??= this.collectSystemInfo().finally(() => (this.collecting = undefined));
    const info = await this.collecting;
    if (!info) return;
    const key = systemInfoKey(info);
    const changed = key !== this.sysinfo?.key;
    this.sysinfo = { info, key };
    if (force || changed) this.control.send({ type: "system-info", info });
  }

  private async collectSystemInfo(): Promise<SystemInfo | undefined> {
    try {
      const collect =
        this.opts.collectSystemInfo ??
        (() =>
          collectSystemInfo({
            agentVersion: AGENT_VERSION,
            screen: { width: this.source.width, height: this.source.height },
            signal: this.halted.signal,
            log: this.log,
          }));
      return await collect();
    } catch (err) {
      if (!this.halted.signal.aborted) this.log("system info failed", { error: String(err) });
      return undefined;
    }
  }

  /**
   * One thumbnail. A running session already holds the whole screen, so its copy is used
   * and nothing is captured; otherwise one full capture, skipped if a session is in the
   * middle of its first update (the next tick tries again).
   */
  private async sendThumbnail(): Promise<void> {
    if (this.shooting) return;
    this.shooting = true;
    try {
      const sessions = [...this.sessions.values()];
      let img = sessions.map((s) => s.snapshot()).find((x) => x !== undefined);
      if (!img) {
        if (sessions.some((s) => s.capturing)) return this.log("thumbnail skipped: a capture is running");
        img = await this.source.capture();
      }
      const webp = await encodeThumbnail(img);
      if (!webp) return this.log("thumbnail skipped: too large");
      this.control.sendBinary(screenshotMessage(webp));
    } catch (err) {
      this.log("thumbnail failed", { error: String(err) });
    } finally {
      this.shooting = false;
    }
  }

  private applySettings(msg: AgentSettings): void {
    if (msg.clipboardToViewers !== undefined && msg.clipboardToViewers !== this.clipboardToViewers) {
      this.clipboardToViewers = msg.clipboardToViewers;
      this.log("settings changed", { clipboardToViewers: msg.clipboardToViewers });
    }
    if (this.identity.allowNonAdminConfig === msg.allowNonAdminConfig) return;
    this.identity = { ...this.identity, allowNonAdminConfig: msg.allowNonAdminConfig };
    this.log("settings changed", { allowNonAdminConfig: msg.allowNonAdminConfig });
    const path = this.opts.configPath;
    if (!path) return;
    const identity = this.identity;
    this.saving = this.saving
      .then(() => saveIdentity(path, identity, { installed: this.opts.installed }))
      .catch((err: unknown) => this.log("could not save settings", { error: String(err) }));
  }
}
