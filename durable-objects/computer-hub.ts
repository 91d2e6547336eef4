import { DurableObject } from "cloudflare:workers";
import { SystemInfo } from "../protocol/api";
import {
  ControlCloseCode,
  HEARTBEAT_PING,
  HEARTBEAT_PONG,
  MAX_CONTROL_MSG_BYTES,
  MAX_SCREENSHOT_BYTES,
  SCREENSHOT_MSG,
  type AgentToHub,
  type HubToAgent,
  type OpenStream,
} from "../protocol/control";
import { notifyComputerChanged } from "../worker/computers/notify";
import { openDb } from "../worker/db/client";
import { findComputerSecrets, markOfflineIfOnline, setAgentFacts, setComputerPresence, setScreenshot, setSystemInfo } from "../worker/queries/computers";
import { screenshotKey } from "../worker/computers/screenshot-key";

/** Headers the Worker sets when it forwards an authenticated agent socket here. */
export const HUB_HEADERS = {
  computerId: "X-Edgedesk-Computer",
  ip: "X-Edgedesk-Ip",
  city: "X-Edgedesk-City",
  country: "X-Edgedesk-Country",
  /** The agent's own header, checked by the Worker (dropped when malformed). */
  agentVersion: "X-Edgedesk-Agent-Version",
} as const;

type AgentAttachment = { computerId: string; connectedAt: number };

/** An agent pings every 30 s; three missed pings mean the connection is dead. */
const HEARTBEAT_TIMEOUT_MS = 90_000;
const SWEEP_INTERVAL_MS = 60_000;
const OS_VALUES = new Set(["windows", "macos", "linux", "other"]);
/**
 * Messages an agent may send per minute. Each one is a D1 or R2 write and a push to every
 * cabinet tab that sees the computer; a well-behaved agent sends a hello, its system info
 * when it changes and a screenshot a minute, so 20 leaves ample room for bursts.
 */
const MESSAGES_PER_MINUTE = 20;
/**
 * Why an agent is told to stop when its computer is gone from D1 while it is connected:
 * deleted with its account as the agent was connecting (the deletion disconnects only the
 * hubs D1 showed online). It is told as any deleted computer's agent is (4401).
 */
const GONE = "this computer was removed";

/**
 * One per computer: holds the agent's long-lived control socket (hibernating, pings answered
 * by auto-response so an idle agent costs nothing), writes online status to D1 on open and
 * close, and relays "open a stream for session S" to the agent.
 */
export class ComputerHub extends DurableObject<Env> {

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair(HEARTBEAT_PING, HEARTBEAT_PONG));
  }

  override async fetch(request: Request): Promise<Response> {
    const computerId = request.headers.get(HUB_HEADERS.computerId);
    if (request.headers.get("Upgrade") !== "websocket" || !computerId) {
      return new Response("expected an agent WebSocket", { status: 400 });
    }
    const pair = new WebSocketPair();
    const [client, server] = [pair[0], pair[1]];
    // A newer socket wins: the old one is most likely a dead connection the agent gave up on.
    for (const old of this.ctx.getWebSockets("agent")) old.close(ControlCloseCode.Replaced, "replaced by a newer connection");
    this.ctx.acceptWebSocket(server, ["agent"]);
    const now = Date.now();
    server.serializeAttachment({ computerId, connectedAt: now } satisfies AgentAttachment);
    await this.ctx.storage.put("computerId", computerId);
    await setComputerPresence(openDb(this.env.DB), computerId, {
      online: true,
      at: now,
      agentVersion: request.headers.get(HUB_HEADERS.agentVersion) ?? undefined,
      location: {
        ip: request.headers.get(HUB_HEADERS.ip) ?? "",
        city: request.headers.get(HUB_HEADERS.city) ?? "",
        country: request.headers.get(HUB_HEADERS.country) ?? "",
      },
    });
    await this.ctx.storage.setAlarm(now + SWEEP_INTERVAL_MS);
    const db = openDb(this.env.DB);
    const secrets = await findComputerSecrets(db, computerId);
    // The demo computer is every account's: one account's copy must not reach another's clipboard.
    this.sendTo(server, { type: "settings", allowNonAdminConfig: secrets?.allowNonAdminConfig ?? false, clipboardToViewers: !secrets?.isDemo });
    await notifyComputerChanged(this.env, db, computerId);
    return new Response(null, { status: 101, webSocket: client });
  }

  /** Asks the connected agent to open a stream socket; false when no agent is connected. */
  async openStream(sessionId: string, path: string, signIn?: OpenStream["signIn"]): Promise<boolean> {
    return this.sendToAgent({ type: "open-stream", sessionId, path, ...(signIn ? { signIn } : {}) });
  }

  /** Passes a settings change from the cabinet to the agent, if it is connected. */
  async pushSettings(allowNonAdminConfig: boolean): Promise<boolean> {
    return this.sendToAgent({ type: "settings", allowNonAdminConfig });
  }

  /** Closes the agent's socket for good (the computer or its account was deleted): 4401 tells it to stop. */
  async disconnect(reason: string): Promise<void> {
    for (const ws of this.ctx.getWebSockets("agent")) ws.close(ControlCloseCode.Unauthorized, reason.slice(0, 100));
    await this.ctx.storage.deleteAll();
  }

  async isOnline(): Promise<boolean> {
    return this.liveAgent() !== undefined;
  }

  /**
   * The agent's current socket: the newest open one. A replaced socket stays in
   * getWebSockets() (oldest first) until its close handshake ends, which a connection the
   * agent gave up on (a laptop that changed networks) may never finish.
   */
  private liveAgent(): WebSocket | undefined {
    const open = this.ctx.getWebSockets("agent").filter((s) => s.readyState === WebSocket.OPEN);
    return open[open.length - 1];
  }

  private sendToAgent(message: HubToAgent): boolean {
    const agent = this.liveAgent();
    return agent ? this.sendTo(agent, message) : false;
  }

  private sendTo(ws: WebSocket, message: HubToAgent): boolean {
    try {
      ws.send(JSON.stringify(message));
      return true;
    } catch {
      return false;
    }
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    // A socket we closed (replaced, or the computer deleted) may still deliver what was in
    // flight; it no longer speaks for the computer (a late screenshot would recreate a
    // deleted computer's R2 object).
    if (ws.readyState !== WebSocket.OPEN) return;
    if (!(await this.withinBudget())) return;
    const { computerId } = ws.deserializeAttachment() as AgentAttachment;
    const db = openDb(this.env.DB);
    if (typeof message !== "string") {
      const image = parseScreenshot(message);
      if (!image) return ws.close(ControlCloseCode.ProtocolViolation, "expected a WebP screenshot message");
      // One object per computer: a new thumbnail replaces the old one. D1 first: a computer
      // deleted meanwhile (its agent connecting as its account went) gets no new R2 object.
      const key = screenshotKey(computerId);
      if (!(await setScreenshot(db, computerId, key, Date.now()))) return this.disconnect(GONE);
      await this.env.FILES.put(key, image, { httpMetadata: { contentType: "image/webp" } });
      await notifyComputerChanged(this.env, db, computerId);
      return;
    }
    const m = parseAgentMessage(message);
    if (!m) return ws.close(ControlCloseCode.ProtocolViolation, "expected a hello or system-info message");
    const known =
      m.type === "hello"
        ? await setAgentFacts(db, computerId, { os: m.os, agentVersion: m.agentVersion, installed: m.installed })
        : await setSystemInfo(db, computerId, JSON.stringify({ collectedAt: new Date().toISOString(), info: m.info }));
    if (!known) return this.disconnect(GONE);
    await notifyComputerChanged(this.env, db, computerId);
  }

  /**
   * Whether this message fits the computer's budget; beyond it messages are dropped (logged
   * once a minute). Kept in storage, per computer: a budget per socket, in memory, started
   * afresh with every reconnect and every eviction of an idle hub.
   */
  private async withinBudget(): Promise<boolean> {
    const now = Date.now();
    let b = await this.ctx.storage.get<{ since: number; count: number }>("budget");
    if (!b || now - b.since >= 60_000) b = { since: now, count: 0 };
    b.count++;
    // Past the limit the count no longer matters: a flood costs no storage write per message.
    if (b.count <= MESSAGES_PER_MINUTE + 1) await this.ctx.storage.put("budget", b);
    if (b.count === MESSAGES_PER_MINUTE + 1) console.warn(JSON.stringify({ event: "agent_messages_dropped", limit: MESSAGES_PER_MINUTE }));
    return b.count <= MESSAGES_PER_MINUTE;
  }

  override async webSocketClose(ws: WebSocket, code: number): Promise<void> {
    await this.agentGone(ws, code === 1005 || code === 1006 ? 1000 : code);
  }

  override async webSocketError(ws: WebSocket): Promise<void> {
    await this.agentGone(ws, 1011);
  }

  /** Closes sockets whose pings stopped (a dead network leaves no close frame). */
  override async alarm(): Promise<void> {
    const now = Date.now();
    const agents = this.ctx.getWebSockets("agent");
    if (agents.length === 0) {
      // Sockets can go without a close event (the object restarted under them, as on a deploy):
      // the computer must not stay "online" in the list until its agent comes back.
      const computerId = await this.ctx.storage.get<string>("computerId");
      const db = openDb(this.env.DB);
      if (computerId && (await markOfflineIfOnline(db, computerId, now))) await notifyComputerChanged(this.env, db, computerId);
      return;
    }
    for (const ws of agents) {
      const { connectedAt } = ws.deserializeAttachment() as AgentAttachment;
      const lastPing = this.ctx.getWebSocketAutoResponseTimestamp(ws)?.getTime() ?? connectedAt;
      if (now - lastPing > HEARTBEAT_TIMEOUT_MS) {
        ws.close(1001, "heartbeat timeout");
        await this.agentGone(ws, 1001);
      }
    }
    if (this.liveAgent()) await this.ctx.storage.setAlarm(now + SWEEP_INTERVAL_MS);
  }

  private async agentGone(ws: WebSocket, code: number): Promise<void> {
    try {
      ws.close(code, "closing");
    } catch {
      // Already closed: nothing to reciprocate.
    }
    const remaining = this.ctx.getWebSockets("agent").filter((s) => s !== ws && s.readyState === WebSocket.OPEN);
    if (remaining.length > 0) return;
    const computerId = await this.ctx.storage.get<string>("computerId");
    if (!computerId) return;
    const db = openDb(this.env.DB);
    await setComputerPresence(db, computerId, { online: false, at: Date.now() });
    await notifyComputerChanged(this.env, db, computerId);
  }
}

/** A screenshot message: SCREENSHOT_MSG then a WebP file ("RIFF" size "WEBP"), size-limited. */
export function parseScreenshot(message: ArrayBuffer): Uint8Array | undefined {
  const bytes = new Uint8Array(message);
  if (bytes.length < 13 || bytes.length > MAX_SCREENSHOT_BYTES + 1 || bytes[0] !== SCREENSHOT_MSG) return undefined;
  const tag = (o: number) => String.fromCharCode(...bytes.subarray(o, o + 4));
  if (tag(1) !== "RIFF" || tag(9) !== "WEBP") return undefined;
  return bytes.subarray(1);
}

/** Validates a control message from the agent; undefined for anything malformed. */
export function parseAgentMessage(message: string): AgentToHub | undefined {
  if (message.length > MAX_CONTROL_MSG_BYTES) return undefined;
  let m: unknown;
  try {
    m = JSON.parse(message);
  } catch {
    return undefined;
  }
  if (typeof m !== "object" || m === null) return undefined;
  const o = m as Record<string, unknown>;
  if (o.type === "system-info") {
    const info = SystemInfo.safeParse(o.info);
    return info.success ? { type: "system-info", info: info.data } : undefined;
  }
  const screen = o.screen as Record<string, unknown> | undefined;
  const ok =
    o.type === "hello" &&
    typeof o.name === "string" &&
    o.name.length <= 64 &&
    typeof o.os === "string" &&
    OS_VALUES.has(o.os) &&
    typeof o.agentVersion === "string" &&
    o.agentVersion.length <= 32 &&
    typeof o.installed === "boolean" &&
    typeof screen === "object" &&
    screen !== null &&
    Number.isInteger(screen.width) &&
    Number.isInteger(screen.height);
  return ok ? (o as AgentToHub) : undefined;
}
