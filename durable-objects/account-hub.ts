import { DurableObject } from "cloudflare:workers";
import type { AccountEvent } from "../protocol/api";
import { HEARTBEAT_PING, HEARTBEAT_PONG } from "../protocol/control";
import { openDb } from "../worker/db/client";
import { addListener, removeListener } from "../worker/queries/listeners";
import type { SignIns } from "../worker/queries/remote-sessions";

/** Headers on the upgrade the events route forwards: the tab's sign-in (token hash) and user. */
export const ACCOUNT_HUB_SIGN_IN = "X-Edgedesk-Sign-In";
export const ACCOUNT_HUB_USER = "X-Edgedesk-User";
type TabAttachment = { userId: string };
const signInTag = (hash: string) => `sign-in:${hash}`;

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
    const signIn = request.headers.get(ACCOUNT_HUB_SIGN_IN);
    const userId = request.headers.get(ACCOUNT_HUB_USER);
    if (!signIn || !userId) return new Response("expected the tab's sign-in and user", { status: 400 });
    const pair = new WebSocketPair();
    // Listed first: a change made from now on reaches this tab (a row left by a tab that never
    // opened costs one publish to no one, while a missing one would leave a tab unaware). The
    // listing and the accept are one step for the other events of this hub (see tabGone).
    await this.ctx.blockConcurrencyWhile(async () => {
      await addListener(openDb(this.env.DB), userId, Date.now());
      // Tagged with its sign-in, so signing that browser out closes it (closeTabs).
      this.ctx.acceptWebSocket(pair[1], ["tab", signInTag(signIn)]);
      pair[1].serializeAttachment({ userId } satisfies TabAttachment);
    });
    return new Response(null, { status: 101, webSocket: pair[0] });
  }

  /** When each computer last left this account's list (kept a minute: see publish). */
  private readonly removedAt = new Map<string, number>();

  /**
   * Sends events to every open tab of the account; returns how many tabs got them. `readAt`:
   * when the caller read the computers it sends (before the read). A computer read before it
   * left the list (a change racing a revoke) arrives after its removal and would put it back
   * in the tab: it is dropped. The race lasts a D1 read or two, so a minute of memory covers it.
   */
  async publish(events: AccountEvent[], readAt?: number): Promise<number> {
    const now = Date.now();
    for (const [id, at] of this.removedAt) if (now - at > 60_000) this.removedAt.delete(id);
    const fresh = events.filter((e) => {
      if (e.type === "computer-removed") this.removedAt.set(e.id, now);
      if (e.type !== "computer" || readAt === undefined) return true;
      const removed = this.removedAt.get(e.computer.id);
      return removed === undefined || readAt > removed;
    });
    const tabs = this.ctx.getWebSockets("tab");
    for (const event of fresh) {
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

  /** Closes every tab (account deletion). */
  async closeAll(reason: string): Promise<void> {
    await this.closeTabs({}, reason);
  }

  /** Closes the tabs of some sign-ins (see SignIns): signing out one browser, or all others. */
  async closeTabs(which: SignIns, reason: string): Promise<number> {
    const tabs = which.only
      ? this.ctx.getWebSockets(signInTag(which.only))
      : this.ctx.getWebSockets("tab").filter((ws) => !which.except || !this.ctx.getTags(ws).includes(signInTag(which.except)));
    for (const ws of tabs) {
      try {
        ws.close(4000, reason.slice(0, 100));
      } catch {
        // Already closing: it is going either way.
      }
    }
    return tabs.length;
  }

  override async webSocketMessage(ws: WebSocket): Promise<void> {
    // Tabs only listen; anything but the heartbeat (answered without waking us) is a mistake.
    ws.close(4003, "this socket only receives events");
    await this.tabGone(ws);
  }

  override async webSocketClose(ws: WebSocket, code: number): Promise<void> {
    try {
      ws.close(code === 1005 || code === 1006 ? 1000 : code, "closing");
    } catch {
      // Already closed.
    }
    await this.tabGone(ws);
  }

  override async webSocketError(ws: WebSocket): Promise<void> {
    await this.tabGone(ws);
  }

  /**
   * The account's last open tab went away: changes stop fanning out to it. Checked and removed
   * as one step: D1 calls let other events of this hub run while they wait, and a tab opening
   * meanwhile (listed, then accepted after this check found no tab) was left with no listing,
   * hearing nothing until every tab closed.
   */
  private async tabGone(ws: WebSocket): Promise<void> {
    await this.ctx.blockConcurrencyWhile(async () => {
      const others = this.ctx.getWebSockets("tab").filter((t) => t !== ws && t.readyState === WebSocket.OPEN);
      if (others.length > 0) return;
      const { userId } = (ws.deserializeAttachment() as TabAttachment | null) ?? {};
      if (userId) await removeListener(openDb(this.env.DB), userId);
    });
  }
}
