import { DurableObject } from "cloudflare:workers";
import {
  ControlCloseCode,
  HEARTBEAT_PING,
  HEARTBEAT_PONG,
  MAX_CONTROL_MSG_BYTES,
  type AgentToHub,
  type HubToAgent,
} from "../protocol/control";
import { openDb } from "../worker/db/client";
import { setAgentFacts, setComputerPresence } from "../worker/queries/computers";

/** Headers the Worker sets when it forwards an authenticated agent socket here. */
export const HUB_HEADERS = {
  computerId: "X-Edgedesk-Computer",
  ip: "X-Edgedesk-Ip",
  city: "X-Edgedesk-City",
  country: "X-Edgedesk-Country",
} as const;

type AgentAttachment = { computerId: string; connectedAt: number };

/** An agent pings every 30 s; three missed pings mean the connection is dead. */
const HEARTBEAT_TIMEOUT_MS = 90_000;
const SWEEP_INTERVAL_MS = 60_000;
const OS_VALUES = new Set(["windows", "macos", "linux", "other"]);

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
      location: {
        ip: request.headers.get(HUB_HEADERS.ip) ?? "",
        city: request.headers.get(HUB_HEADERS.city) ?? "",
        country: request.headers.get(HUB_HEADERS.country) ?? "",
      },
    });
    await this.ctx.storage.setAlarm(now + SWEEP_INTERVAL_MS);
    return new Response(null, { status: 101, webSocket: client });
  }

  /** Asks the connected agent to open a stream socket; false when no agent is connected. */
  async openStream(sessionId: string, url: string): Promise<boolean> {
    return this.sendToAgent({ type: "open-stream", sessionId, url });
  }

  async closeStream(sessionId: string): Promise<boolean> {
    return this.sendToAgent({ type: "close-stream", sessionId });
  }

  async isOnline(): Promise<boolean> {
    return this.ctx.getWebSockets("agent").length > 0;
  }

  private sendToAgent(message: HubToAgent): boolean {
    const [agent] = this.ctx.getWebSockets("agent");
    if (!agent) return false;
    try {
      agent.send(JSON.stringify(message));
      return true;
    } catch {
      return false;
    }
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    const hello = parseAgentMessage(message);
    if (!hello) {
      ws.close(ControlCloseCode.ProtocolViolation, "expected a JSON hello");
      return;
    }
    const { computerId } = ws.deserializeAttachment() as AgentAttachment;
    await setAgentFacts(openDb(this.env.DB), computerId, {
      os: hello.os,
      agentVersion: hello.agentVersion,
      installed: hello.installed,
    });
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
    for (const ws of agents) {
      const { connectedAt } = ws.deserializeAttachment() as AgentAttachment;
      const lastPing = this.ctx.getWebSocketAutoResponseTimestamp(ws)?.getTime() ?? connectedAt;
      if (now - lastPing > HEARTBEAT_TIMEOUT_MS) {
        ws.close(1001, "heartbeat timeout");
        await this.agentGone(ws, 1001);
      }
    }
    if (this.ctx.getWebSockets("agent").length > 0) await this.ctx.storage.setAlarm(now + SWEEP_INTERVAL_MS);
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
    if (computerId) await setComputerPresence(openDb(this.env.DB), computerId, { online: false, at: Date.now() });
  }
}

/** Validates a control message from the agent; undefined for anything malformed. */
export function parseAgentMessage(message: string | ArrayBuffer): AgentToHub | undefined {
  if (typeof message !== "string" || message.length > MAX_CONTROL_MSG_BYTES) return undefined;
  let m: unknown;
  try {
    m = JSON.parse(message);
  } catch {
    return undefined;
  }
  if (typeof m !== "object" || m === null) return undefined;
  const o = m as Record<string, unknown>;
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
