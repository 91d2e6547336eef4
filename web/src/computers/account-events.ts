// The account's live feed (GET /api/events, a same-origin WebSocket that carries the session
// cookie): the server pushes an AccountEvent whenever one of the user's computers changes.
// Drops are normal (deploys, sleeping laptops, flaky Wi-Fi): it reconnects with a growing,
// jittered delay, and tells the caller so it can catch up on what it missed meanwhile.
import type { AccountEvent } from "../../../protocol/api";

export type EventsState = "connecting" | "open" | "closed";

export type EventsHandlers = {
  onEvent(event: AccountEvent): void;
  /** The socket is open; `reconnected` is true for every opening after the first. */
  onOpen(reconnected: boolean): void;
  onState(state: EventsState): void;
  /** The server closed the feed for good (this browser was signed out, the account deleted). */
  onEnded(): void;
};

export const EVENTS_PATH = "/api/events";
/** The close code the AccountHub ends a tab's feed with: reconnecting would only get a 401. */
const ENDED = 4000;
const MIN_DELAY_MS = 1_000;
const MAX_DELAY_MS = 30_000;
/** Keeps proxies from closing a quiet socket; the server answers "pong" without waking up. */
const HEARTBEAT_MS = 30_000;

function isAccountEvent(value: unknown): value is AccountEvent {
  if (typeof value !== "object" || value === null) return false;
  const event = value as { type?: unknown; computer?: { id?: unknown }; id?: unknown };
  if (event.type === "computer") return typeof event.computer?.id === "string";
  if (event.type === "computer-removed") return typeof event.id === "string";
  return false;
}

/** Opens the feed and keeps it open until the returned function is called. */
export function subscribeToAccountEvents(handlers: EventsHandlers): () => void {
  let socket: WebSocket | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let heartbeat: ReturnType<typeof setInterval> | undefined;
  let attempt = 0;
  let opened = false;
  let stopped = false;

  const url = () => `${window.location.protocol === "https:" ? "wss:" : "ws:"}//${window.location.host}${EVENTS_PATH}`;

  function connect(): void {
    handlers.onState("connecting");
    const ws = new WebSocket(url());
    socket = ws;
    ws.onopen = () => {
      attempt = 0;
      clearInterval(heartbeat);
      heartbeat = setInterval(() => ws.readyState === WebSocket.OPEN && ws.send("ping"), HEARTBEAT_MS);
      handlers.onState("open");
      handlers.onOpen(opened);
      opened = true;
    };
    ws.onmessage = (message) => {
      if (typeof message.data !== "string" || message.data === "pong") return;
      let parsed: unknown;
      try {
        parsed = JSON.parse(message.data);
      } catch {
        return;
      }
      // Unknown event types come from a newer server: ignore them rather than break.
      if (isAccountEvent(parsed)) handlers.onEvent(parsed);
    };
    ws.onclose = (event) => {
      if (socket !== ws) return;
      clearInterval(heartbeat);
      socket = null;
      handlers.onState("closed");
      if (stopped) return;
      if (event.code === ENDED) {
        stopped = true;
        return handlers.onEnded();
      }
      const delay = Math.min(MAX_DELAY_MS, MIN_DELAY_MS * 2 ** attempt) * (0.75 + Math.random() * 0.5);
      attempt++;
      timer = setTimeout(connect, delay);
    };
  }

  connect();
  return () => {
    stopped = true;
    clearTimeout(timer);
    clearInterval(heartbeat);
    const ws = socket;
    socket = null;
    if (ws && ws.readyState <= WebSocket.OPEN) ws.close(1000, "done");
  };
}
