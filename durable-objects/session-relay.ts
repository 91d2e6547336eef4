import { DurableObject } from "cloudflare:workers";
import { CloseCode, MAX_AGENT_MSG_BYTES, MAX_VIEWER_MSG_BYTES, ViewerMsg, viewerMsgSizeOk } from "../protocol/stream";
import { openDb } from "../worker/db/client";
import { endRemoteSession, findRemoteSession } from "../worker/queries/remote-sessions";
import { TICKET_TTL_SECONDS } from "../worker/sessions/tickets";

/** Headers the Worker sets after it has checked the ticket. */
export const RELAY_HEADERS = { role: "X-Edgedesk-Role", sessionId: "X-Edgedesk-Session" } as const;

type Role = "viewer" | "agent";
type Attachment = { role: Role; sessionId: string; joinedAt: number };

/** How the session ended: what a viewer that comes after the end is closed with. */
export type EndedWith = { code: number; reason: string };
const ENDED: EndedWith = { code: CloseCode.SessionEnded, reason: "this session has ended" };

/** Relay-level state for viewers, as text frames (stream data is always binary). */
export type RelayNotice = { type: "state"; agent: boolean; viewers: number } | { type: "ended"; reason: string };

const DEFAULT_LONE_PEER_MS = 30_000;
const FINISH_RETRY_MS = 10_000;
/** Past the longest ticket life (TICKET_TTL_SECONDS), with a margin for clock skew. */
const FORGET_AFTER_MS = (TICKET_TTL_SECONDS + 30) * 1000;

/** Sends unless the socket is already gone (a peer can vanish between two messages). */
function trySend(ws: WebSocket, message: ArrayBuffer): void {
  try {
    ws.send(message);
  } catch {
    // Its close event follows and does the bookkeeping.
  }
}

/**
 * One per remote session. Pairs the viewer(s) with the agent's stream socket and forwards
 * binary messages both ways as opaque bytes: on that path there is no parsing beyond the
 * first byte and the length, no await and no storage write. Socket state lives in the
 * hibernation API's attachments, so an evicted relay wakes up with everything it needs.
 */
export class SessionRelay extends DurableObject<Env> {
  // Caches rebuilt lazily from getWebSockets() after a wake-up; never the source of truth.
  private viewerCache: WebSocket[] | undefined;
  private agentCache: WebSocket | null | undefined;
  private primaryCache: WebSocket | null | undefined;
  /** Sockets whose close we are handling; they may still read as OPEN until then. */
  private readonly closing = new WeakSet<WebSocket>();
  /** Sockets whose departure left() has handled. */
  private readonly departed = new WeakSet<WebSocket>();
  private readonly instanceStartedAt = Date.now();

  override async fetch(request: Request): Promise<Response> {
    const role = request.headers.get(RELAY_HEADERS.role);
    const sessionId = request.headers.get(RELAY_HEADERS.sessionId);
    if (request.headers.get("Upgrade") !== "websocket" || (role !== "viewer" && role !== "agent") || !sessionId) {
      return new Response("expected a stream WebSocket", { status: 400 });
    }
    if (await this.ctx.storage.get<boolean>("ended")) {
      // How it ended: a viewer that comes late is told the same as one that was there.
      return Response.json((await this.ctx.storage.get<EndedWith>("endedWith")) ?? ENDED, { status: 410 });
    }
    const pair = new WebSocketPair();
    const [client, server] = [pair[0], pair[1]];
    if (role === "agent") {
      // One agent stream per session: the agent never reconnects a stream (a dropped one ends
      // the session and the viewer starts a new one), so a second join is someone replaying
      // the agent's URL within its ticket's minute, to see the viewer's keystrokes.
      if (await this.ctx.storage.get<boolean>("agentJoined")) return new Response("this session's agent already joined", { status: 409 });
      await this.ctx.storage.put("agentJoined", true);
    }
    this.ctx.acceptWebSocket(server, [role]);
    server.serializeAttachment({ role, sessionId, joinedAt: Date.now() } satisfies Attachment);
    await this.ctx.storage.put({ sessionId, joined: true });
    this.invalidate();
    this.announce();
    await this.armLonePeerTimer();
    return new Response(null, { status: 101, webSocket: client });
  }

  override webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): void | Promise<void> {
    // The frame path: synchronous, no allocation beyond what send() needs (only a refusal
    // returns a promise).
    // A socket we closed may still deliver what was in flight: it no longer takes part.
    if (!this.isOpen(ws)) return;
    if (typeof message === "string") {
      return this.refuse(ws, CloseCode.ProtocolViolation, "stream messages are binary");
    }
    const first = message.byteLength > 0 ? new Uint8Array(message, 0, 1)[0]! : -1;
    if (ws === this.agent()) {
      if (message.byteLength > MAX_AGENT_MSG_BYTES) return this.refuse(ws, CloseCode.TooLarge, "message too large");
      if (first < 0 || first >= 0x80) return this.refuse(ws, CloseCode.ProtocolViolation, "not an agent message");
      for (const viewer of this.viewers()) trySend(viewer, message);
      return;
    }
    if (message.byteLength > MAX_VIEWER_MSG_BYTES) return this.refuse(ws, CloseCode.TooLarge, "message too large");
    if (!viewerMsgSizeOk(first, message.byteLength)) return this.refuse(ws, CloseCode.ProtocolViolation, "unknown or malformed viewer message");
    // Flow control is between the agent and one viewer: acks from watchers would double the
    // credit. The picture's quality and the monitor shown are that viewer's choice too:
    // watchers share its stream.
    if ((first === ViewerMsg.Ack || first === ViewerMsg.Quality || first === ViewerMsg.Monitor) && ws !== this.primaryViewer()) return;
    const agent = this.agent();
    if (agent) trySend(agent, message);
  }

  /**
   * Closes a peer that broke the protocol and does at once what its close event would: a
   * peer that never answers the close would otherwise still count (the agent kept capturing
   * for a viewer that is gone, the history row stayed open).
   */
  private refuse(ws: WebSocket, code: number, reason: string): Promise<void> {
    return this.left(ws, code, reason);
  }

  override async webSocketClose(ws: WebSocket, code: number, reason: string): Promise<void> {
    await this.left(ws, code === 1005 || code === 1006 ? 1000 : code, reason);
  }

  override async webSocketError(ws: WebSocket): Promise<void> {
    await this.left(ws, 1011, "error");
  }

  /** A lone peer waited too long for the other side. */
  override async alarm(): Promise<void> {
    if (await this.ctx.storage.get<boolean>("ended")) {
      // Every ticket for this session has expired by now: nothing is left to refuse.
      const open = this.openSockets();
      if (open.length === 0) return void (await this.ctx.storage.deleteAll());
      // A socket still open after the end (ending closes them all): close it now and forget
      // the session at the next alarm (returning without one kept the storage for good).
      for (const ws of open) this.closeSocket(ws, CloseCode.SessionEnded, "this session has ended");
      await this.ctx.storage.setAlarm(Date.now() + FINISH_RETRY_MS);
      return;
    }
    if (this.agent() && this.viewers().length > 0) return;
    if (await this.rowStillToCome()) {
      await this.armLonePeerTimer();
      return;
    }
    const timedOut = { code: CloseCode.PeerTimeout, reason: "the other side did not connect" };
    for (const ws of this.ctx.getWebSockets()) this.closeSocket(ws, timedOut.code, timedOut.reason);
    await this.finish(timedOut);
  }

  /**
   * Connect arms this relay before it writes the history row (see expect()). Should the timer
   * fire before the row exists (a Connect slower than the lone-peer time), ending now would
   * close nothing and refuse the session for good, leaving the row open once written: the
   * relay waits another period instead, while nobody has joined and the Connect's tickets
   * could still be live.
   */
  private async rowStillToCome(): Promise<boolean> {
    const kept = await this.ctx.storage.get(["joined", "expectedAt", "sessionId"]);
    const expectedAt = kept.get("expectedAt") as number | undefined;
    const sessionId = kept.get("sessionId") as string | undefined;
    if (kept.get("joined") || expectedAt === undefined || !sessionId || Date.now() - expectedAt >= FORGET_AFTER_MS) return false;
    return (await findRemoteSession(openDb(this.env.DB), sessionId)) === undefined;
  }

  /**
   * Called by Connect before it writes the history row: remembers the session and arms the
   * lone-peer timer, so a session nobody joins still gets its row closed, even when the
   * Connect is cut off right after writing it.
   */
  async expect(sessionId: string): Promise<void> {
    await this.ctx.storage.put({ sessionId, expectedAt: Date.now() });
    if (this.ctx.getWebSockets().length === 0) await this.armLonePeerTimer();
  }

  /** A Connect that was refused, or took its row back: nothing for this relay to close. */
  async forget(): Promise<void> {
    if (this.ctx.getWebSockets().length > 0) return;
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
  }

  /** Ends the session for everyone (the operator's "End", a plan limit, ...). */
  async end(reason = "ended"): Promise<void> {
    for (const ws of this.viewers()) this.notify(ws, { type: "ended", reason });
    const ended = { code: CloseCode.SessionEnded, reason: reason.slice(0, 100) };
    for (const ws of this.ctx.getWebSockets()) this.closeSocket(ws, ended.code, ended.reason);
    await this.finish(ended);
  }

  /**
   * Who is connected, and when this instance of the object started: after an eviction
   * (hibernation) a new instance serves the same sockets, which the start time shows.
   */
  async status(): Promise<{ agent: number; viewers: number; instanceStartedAt: number }> {
    return { agent: this.agent() ? 1 : 0, viewers: this.viewers().length, instanceStartedAt: this.instanceStartedAt };
  }

  private async left(ws: WebSocket, code: number, reason: string): Promise<void> {
    // Once per socket: refuse() may have done it before the close event arrives.
    if (this.departed.has(ws)) return;
    this.departed.add(ws);
    this.closeSocket(ws, code, reason);
    this.invalidate();
    const { role } = (ws.deserializeAttachment() as Attachment | null) ?? { role: "viewer" };
    let endedWith = ENDED;
    if (role === "agent" && this.agent() === null) {
      // The agent went away (not replaced): viewers are told and may retry. An agent that
      // refused the session (busy) says so with its close code: viewers learn why (in our
      // words: a close reason over 123 bytes would make close() throw).
      endedWith =
        code === CloseCode.Busy
          ? { code, reason: "the remote computer runs too many sessions" }
          : { code: CloseCode.AgentGone, reason: "the remote computer disconnected" };
      for (const v of this.viewers()) this.closeSocket(v, endedWith.code, endedWith.reason);
      this.invalidate();
    } else if (role === "viewer" && this.viewers().length === 0) {
      // Nobody is watching any more: the agent stops capturing.
      const agent = this.agent();
      if (agent) this.closeSocket(agent, CloseCode.SessionEnded, "the viewer left");
      this.invalidate();
    } else {
      this.announce();
    }
    if (this.openSockets().length === 0) await this.finish(endedWith);
    else await this.armLonePeerTimer();
  }

  private async finish(endedWith: EndedWith): Promise<void> {
    if (await this.ctx.storage.get<boolean>("ended")) return;
    // The history row first: "ended" stops every later attempt, so it is set only once the
    // row is closed. Should D1 fail, the alarm tries again (an open row counts against the
    // plan's concurrent sessions).
    const sessionId = await this.ctx.storage.get<string>("sessionId");
    try {
      if (sessionId) await endRemoteSession(openDb(this.env.DB), sessionId, Date.now());
    } catch (err) {
      await this.ctx.storage.setAlarm(Date.now() + FINISH_RETRY_MS);
      throw err;
    }
    await this.ctx.storage.put({ ended: true, endedWith });
    // "ended" refuses late joins while a ticket could still be live; then the object forgets
    // the session (its storage would otherwise stay for good, one record per session ever).
    await this.ctx.storage.setAlarm(Date.now() + FORGET_AFTER_MS);
  }

  private async armLonePeerTimer(): Promise<void> {
    if (this.agent() && this.viewers().length > 0) {
      await this.ctx.storage.deleteAlarm();
      return;
    }
    const ms = Number(this.env.RELAY_LONE_PEER_MS) || DEFAULT_LONE_PEER_MS;
    await this.ctx.storage.setAlarm(Date.now() + ms);
  }

  private announce(): void {
    const notice: RelayNotice = { type: "state", agent: this.agent() !== null, viewers: this.viewers().length };
    for (const v of this.viewers()) this.notify(v, notice);
  }

  private notify(ws: WebSocket, notice: RelayNotice): void {
    try {
      ws.send(JSON.stringify(notice));
    } catch {
      // A socket that is closing cannot be told anything.
    }
  }

  /** Closes a socket and stops counting it at once (its close event may come later or never). */
  private closeSocket(ws: WebSocket, code: number, reason: string): void {
    this.closing.add(ws);
    // The cached lists must not hand it out again (the frame path would send to it).
    this.invalidate();
    try {
      ws.close(code, reason);
    } catch {
      // Already closed.
    }
  }

  private isOpen = (s: WebSocket): boolean => s.readyState === WebSocket.OPEN && !this.closing.has(s);

  private openSockets(): WebSocket[] {
    return this.ctx.getWebSockets().filter(this.isOpen);
  }

  private invalidate(): void {
    this.viewerCache = undefined;
    this.agentCache = undefined;
    this.primaryCache = undefined;
  }

  private viewers(): WebSocket[] {
    return (this.viewerCache ??= this.ctx.getWebSockets("viewer").filter(this.isOpen));
  }

  private agent(): WebSocket | null {
    if (this.agentCache === undefined) {
      this.agentCache = this.ctx.getWebSockets("agent").find(this.isOpen) ?? null;
    }
    return this.agentCache;
  }

  /** The earliest viewer still connected: the one whose acks drive the agent's window. */
  private primaryViewer(): WebSocket | null {
    if (this.primaryCache === undefined) {
      let best: WebSocket | null = null;
      let bestAt = Infinity;
      for (const v of this.viewers()) {
        const { joinedAt } = v.deserializeAttachment() as Attachment;
        if (joinedAt < bestAt) [best, bestAt] = [v, joinedAt];
      }
      this.primaryCache = best;
    }
    return this.primaryCache;
  }
}
