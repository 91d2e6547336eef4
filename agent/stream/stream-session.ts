// One stream socket to a SessionRelay: screen updates out, viewer input in.
// The update loop is driven by damage and by credit: damage marks tiles dirty, and
// when the flow window has room the dirty tiles are captured, encoded and sent as one
// Frame (split only at the 1 MiB message cap). Nothing is captured ahead of credit,
// so a slow viewer gets fewer, fresher updates instead of a growing queue.
// When the remote screen changes size the session starts over at the new size (a new
// encoder and damage grid) and sends a full frame, which tells the viewer the new size.
// The same happens when the viewer picks one monitor (F6.2): the session then streams only
// that part of the screen, in its own coordinates.
import WebSocket from "ws";
import {
  AgentMsg,
  CloseCode,
  encodeClipboard,
  encodeCursor,
  encodeMonitors,
  PictureQuality,
  decodeViewerInput,
  encodePong,
  FrameFlags,
  MAX_AGENT_MSG_BYTES,
  MAX_VIEWER_MSG_BYTES,
  ProtocolError,
  ViewerMsg,
  type Rect,
  type ViewerInput,
  type CursorImage,
} from "../../protocol/stream";
import { maskingFor } from "./frame-mask";
import { FrameWriter } from "./frame-writer";
import { DamageGrid } from "../encode/damage";
import { type EncoderOptions, FrameEncoder } from "../encode/frame-encoder";
import { type Log, silentLog } from "../log";
import type { RgbaImage, ScreenSource } from "../screen/source";
import { FlowWindow } from "./flow-control";
import { ScreenView } from "./screen-view";
import { ViewerHands } from "./viewer-hands";
import { Liveness } from "./liveness";

/** How long a JPEG stand-in must hold still before its lossless refresh (see encode/tile-history.ts). */
const REFRESH_QUIET_MS = 300;
/**
 * The encoder's settings per picture quality level. JPEG quality: Speed about halves a moving
 * picture's bytes against Balanced (the default, the encoder's 75), Best about doubles them.
 * A picture in motion goes at half size except at Best (decision 41); once it holds still
 * every level sends it whole.
 */
const PICTURE: Record<PictureQuality, { jpegQuality: number; halveMoving: boolean }> = {
  [PictureQuality.Speed]: { jpegQuality: 40, halveMoving: true },
  [PictureQuality.Balanced]: { jpegQuality: 75, halveMoving: true },
  [PictureQuality.Best]: { jpegQuality: 92, halveMoving: false },
};

export type StreamSessionOptions = {
  /** ws(s):// URL of the relay, ticket included. */
  url: string;
  source: ScreenSource;
  /** Updates in flight before the agent waits for an ack. */
  window?: number;
  encoder?: EncoderOptions;
  /** false deflates with node:zlib even where the deflate addon is built (benchmarks). */
  nativeDeflate?: boolean;
  /**
   * Local socket backlog above which no new update starts, whatever the credit: a
   * viewer spamming Refresh (which resets the window) still cannot grow memory.
   */
  maxBufferedBytes?: number;
  /**
   * Send text copied on the remote computer to this viewer (F6.3); default true. False where
   * the computer's sessions belong to unrelated accounts (the demo computer): text one of
   * them copies must not land in another's clipboard.
   */
  clipboardToViewer?: boolean;
  /** How long the relay may take to answer the upgrade (default 15 s). */
  handshakeTimeoutMs?: number;
  /**
   * A WebSocket ping this often (default 15 s); two beats in a row with neither a pong nor a
   * viewer message end the stream. A path
   * that died without a close (a NAT dropping the connection while the screen is still) would
   * otherwise keep the session, its memory and any unlocked OS session for good.
   */
  livenessMs?: number;
  /**
   * The stream ends when no viewer has said anything for this long (default 3 minutes;
   * checked at each liveness beat).
   * Liveness proves the path to the relay, which answers pings itself; a viewer that vanished
   * without a close (a laptop put to sleep with the window open) would otherwise keep the
   * session, a plan's session slot and any unlocked OS session for good. A connection window
   * pings every 2 s, and at least once a minute in a hidden tab that the browser throttles.
   */
  viewerSilenceMs?: number;
  log?: Log;
};

export type StreamStats = {
  /** Updates (seqs) sent. */
  updates: number;
  /** WebSocket messages sent, Pongs excluded. */
  messages: number;
  /** Frame bytes sent. */
  bytes: number;
  /** Milliseconds of capture + encode for the last update. */
  lastUpdateMs: number;
};

export type SessionEnd = { code: number; reason: string };

export class StreamSession {
  readonly stats: StreamStats = { updates: 0, messages: 0, bytes: 0, lastUpdateMs: 0 };
  /** Resolves when the socket has closed, with the code either side used. */
  readonly ended: Promise<SessionEnd>;
  /**
   * Resolves at the first valid message from a viewer (its first ack, ping or refresh): a
   * person is watching. Never resolves for a stream that nobody joined.
   */
  readonly viewerPresent: Promise<void>;
  private markViewerPresent!: () => void;

  private readonly ws: WebSocket;
  private readonly source: ScreenSource;
  private damage: DamageGrid;
  private encoder: FrameEncoder;
  private encoderOptions: EncoderOptions;
  /**
   * Where viewer input may point: the screen's size, or after a resize also every size
   * before it, until the viewer acks the first update at the new size (it points at what it
   * last drew; the X server keeps the pointer on the screen).
   */
  private inputBounds: { width: number; height: number };
  /** Resized: the next update's seq is the first at the new size. */
  private newSizePending = false;
  /** The first update at the new size: its ack narrows inputBounds to the screen. */
  private newSizeSeq: number | undefined;
  /** The encoder's screen holds a whole capture (false after a rebuild until its full update). */
  private screenComplete = false;
  /** The source told of a new size: the next pump rebuilds the encoder for it. */
  private resizePending = false;
  /** The viewer picked another monitor: the next pump rebuilds the encoder for it. */
  private viewPending = false;
  /** The source's size the encoder was built for: another means a resize is on its way. */
  private builtFor: { width: number; height: number };
  /** The part of the screen this session streams (F6.2): the encoder's (0, 0) is its corner. */
  private readonly view: ScreenView;
  /** Damage in the view's coordinates into the current grid (one function, not one per event). */
  private readonly addDamage = (r: Rect): void => this.damage.add(r);
  private unsubscribeResize: (() => void) | undefined;
  private unsubscribeClipboard: (() => void) | undefined;
  private unsubscribeCursor: (() => void) | undefined;
  private readonly window: FlowWindow;
  /** The stream's deflate context: every message of this socket is a chunk of it. */
  private readonly writer: FrameWriter;
  private readonly maxBuffered: number;
  private readonly clipboardToViewer: boolean;
  private readonly log: Log;
  private unsubscribe: (() => void) | undefined;
  private seq = 0;
  private needFull = true;
  private busy = false;
  /** The socket closed: no update will start any more. */
  private closed = false;
  /** The source's capture memory the encoder keeps its screen in, while borrowed. */
  private lentScreen: Uint8Array | undefined;
  private scheduled = false;
  private open = false;
  /** What this viewer holds down or pasted: let go when its session ends. */
  private readonly hands: ViewerHands;
  private refreshTimer: NodeJS.Timeout | undefined;
  private readonly liveness: Liveness;
  /**
   * A viewer asked for a Refresh: the monitor list and the pointer's shape go out with the
   * next update, once the socket has room (a viewer sending Refresh after Refresh must not
   * pile messages up in the agent's memory faster than its uplink drains them).
   */
  private extrasOwed = false;

  constructor(opts: StreamSessionOptions) {
    this.source = opts.source;
    this.log = opts.log ?? silentLog;
    this.hands = new ViewerHands(this.source);
    this.view = new ScreenView(this.source.width, this.source.height);
    this.builtFor = { width: this.source.width, height: this.source.height };
    this.damage = new DamageGrid(this.source.width, this.source.height);
    // Sources that capture in place hand the encoder their native layout (X11: BGRX).
    const pixelFormat = this.source.captureInto ? (this.source.captureFormat ?? "rgba") : "rgba";
    // Where the source lends its capture memory, the encoder keeps its screen there.
    this.lentScreen = this.source.captureInto ? this.source.lendScreen?.() : undefined;
    this.encoderOptions = { ...opts.encoder, pixelFormat };
    this.encoder = new FrameEncoder(this.source.width, this.source.height, { ...this.encoderOptions, screen: this.lentScreen });
    this.inputBounds = { width: this.source.width, height: this.source.height };
    this.writer = new FrameWriter({ native: opts.nativeDeflate });
    this.window = new FlowWindow(opts.window ?? 3);
    this.maxBuffered = opts.maxBufferedBytes ?? 4 * MAX_AGENT_MSG_BYTES;
    this.clipboardToViewer = opts.clipboardToViewer ?? true;
    // maxPayload well above the protocol's limit, so an oversized message reaches our
    // check and gets the documented TooLarge code rather than ws's generic 1009.
    // No permessage-deflate: frames carry their own deflate stream (protocol/frame-codec.ts)
    // and JPEGs; deflating them again cost the agent CPU on every update for no bytes saved.
    // Masking: see frame-mask.ts (no copy and XOR of each update over TLS or loopback).
    try {
      this.ws = new WebSocket(opts.url, {
        maxPayload: 64 * 1024,
        perMessageDeflate: false,
        handshakeTimeout: opts.handshakeTimeoutMs ?? 15_000,
        ...maskingFor(opts.url),
      });
    } catch (err) {
      this.giveBackScreen(); // a bad URL: no session will ever use it
      throw err;
    }
    this.ws.binaryType = "nodebuffer";
    this.viewerPresent = new Promise((resolve) => (this.markViewerPresent = resolve));
    this.ended = new Promise((resolve) => {
      this.ws.on("close", (code, reason) => {
        this.stop();
        this.release();
        resolve({ code, reason: reason.toString() });
      });
    });
    this.liveness = new Liveness(this.ws, () => this.log("stream socket silent, closing it"), {
      ms: opts.viewerSilenceMs ?? 180_000,
      onQuiet: (silentMs) => {
        this.log("no word from any viewer, ending the stream", { silentMs });
        this.close(CloseCode.PeerTimeout, "no word from any viewer");
      },
    });
    this.ws.on("open", () => this.onOpen(opts.livenessMs ?? 15_000));
    this.ws.on("message", (data, isBinary) => this.onMessage(data as Buffer, isBinary));
    this.ws.on("error", (err) => this.log("stream socket error", { error: err.message }));
  }

  /** Whether the socket is open (not yet closed by either side). */
  get isOpen(): boolean {
    return this.open;
  }

  /** Whether a capture + encode is running right now. */
  get capturing(): boolean {
    return this.busy;
  }

  /**
   * A copy of the latest full-screen capture this session holds (every pixel captured at
   * least once after its first update), for a thumbnail that costs no capture.
   */
  snapshot(): RgbaImage | undefined {
    // One monitor's picture is not the computer's: the thumbnail path captures the screen itself.
    if (!this.open || !this.screenComplete || !this.viewIsScreen) return undefined;
    // A lent screen is written by the X server during a capture: read it between updates.
    if (this.busy && this.lentScreen) return undefined;
    return { width: this.encoder.width, height: this.encoder.height, data: this.encoder.screenRgba() };
  }

  /** Ends the session from this side. */
  close(code: number = CloseCode.SessionEnded, reason = "session ended"): void {
    this.stop();
    // No update starts after this: a session opened right after (a replacement) may borrow the screen.
    this.release();
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.close(code, reason);
  }

  private onOpen(livenessMs: number): void {
    this.open = true;
    this.liveness.start(livenessMs);
    this.unsubscribe = this.source.onDamage((rects) => {
      this.view.toView(rects, this.addDamage);
      this.schedule();
    });
    this.unsubscribeResize = this.source.onResize?.(() => {
      this.resizePending = true;
      this.schedule();
    });
    // Text copied on the remote computer goes to this viewer's clipboard (F6.3).
    if (this.clipboardToViewer) {
      this.unsubscribeClipboard = this.source.clipboard?.onChange((text) => this.sendSafely(encodeClipboard(AgentMsg.Clipboard, text), "the clipboard"));
    }
    // The pointer's shape (F6.1): the one known now, then each change.
    this.unsubscribeCursor = this.source.cursor?.onChange((cursor) => this.sendCursor(cursor));
    this.sendCursor(this.source.cursor?.current());
    // Resized while the socket was connecting: that event went to no one.
    if (this.sizeChanged) this.resizePending = true;
    this.view.relayout(this.source.monitors?.() ?? []);
    this.sendMonitors();
    // A viewer starts with nothing: the first update is a full key frame.
    this.requestFull();
  }

  private stop(): void {
    this.liveness.stop();
    if (!this.open) return;
    this.open = false;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.unsubscribeResize?.();
    this.unsubscribeResize = undefined;
    this.unsubscribeClipboard?.();
    this.unsubscribeClipboard = undefined;
    this.unsubscribeCursor?.();
    this.unsubscribeCursor = undefined;
    clearTimeout(this.refreshTimer);
    this.refreshTimer = undefined;
    this.writer.close();
    // Keys or buttons still held by this viewer would stay stuck on the remote screen, and a
    // pasted password on its clipboard.
    try {
      this.hands.letGo();
    } catch (err) {
      this.log("could not release input", { error: String(err) });
    }
  }

  private onMessage(data: Buffer, isBinary: boolean): void {
    if (!this.open) return;
    this.liveness.heardMessage();
    if (!isBinary) return this.close(CloseCode.ProtocolViolation, "viewer messages are binary");
    if (data.byteLength > MAX_VIEWER_MSG_BYTES) return this.close(CloseCode.TooLarge, "message too large");
    let msg: ViewerInput;
    try {
      msg = decodeViewerInput(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), this.inputBounds);
    } catch (err) {
      if (err instanceof ProtocolError) return this.close(CloseCode.ProtocolViolation, err.message.slice(0, 120));
      throw err;
    }
    this.markViewerPresent();
    try {
      this.apply(msg);
    } catch (err) {
      // An input backend failure must not take the session (or the agent) down.
      this.log("input failed", { type: msg.type, error: String(err) });
    }
  }

  private apply(msg: ViewerInput): void {
    switch (msg.type) {
      case ViewerMsg.Ack:
        if (this.newSizeSeq !== undefined && seqAtOrAfter(msg.seq, this.newSizeSeq)) {
          this.inputBounds = { width: this.encoder.width, height: this.encoder.height };
          this.newSizeSeq = undefined;
        }
        if (this.window.ack(msg.seq)) this.schedule();
        return;
      case ViewerMsg.Pointer:
        return this.hands.pointer(msg.x + this.view.rect.x, msg.y + this.view.rect.y, msg.buttons);
      case ViewerMsg.Wheel:
        return this.hands.wheel(msg.x + this.view.rect.x, msg.y + this.view.rect.y, msg.dx, msg.dy);
      case ViewerMsg.Key:
        return this.hands.key(msg.keysym, msg.down);
      case ViewerMsg.Ping:
        // Only while the socket has room: a Pong waits behind everything queued anyway, and
        // pings must not grow the queue (the viewer's round trip shows at its next ping).
        if (this.ws.bufferedAmount <= this.maxBuffered) this.ws.send(encodePong(msg.t));
        return;
      case ViewerMsg.Refresh:
        // A viewer that joined after the stream opened (the relay keeps nothing) needs the list
        // and the pointer's shape too: with the full update, when the socket has room.
        this.extrasOwed = true;
        this.requestFull();
        return;
      case ViewerMsg.Clipboard:
        return this.hands.paste(msg.text);
      case ViewerMsg.Monitor:
        if (!this.view.pick(msg.index)) return;
        this.viewPending = true;
        this.schedule();
        return;
      case ViewerMsg.Quality: {
        // From the next update on, and kept for an encoder rebuilt after a resize.
        const picture = PICTURE[msg.level];
        this.encoderOptions = { ...this.encoderOptions, ...picture };
        this.encoder.setJpegQuality(picture.jpegQuality);
        this.encoder.setHalveMoving(picture.halveMoving);
        return;
      }
      default:
        assertNever(msg);
    }
  }

  private requestFull(): void {
    this.needFull = true;
    this.window.reset();
    this.damage.addAll();
    this.schedule();
  }

  /** While stand-ins are owed, looks every REFRESH_QUIET_MS for those that held still and re-sends them. */
  private armRefresh(): void {
    if (this.refreshTimer || !this.open || !this.encoder.owesRefresh) return;
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      if (!this.open) return;
      const due = this.encoder.refreshRegions(REFRESH_QUIET_MS);
      for (const r of due) this.damage.add(r);
      if (due.length > 0) this.schedule();
      this.armRefresh();
    }, REFRESH_QUIET_MS);
  }

  private schedule(): void {
    if (this.scheduled || this.busy || !this.open) return;
    this.scheduled = true;
    // setImmediate lets a burst of damage events from one read coalesce into one update.
    setImmediate(() => {
      this.scheduled = false;
      this.pump().catch((err) => {
        // A capture the screen shrank under: the resize's rebuild sends everything again.
        if (this.sizeChanged) return this.log("screen update dropped: the screen changed size", { error: String(err) });
        this.log("screen update failed", { error: String(err) });
        this.close(1011, "screen capture failed");
      });
    });
  }

  /** The source's size differs from the encoder's build: captures wait for the source's resize event. */
  private get sizeChanged(): boolean {
    return this.source.width !== this.builtFor.width || this.source.height !== this.builtFor.height;
  }

  private get viewIsScreen(): boolean {
    return this.view.isWholeScreen(this.builtFor.width, this.builtFor.height);
  }

  /** Tells the viewers the pointer's shape (nothing while none is known). */
  private sendCursor(cursor: CursorImage | undefined): void {
    if (cursor) this.sendSafely(encodeCursor(cursor), "the pointer's shape");
  }

  /**
   * Sends a message from outside the update loop: from the X connection's event and reply
   * handling, where a throw would end the agent.
   */
  private sendSafely(message: Uint8Array, what: string): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    try {
      this.ws.send(message);
    } catch (err) {
      this.log(`could not send ${what}`, { error: String(err) });
    }
  }

  /** Tells the viewers the monitors and the one shown, where the source knows its monitors. */
  private sendMonitors(): void {
    if (!this.source.monitors || this.ws.readyState !== WebSocket.OPEN) return;
    this.ws.send(encodeMonitors(this.view.monitors));
  }

  /**
   * Starts over at the source's new size or the monitor the viewer picked: a new encoder and
   * damage grid, and a full frame.
   */
  private rebuild(): void {
    if (this.resizePending) this.view.relayout(this.source.monitors?.() ?? []);
    this.resizePending = false;
    this.viewPending = false;
    this.builtFor = { width: this.source.width, height: this.source.height };
    const { w: width, h: height } = this.view.place(this.source.width, this.source.height);
    this.inputBounds = { width: Math.max(width, this.inputBounds.width), height: Math.max(height, this.inputBounds.height) };
    this.newSizePending = true;
    this.newSizeSeq = undefined;
    this.screenComplete = false;
    // The old screen buffer may be the source's old segment: back first, so the new one can be lent.
    // A whole-screen buffer only: one monitor's picture has its own.
    this.giveBackScreen();
    this.lentScreen = this.source.captureInto && this.viewIsScreen ? this.source.lendScreen?.() : undefined;
    this.encoder = new FrameEncoder(width, height, { ...this.encoderOptions, screen: this.lentScreen });
    this.damage = new DamageGrid(width, height);
    clearTimeout(this.refreshTimer); // its stand-ins belonged to the old encoder
    this.refreshTimer = undefined;
    this.needFull = true;
    this.window.reset();
    this.damage.addAll();
    this.sendMonitors();
  }

  private async pump(): Promise<void> {
    if (this.busy || !this.open) return;
    if (this.resizePending || this.viewPending) this.rebuild();
    // Resized and the source not ready for the new size yet: its resize event resumes the loop.
    if (this.sizeChanged || this.damage.isEmpty) return;
    if (!this.window.hasCredit || this.ws.bufferedAmount > this.maxBuffered) return; // an ack or a drain resumes
    if (this.extrasOwed) {
      this.extrasOwed = false;
      this.sendMonitors();
      this.sendCursor(this.source.cursor?.current());
    }
    this.busy = true;
    try {
      const started = performance.now();
      const full = this.needFull;
      this.needFull = false;
      const regions = this.damage.take();
      const origin = this.view.rect;
      for (const r of regions) {
        const onScreen = origin.x === 0 && origin.y === 0 ? r : { x: r.x + origin.x, y: r.y + origin.y, w: r.w, h: r.h };
        if (this.source.captureInto) await this.source.captureInto(onScreen, { data: this.encoder.screen, width: this.encoder.width, origin });
        else this.encoder.put(r, await this.source.capture(onScreen));
      }
      if (full) this.screenComplete = true;
      const rects = await this.encoder.encode(regions, full);
      if (!this.open || rects.length === 0) return; // damage that changed no pixel costs no credit
      this.seq = (this.seq + 1) >>> 0;
      if (this.newSizePending) {
        this.newSizeSeq = this.seq;
        this.newSizePending = false;
      }
      const { width, height } = this.encoder;
      let parts: Uint8Array[];
      try {
        parts = await this.writer.write({ seq: this.seq, flags: full ? FrameFlags.full : 0, width, height, rects });
      } catch (err) {
        if (!this.open) return; // the socket closed while zlib worked: nothing to send
        throw err;
      }
      this.stats.lastUpdateMs = performance.now() - started;
      this.window.sent(this.seq);
      this.stats.updates++;
      parts.forEach((part, i) => {
        this.stats.messages++;
        this.stats.bytes += part.byteLength;
        // The last part's callback fires once it left the process: a drained backlog resumes the loop.
        this.ws.send(part, i === parts.length - 1 ? () => this.schedule() : undefined);
      });
    } finally {
      this.busy = false;
      if (this.closed) this.giveBackScreen();
      if (!this.damage.isEmpty || this.resizePending) this.schedule();
      this.armRefresh();
    }
  }

  /** No update starts any more: the screen goes back now, or when the running one ends. */
  private release(): void {
    this.closed = true;
    if (!this.busy) this.giveBackScreen();
  }

  /** After the last capture into it: the next session may borrow the source's screen. */
  private giveBackScreen(): void {
    if (!this.lentScreen) return;
    this.source.returnScreen?.(this.lentScreen);
    this.lentScreen = undefined;
  }
}

/** Whether seq is `from` or after it, in u32 sequence space (seqs wrap). */
function seqAtOrAfter(seq: number, from: number): boolean {
  return ((seq - from) >>> 0) < 0x80000000;
}

function assertNever(x: never): never {
  throw new Error(`unhandled message ${JSON.stringify(x)}`);
}
