import { signal, type Signal } from "@preact/signals";
import type { OperatingSystem, StartSessionResponse } from "../../../protocol/api";
import {
  AgentMsg,
  agentTakesExtras,
  CloseCode,
  decodeClipboard,
  decodeCursor,
  decodeMonitors,
  MAX_CLIPBOARD_BYTES,
  type MonitorLayout,
  PictureQuality,
  ProtocolError,
  sameRect,
  ViewerMsg,
  encodeViewerInput,
  type ViewerInput,
} from "../../../protocol/stream";
import { api, ApiError, errorMessage } from "../api/client";
import { t, type Key } from "../i18n/i18n";
import { FrameRenderer } from "./frame-renderer";
import { KEYSYM } from "./keysyms";
import { loadMonitorChoice, saveMonitorChoice } from "./monitor-choice";
import { loadQuality, saveQuality } from "./picture-quality";
import { cssCursor } from "./remote-cursor";

export type ViewerState = "starting" | "connecting" | "waiting" | "live" | "ended" | "offline" | "error";

/** How long a paste waits for the local clipboard (a permission prompt) before its keys go on. */
const CLIPBOARD_READ_TIMEOUT_MS = 3000;
/** How long remote clipboard text waits to be written locally (see pendingClipboard). */
const PENDING_CLIPBOARD_MS = 10_000;
/** How long a notice (session.notice) stays up. */
const NOTICE_MS = 6000;

/** Only these moves are legal; anything else is a bug and is ignored (noVNC-style state machine). */
const TRANSITIONS: Record<ViewerState, ViewerState[]> = {
  starting: ["connecting", "offline", "error", "ended"],
  connecting: ["waiting", "live", "ended", "error", "offline"],
  waiting: ["live", "ended", "error", "offline"],
  live: ["waiting", "ended", "error", "offline"],
  ended: ["starting"],
  offline: ["starting"],
  error: ["starting"],
};

/** What each close code means for the window: its state and the catalog key of its message. */
const CLOSE_MESSAGES: Record<number, [ViewerState, Key]> = {
  [CloseCode.SessionEnded]: ["ended", "viewer.ended"],
  [CloseCode.BadTicket]: ["error", "viewer.badTicket"],
  [CloseCode.PeerTimeout]: ["offline", "viewer.peerTimeout"],
  [CloseCode.ProtocolViolation]: ["error", "viewer.protocolViolation"],
  [CloseCode.TooLarge]: ["error", "viewer.tooLarge"],
  [CloseCode.AgentGone]: ["offline", "viewer.agentGone"],
  [CloseCode.Busy]: ["offline", "viewer.busy"],
};

/**
 * One connection window's session: starts it through the API, runs the stream socket,
 * draws frames, acknowledges them, measures frame rate and round-trip time, and sends input.
 */
export class ViewerSession {
  readonly state: Signal<ViewerState> = signal("starting");
  readonly message = signal(t("viewer.starting"));
  readonly fps = signal(0);
  readonly rttMs: Signal<number | null> = signal(null);
  /** Stamps of this viewer's Pings not yet answered, oldest first. */
  private readonly pingsOut: number[] = [];
  private readonly stampBase = crypto.getRandomValues(new Uint32Array(1))[0]!;
  readonly remoteSize = signal({ width: 0, height: 0 });
  /** The remote computer's system, as its agent registered it; undefined until the session started. */
  remoteOs: OperatingSystem | undefined;
  readonly computerName = signal("");
  /** Seconds the stream has been live, for the session bar; it stops when the stream does. */
  readonly duration = signal(0);
  /** View only (F6.2): the operator watches; no mouse or keyboard input is sent. */
  readonly viewOnly = signal(false);
  /** Picture quality against speed (F6.2), as last chosen in this browser. */
  readonly quality: Signal<PictureQuality> = signal(loadQuality());
  /**
   * Whether the computer's agent takes Quality and Clipboard messages (an older one closes
   * the stream on them): until the session started, and for an older agent, false.
   */
  readonly agentExtras = signal(false);
  /** The remote computer's monitors and the one shown (F6.2), as its agent last said; null until it does. */
  readonly monitors: Signal<MonitorLayout | null> = signal(null);
  /** The remote pointer's shape as a CSS cursor value (F6.1); null until the agent sends one. */
  readonly cursor: Signal<string | null> = signal(null);
  /** This session asked for the stored monitor choice already (at the agent's first list). */
  private monitorRestored = false;
  /** A passing word for the user (a paste that could not go), shown a few seconds; null when none. */
  readonly notice: Signal<string | null> = signal(null);
  private noticeTimer: ReturnType<typeof setTimeout> | undefined;

  private ws: WebSocket | undefined;
  private renderer: FrameRenderer;
  private timers: ReturnType<typeof setInterval>[] = [];
  private buttons = 0;
  private lastPointer = { x: 0, y: 0 };
  /** Keys wait here behind a read of the local clipboard (a paste: the text must be there first). */
  private keyChain: Promise<void> | undefined;
  /**
   * Remote clipboard text not yet written locally: Chromium lets a page write only while
   * focused, Firefox and Safari only in a user gesture. Dropped after PENDING_CLIPBOARD_MS, so
   * it cannot overwrite what the user copied here since.
   */
  private pendingClipboard: { text: string; at: number } | undefined;
  /** The session the API started (for End), and when its stream first went live (Date.now()). */
  private sessionId: string | undefined;
  private liveAt: number | undefined;

  constructor(
    private readonly computerId: string,
    canvas: HTMLCanvasElement,
  ) {
    this.renderer = new FrameRenderer(
      canvas,
      (seq) => this.send({ type: ViewerMsg.Ack, seq }),
      (width, height) => (this.remoteSize.value = { width, height }),
      () => this.send({ type: ViewerMsg.Refresh }),
      () => this.say(t("viewer.screenTooLarge")),
    );
  }

  private go(next: ViewerState, message: string): void {
    if (this.state.value !== next && !TRANSITIONS[this.state.value].includes(next)) return;
    if (next === "live") this.liveAt ??= Date.now();
    this.state.value = next;
    this.message.value = message;
  }

  async start(): Promise<void> {
    this.go("starting", t("viewer.starting"));
    this.sessionId = undefined;
    this.liveAt = undefined;
    this.duration.value = 0;
    this.monitors.value = null;
    this.monitorRestored = false;
    // A new connection's stream and pointer start afresh (after End or a lost one, then Retry).
    this.renderer.reset();
    this.cursor.value = null;
    let res: Response;
    try {
      res = await fetch(`/api/computers/${encodeURIComponent(this.computerId)}/sessions`, {
        method: "POST",
        credentials: "same-origin",
      });
    } catch {
      return this.go("error", t("viewer.networkDown"));
    }
    if (!res.ok) {
      const body = (await res.json().catch(() => null)) as { error?: { code: string; message: string } } | null;
      const message = body?.error ? errorMessage(new ApiError(res.status, body.error.code, body.error.message)) : t("viewer.startFailed", { status: res.status });
      // Signed out meanwhile: sign in, then back to this window (and its computer).
      if (res.status === 401) location.href = `/login?next=${encodeURIComponent(location.pathname)}`;
      return this.go(res.status === 409 ? "offline" : "error", message);
    }
    const session = (await res.json()) as StartSessionResponse;
    this.computerName.value = session.computer.name;
    this.remoteOs = session.computer.os;
    this.sessionId = session.sessionId;
    this.agentExtras.value = agentTakesExtras(session.computer.agentVersion);
    this.open(session.viewerPath);
  }

  private open(path: string): void {
    this.go("connecting", t("viewer.connectingMessage"));
    const url = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}${path}`;
    const ws = new WebSocket(url);
    ws.binaryType = "arraybuffer";
    this.ws = ws;
    ws.onmessage = (e) => this.onMessage(e.data as ArrayBuffer | string);
    ws.onclose = (e) => {
      // A socket this window already left (End, then Retry): the new one's timers run on.
      if (this.ws !== ws) return;
      this.stopTimers();
      // No stream, no figures: the last ones would read as if the session still ran.
      this.fps.value = 0;
      this.rttMs.value = null;
      const [state, message] = CLOSE_MESSAGES[e.code] ?? ["error", "viewer.lost"];
      this.go(state, t(message));
    };
    ws.onopen = () => {
      this.timers.push(
        setInterval(() => this.ping(), 2000),
        setInterval(() => {
          this.fps.value = this.renderer.takeFrameCount();
          if (this.liveAt !== undefined) this.duration.value = Math.floor((Date.now() - this.liveAt) / 1000);
        }, 1000),
      );
    };
  }

  private onMessage(data: ArrayBuffer | string): void {
    if (typeof data === "string") {
      const notice = JSON.parse(data) as { type: string; agent?: boolean; reason?: string };
      if (notice.type === "state") {
        if (notice.agent) {
          const wasLive = this.state.value === "live";
          this.go("live", t("viewer.connected"));
          // The agent starts at Balanced; another choice is sent when the stream goes live,
          // before the Refresh, so the full picture already comes at that quality.
          const level = this.quality.peek();
          if (!wasLive && level !== PictureQuality.Balanced && this.agentExtras.peek()) this.send({ type: ViewerMsg.Quality, level });
          // Ask for a full picture: the agent may have started before this viewer.
          this.send({ type: ViewerMsg.Refresh });
          // And the round trip at once, rather than "RTT –" until the first timed ping.
          this.ping();
        } else this.go("waiting", t("viewer.waitingMessage"));
      } else if (notice.type === "ended") this.go("ended", t("viewer.ended"));
      return;
    }
    const type = new Uint8Array(data, 0, 1)[0];
    if (type === AgentMsg.Frame) {
      if (this.state.value === "waiting" || this.state.value === "connecting") this.go("live", t("viewer.connected"));
      this.renderer.push(data);
    } else if (type === AgentMsg.Monitors) {
      try {
        this.monitors.value = decodeMonitors(new Uint8Array(data));
      } catch (err) {
        if (!(err instanceof ProtocolError)) throw err; // a malformed list: the choice stays as it was
        return;
      }
      this.restoreMonitor();
    } else if (type === AgentMsg.Cursor) {
      try {
        this.cursor.value = cssCursor(decodeCursor(new Uint8Array(data)));
      } catch (err) {
        if (!(err instanceof ProtocolError)) throw err; // a malformed shape: the pointer stays as it was
      }
    } else if (type === AgentMsg.Clipboard) {
      try {
        this.remoteCopied(decodeClipboard(new Uint8Array(data)));
      } catch (err) {
        if (!(err instanceof ProtocolError)) throw err; // not UTF-8: nothing to paste
      }
    } else if (type === AgentMsg.Pong) {
      // The relay hands every viewer every Pong: another tab's stamp (its own clock) says
      // nothing about this one's round trip.
      const t = new DataView(data).getUint32(1, true);
      const mine = this.pingsOut.indexOf(t);
      if (mine < 0) return;
      this.pingsOut.splice(0, mine + 1);
      this.rttMs.value = (this.stamp() - t) >>> 0;
    }
  }

  /** Now in ms, offset by this viewer's own random base, so two tabs' stamps all but never coincide. */
  private stamp(): number {
    return (Math.floor(performance.now()) + this.stampBase) >>> 0;
  }

  private ping(): void {
    const t = this.stamp();
    // The last few only: a Pong older than that is late enough to say nothing new.
    this.pingsOut.push(t);
    if (this.pingsOut.length > 8) this.pingsOut.shift();
    this.send({ type: ViewerMsg.Ping, t });
  }

  send(m: ViewerInput): void {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(encodeViewerInput(m));
  }

  pointer(x: number, y: number, buttons = this.buttons): void {
    if (this.viewOnly.peek()) return;
    this.buttons = buttons;
    this.lastPointer = { x, y };
    const { width, height } = this.remoteSize.value;
    if (!width || !height) return;
    this.send({ type: ViewerMsg.Pointer, x: clamp(x, width), y: clamp(y, height), buttons });
  }

  /** Lets go of any mouse button still held, where the pointer last was (the window lost focus mid-drag). */
  releaseButtons(): void {
    if (this.buttons) this.pointer(this.lastPointer.x, this.lastPointer.y, 0);
  }

  wheel(x: number, y: number, dx: number, dy: number): void {
    if (this.viewOnly.peek()) return;
    const { width, height } = this.remoteSize.value;
    if (!width || !height) return;
    this.send({ type: ViewerMsg.Wheel, x: clamp(x, width), y: clamp(y, height), dx, dy });
  }

  key(keysym: number, down: boolean): void {
    // View only: nothing at all (the window let go of what was held before it began).
    if (this.viewOnly.peek()) return;
    const send = () => this.send({ type: ViewerMsg.Key, keysym, down });
    if (this.keyChain) this.afterKeys(async () => send());
    else send();
  }

  /**
   * A paste shortcut (Ctrl+V, Shift+Insert) is about to go to the remote: the local clipboard's
   * text goes to the remote clipboard first, so the remote app pastes what the operator copied
   * here (F6.3). The keys wait for the read; the browser may ask the user to allow it once.
   */
  pasteFirst(): void {
    if (this.viewOnly.peek() || !this.agentExtras.peek() || !navigator.clipboard?.readText) return;
    this.afterKeys(async () => {
      // A permission prompt left open must not hold the keyboard for long: the keys go on without it.
      const timeout = new Promise<undefined>((resolve) => setTimeout(resolve, CLIPBOARD_READ_TIMEOUT_MS));
      const text = await Promise.race([navigator.clipboard.readText().catch(() => undefined), timeout]);
      if (text) this.sendClipboard(text);
    });
  }

  private afterKeys(op: () => Promise<void>): void {
    // Queued for this socket only: after End and Retry, a key left waiting must not reach the new session.
    const ws = this.ws;
    const chain = (this.keyChain ?? Promise.resolve())
      .then(() => (this.ws === ws ? op() : undefined))
      .catch(() => undefined);
    this.keyChain = chain;
    void chain.then(() => {
      if (this.keyChain === chain) this.keyChain = undefined;
    });
  }

  private sendClipboard(text: string): void {
    // Sent at every paste, the same text too: the remote clipboard may hold another by now.
    try {
      this.send({ type: ViewerMsg.Clipboard, text });
    } catch {
      // encodeClipboard's RangeError: the Ctrl+V still goes, and pastes what the remote had.
      this.say(t("viewer.clipboardTooLong", { kib: MAX_CLIPBOARD_BYTES / 1024 }));
    }
  }

  private say(text: string): void {
    clearTimeout(this.noticeTimer);
    this.notice.value = text;
    this.noticeTimer = setTimeout(() => (this.notice.value = null), NOTICE_MS);
  }

  /** Text copied on the remote computer: into the local clipboard, now or when this window next has the focus. */
  private remoteCopied(text: string): void {
    this.pendingClipboard = { text, at: Date.now() };
    this.flushClipboard();
  }

  /** Writes remote clipboard text still waiting: call it on focus and in user gestures (keydown, pointerdown). */
  flushClipboard(): void {
    const pending = this.pendingClipboard;
    if (!pending || !navigator.clipboard?.writeText) return;
    if (Date.now() - pending.at > PENDING_CLIPBOARD_MS) {
      this.pendingClipboard = undefined;
      return;
    }
    navigator.clipboard.writeText(pending.text).then(
      () => {
        if (this.pendingClipboard === pending) this.pendingClipboard = undefined;
      },
      () => undefined, // not focused, or no gesture: kept for the next chance
    );
  }

  /** A key pressed and released, e.g. a character from the phone's on-screen keyboard. */
  keyPress(keysym: number): void {
    this.key(keysym, true);
    this.key(keysym, false);
  }

  /** Ctrl+Alt+Del cannot be typed into a browser, so it is a button. */
  ctrlAltDel(): void {
    for (const k of [KEYSYM.Control_L, KEYSYM.Alt_L, KEYSYM.Delete]) this.key(k, true);
    for (const k of [KEYSYM.Delete, KEYSYM.Alt_L, KEYSYM.Control_L]) this.key(k, false);
  }

  /** Picture quality from the next update on; remembered for the next windows. */
  setQuality(level: PictureQuality): void {
    this.quality.value = level;
    saveQuality(level);
    if (this.agentExtras.peek()) this.send({ type: ViewerMsg.Quality, level });
  }

  /**
   * Asks the agent to show one monitor (its index in the agent's list) or, with null, the
   * whole screen. The choice shows once the agent confirms it with its next list; a watcher's
   * is not taken (the first viewer's stream is everyone's).
   */
  setMonitor(index: number | null): void {
    const layout = this.monitors.peek();
    if (!layout || layout.monitors.length < 2) return;
    saveMonitorChoice(this.computerId, index === null ? null : (layout.monitors[index] ?? null));
    this.send({ type: ViewerMsg.Monitor, index });
  }

  /** At the agent's first list in this session: the monitor picked last time, if it is still there. */
  private restoreMonitor(): void {
    const layout = this.monitors.peek();
    if (this.monitorRestored || !layout || layout.monitors.length < 2) return;
    this.monitorRestored = true;
    const place = loadMonitorChoice(this.computerId);
    const index = place ? layout.monitors.findIndex((m) => sameRect(m, place)) : -1;
    if (index >= 0 && layout.shown !== index) this.send({ type: ViewerMsg.Monitor, index });
  }

  /** Turns view only on or off; turning it on first lets go of any mouse button held. */
  setViewOnly(on: boolean): void {
    if (on) this.releaseButtons();
    this.viewOnly.value = on;
  }

  /**
   * Ends the session (F6.3) for everyone: the server closes it at the relay, other viewers
   * watching it included, and its history entry ends at once. The window says so at once and
   * tells the server after; if that request fails, this window's socket closing still ends the
   * session wherever no other viewer watches it.
   */
  async end(): Promise<void> {
    const id = this.sessionId;
    this.close();
    this.fps.value = 0;
    this.rttMs.value = null;
    this.go("ended", t("viewer.endedByYou"));
    if (id) await api.post(`/api/history/${encodeURIComponent(id)}/end`).catch(() => undefined);
  }

  async retry(): Promise<void> {
    this.close();
    await this.start();
  }

  close(): void {
    this.stopTimers();
    this.keyChain = undefined;
    const ws = this.ws;
    this.ws = undefined;
    ws?.close(1000, "closed by the viewer");
  }

  private stopTimers(): void {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
  }
}

function clamp(v: number, size: number): number {
  return Math.max(0, Math.min(size - 1, Math.round(v)));
}
