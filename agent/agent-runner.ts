// Ties the pieces together for one computer: the control socket to its ComputerHub, and
// one stream session per connection the hub asks for, all sharing one screen source.
import { hostname } from "node:os";
import type { AgentHello } from "../protocol/control";
import { CloseCode } from "../protocol/stream";
import type { AgentIdentity } from "./control/config";
import { ControlClient, type ControlClientOptions, type ControlStop } from "./control/control-client";
import { osName } from "./control/register";
import { type Log, silentLog } from "./log";
import type { ScreenSource } from "./screen/source";
import { StreamSession } from "./stream/stream-session";
import { AGENT_VERSION } from "./version";

export type AgentRunnerOptions = {
  identity: AgentIdentity;
  source: ScreenSource;
  name?: string;
  installed?: boolean;
  log?: Log;
  /** Test knobs for the control socket (heartbeat, backoff). */
  control?: Pick<ControlClientOptions, "heartbeatMs" | "backoff" | "stableMs">;
};

export class AgentRunner {
  readonly control: ControlClient;
  readonly sessions = new Map<string, StreamSession>();
  private readonly source: ScreenSource;
  private readonly log: Log;

  constructor(opts: AgentRunnerOptions) {
    this.source = opts.source;
    this.log = opts.log ?? silentLog;
    const hello = (): AgentHello => ({
      type: "hello",
      name: opts.name ?? hostname(),
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
      onOpenStream: ({ sessionId, url }) => this.openStream(sessionId, url),
      onCloseStream: ({ sessionId }) => this.sessions.get(sessionId)?.close(CloseCode.SessionEnded, "ended by the server"),
    });
  }

  /** Connects and serves until stopped; resolves with the reason the control socket gave up. */
  run(): Promise<ControlStop> {
    this.control.start();
    return this.control.stopped.then((why) => {
      this.closeSessions();
      return why;
    });
  }

  stop(): void {
    this.control.stop("stopped");
    this.closeSessions();
  }

  private openStream(sessionId: string, url: string): void {
    // The hub asking again for the same session means the old stream is dead to it.
    this.sessions.get(sessionId)?.close(CloseCode.Replaced, "replaced by a new stream");
    const session = new StreamSession({ url, source: this.source, log: this.log });
    this.sessions.set(sessionId, session);
    this.log("stream opening", { sessionId });
    void session.ended.then(({ code }) => {
      if (this.sessions.get(sessionId) === session) this.sessions.delete(sessionId);
      this.log("stream closed", { sessionId, code, updates: session.stats.updates, bytes: session.stats.bytes });
    });
  }

  private closeSessions(): void {
    for (const s of this.sessions.values()) s.close(CloseCode.SessionEnded, "agent stopping");
  }
}
