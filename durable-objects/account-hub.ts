import { DurableObject } from "cloudflare:workers";
import type { AccountEvent } from "../protocol/api";
import { HEARTBEAT_PING, HEARTBEAT_PONG } from "../protocol/control";

/**
 * One per account: the open cabinet tabs' event sockets (hibernating; pings answered by
 * auto-response) and the fan-out of live events to them (status changes, F2.13).
 */
export class AccountHub extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair(HEARTBEAT_PING, HEARTBEAT_PONG));
  }

  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get("Upgrade") !== "websocket") return new Response("expected a WebSocket", { status: 400 });
    const pair = new WebSocketPair();
    this.ctx.acceptWebSocket(pair[1], ["tab"]);
    return new Response(null, { status: 101, webSocket: pair[0] });
  }

  /** Whether any tab listens: callers skip building events nobody would receive. */
  async hasTabs(): Promise<boolean> {
    return this.ctx.getWebSockets("tab").length > 0;
  }

  /** Sends events to every open tab of the account; returns how many tabs got them. */
  async publish(events: AccountEvent[]): Promise<number> {
    const tabs = this.ctx.getWebSockets("tab");
    for (const event of events) {
      const text = JSON.stringify(event);
      for (const ws of tabs) {
        try {
          ws.send(text);
        } catch {
          // A tab that is going away misses this event; it reloads the list when it returns.
        }
      }
    }
    return tabs.length;
  }

  /** Closes every tab (sign-out everywhere, account deletion). */
  async closeAll(reason: string): Promise<void> {
    for (const ws of this.ctx.getWebSockets("tab")) ws.close(4000, reason.slice(0, 100));
  }

  override async webSocketMessage(ws: WebSocket): Promise<void> {
    // Tabs only listen; anything but the heartbeat (answered without waking us) is a mistake.
    ws.close(4003, "this socket only receives events");
  }

  override async webSocketClose(ws: WebSocket, code: number): Promise<void> {
    try {
      ws.close(code === 1005 || code === 1006 ? 1000 : code, "closing");
    } catch {
      // Already closed.
    }
  }
}
