// The binary stream protocol between an agent and the viewers of one session.
// The SessionRelay forwards these messages as opaque bytes; it checks only the first
// byte (direction) and the size. All integers are little-endian. See docs/protocol.md.
import { deflateSync, inflateSync } from "fflate";

/** Agent -> viewer message types (high bit clear). */
export const AgentMsg = {
  /** One screen update, possibly split over several messages (see FrameFlags.final). */
  Frame: 0x01,
  /** Answer to a viewer Ping: u32 echo. */
  Pong: 0x02,
  /** The remote clipboard's text changed: UTF-8, up to MAX_CLIPBOARD_BYTES. */
  Clipboard: 0x03,
  /**
   * The remote screen's monitors and the one the stream shows (F6.2): u8 count, u8 shown
   * (an index, or WHOLE_SCREEN), then per monitor u16 x, y, width, height on the screen. Sent
   * when a stream opens, and again when the layout or the choice changes.
   */
  Monitors: 0x04,
  /**
   * The remote pointer's shape (F6.1): u16 width, u16 height, u16 hotX, u16 hotY, then width x
   * height RGBA pixels, straight alpha, raw DEFLATE (RFC 1951: mostly transparent, a 32x32
   * shape's 4 KiB become a few hundred bytes), at most MAX_CURSOR_SIDE a side. Sent when a stream
   * opens, when the shape changes and on a viewer's Refresh; the viewer shows it as its own
   * pointer over the picture (moving it costs no round trip).
   */
  Cursor: 0x05,
} as const;

/** Viewer -> agent message types (high bit set, so the relay can check direction cheaply). */
export const ViewerMsg = {
  /** u32 seq: the viewer has drawn frame seq; returns one credit to the agent's window. */
  Ack: 0x81,
  /** u16 x, u16 y, u8 buttons (bit0 left, bit1 middle, bit2 right). */
  Pointer: 0x82,
  /** u16 x, u16 y, i16 dx, i16 dy (wheel steps, positive = down/right). */
  Wheel: 0x83,
  /** u8 down (1/0), u32 X11 keysym. */
  Key: 0x84,
  /** u32 t: echoed back in a Pong, for round-trip time. */
  Ping: 0x85,
  /** Asks for a full frame (after a resize of the canvas, or a lost state). */
  Refresh: 0x86,
  /** u8 level (PictureQuality): the operator's choice of picture quality against speed. */
  Quality: 0x87,
  /** The operator's clipboard text, for the remote clipboard: UTF-8, up to MAX_CLIPBOARD_BYTES. */
  Clipboard: 0x88,
  /**
   * u8 index into the agent's last Monitors list, or WHOLE_SCREEN: the monitor to show (F6.2).
   * Sent only to an agent that sent Monitors (an older one closes the stream on it).
   */
  Monitor: 0x89,
} as const;

/** Largest side of a Cursor image: Chromium ignores CSS cursor images above 128 px. */
export const MAX_CURSOR_SIDE = 128;

/** Most monitors a Monitors message lists. */
export const MAX_MONITORS = 16;
/** A Monitor choice (and a Monitors "shown") meaning all of the screen, every monitor. */
export const WHOLE_SCREEN = 0xff;

/**
 * The first agent version that takes Quality and Clipboard messages: an older agent closes
 * its stream (4003) on a message type it does not know, so viewers send them only from here.
 */
export const EXTRAS_SINCE_AGENT = "0.2.0";

/** Whether an agent reporting `version` takes Quality and Clipboard messages. */
export function agentTakesExtras(version: string): boolean {
  const parts = (v: string) => v.split(".").map((n) => Number.parseInt(n, 10) || 0);
  const [have, need] = [parts(version), parts(EXTRAS_SINCE_AGENT)];
  for (let i = 0; i < need.length; i++) {
    if ((have[i] ?? 0) !== need[i]) return (have[i] ?? 0) > need[i]!;
  }
  return true;
}

/** Largest clipboard text either way, in UTF-8 bytes; longer text is not carried (F6.3). */
export const MAX_CLIPBOARD_BYTES = 32 * 1024;

/**
 * The operator's choice (F6.2): how photographic areas (video, pictures) are compressed
 * while they change. Text and UI are always lossless, and a picture that holds still is
 * re-sent losslessly at every level.
 */
export const PictureQuality = { Speed: 0, Balanced: 1, Best: 2 } as const;
export type PictureQuality = (typeof PictureQuality)[keyof typeof PictureQuality];

/** Exact sizes of the fixed-size viewer messages (Clipboard's varies: see viewerMsgSizeOk). */
export const VIEWER_MSG_SIZE: Record<number, number> = {
  [ViewerMsg.Ack]: 5,
  [ViewerMsg.Pointer]: 6,
  [ViewerMsg.Wheel]: 9,
  [ViewerMsg.Key]: 6,
  [ViewerMsg.Ping]: 5,
  [ViewerMsg.Refresh]: 1,
  [ViewerMsg.Quality]: 2,
  [ViewerMsg.Monitor]: 2,
};

/** Largest viewer -> agent message: a Clipboard message of the longest text. */
export const MAX_VIEWER_MSG_BYTES = 1 + MAX_CLIPBOARD_BYTES;

/** Whether a viewer message of this type may have this length (the relay's and the agent's check). */
export function viewerMsgSizeOk(type: number, length: number): boolean {
  if (type === ViewerMsg.Clipboard) return length >= 1 && length <= MAX_VIEWER_MSG_BYTES;
  return VIEWER_MSG_SIZE[type] === length;
}
/**
 * Largest agent -> viewer message. Cloudflare caps WebSocket messages at 1 MiB, so the
 * agent splits a big update into several Frame messages that share one seq.
 */
export const MAX_AGENT_MSG_BYTES = 1024 * 1024;

/**
 * The largest screen (or monitor) a stream carries, in pixels: 48 Mi, e.g. three 5K monitors
 * side by side (15360x2880) or four 4K ones in a square (7680x4320). A viewer refuses a key
 * frame larger than this rather than allocate a canvas of whatever size a frame declares
 * (16384x16384 would be 1 GiB). On a larger screen the whole-screen view shows nothing and
 * the viewer's monitor choice (F6.2) shows one monitor at a time.
 */
export const MAX_SCREEN_PIXELS = 48 * 1024 * 1024;

export const FrameFlags = {
  /** Set on the last message of an update: the viewer acks only then. */
  final: 0x01,
  /** The update redraws the whole screen (a key frame). */
  full: 0x02,
  /** On the first message of a key frame: a new deflate stream starts here (see frame-codec.ts). */
  reset: 0x04,
} as const;

/** How a rectangle's pixels travel. */
export const Encoding = {
  /** u32 length; the JPEG bytes follow the compressed section: photographic regions. */
  Jpeg: 0x01,
  /** u32 length + PNG bytes: text and flat regions that must stay sharp. */
  Png: 0x02,
  /** u32 length + WebP bytes. */
  Webp: 0x03,
  /** u16 srcX, u16 srcY: copy a region of the current screen (scrolls, window moves). */
  Copy: 0x04,
  /** u8 r, g, b: a single colour. */
  Fill: 0x05,
  /** u8 colours-1, palette (r, g, b each), packed indices (1/2/4/8 bits, rows on a byte): text and UI. */
  Palette: 0x06,
  /** r, g, b per pixel: lossless content with too many colours for a palette. */
  Raw: 0x07,
  /**
   * u32 length; JPEG bytes of the rect's transpose (an h x w image whose rows are the rect's
   * columns). Tall narrow strips (a picture panned sideways uncovers one per update) cost
   * sharp about half the CPU encoded that way round.
   */
  JpegTransposed: 0x08,
  // 0x10..0x1f are kept for a video codec (e.g. H.264 access units) later.
} as const;

/** Whether a rect's pixels travel as a JPEG (either way round). */
export function isJpeg(encoding: number): boolean {
  return encoding === Encoding.Jpeg || encoding === Encoding.JpegTransposed;
}

/** Rect header: encoding u8, x u16, y u16, w u16, h u16. */
export const RECT_HEADER_BYTES = 9;

export type Rect = { x: number; y: number; w: number; h: number };

export const sameRect = (a: Rect, b: Rect): boolean => a.x === b.x && a.y === b.y && a.w === b.w && a.h === b.h;

export type FrameRect =
  | (Rect & { encoding: typeof Encoding.Jpeg | typeof Encoding.JpegTransposed | typeof Encoding.Png | typeof Encoding.Webp; data: Uint8Array })
  | (Rect & { encoding: typeof Encoding.Copy; srcX: number; srcY: number })
  | (Rect & { encoding: typeof Encoding.Fill; r: number; g: number; b: number })
  | (Rect & { encoding: typeof Encoding.Palette; palette: Uint8Array; indices: Uint8Array })
  | (Rect & { encoding: typeof Encoding.Raw; rgb: Uint8Array });

export type Frame = { seq: number; flags: number; width: number; height: number; rects: FrameRect[] };

export class ProtocolError extends Error {}

/**
 * A key frame larger than MAX_SCREEN_PIXELS: asking for another key frame would bring the
 * same again, so the viewer waits for a smaller picture (a monitor chosen) instead.
 */
export class ScreenTooLarge extends ProtocolError {}

// ---- viewer -> agent ----

export type ViewerInput =
  | { type: typeof ViewerMsg.Ack; seq: number }
  | { type: typeof ViewerMsg.Pointer; x: number; y: number; buttons: number }
  | { type: typeof ViewerMsg.Wheel; x: number; y: number; dx: number; dy: number }
  | { type: typeof ViewerMsg.Key; down: boolean; keysym: number }
  | { type: typeof ViewerMsg.Ping; t: number }
  | { type: typeof ViewerMsg.Refresh }
  | { type: typeof ViewerMsg.Quality; level: PictureQuality }
  | { type: typeof ViewerMsg.Clipboard; text: string }
  /** index null: the whole screen. */
  | { type: typeof ViewerMsg.Monitor; index: number | null };

export function encodeViewerInput(m: ViewerInput): Uint8Array {
  if (m.type === ViewerMsg.Clipboard) return encodeClipboard(ViewerMsg.Clipboard, m.text);
  const out = new Uint8Array(VIEWER_MSG_SIZE[m.type]!);
  const v = new DataView(out.buffer);
  out[0] = m.type;
  switch (m.type) {
    case ViewerMsg.Ack:
      v.setUint32(1, m.seq, true);
      break;
    case ViewerMsg.Pointer:
      v.setUint16(1, m.x, true);
      v.setUint16(3, m.y, true);
      out[5] = m.buttons;
      break;
    case ViewerMsg.Wheel:
      v.setUint16(1, m.x, true);
      v.setUint16(3, m.y, true);
      v.setInt16(5, m.dx, true);
      v.setInt16(7, m.dy, true);
      break;
    case ViewerMsg.Key:
      out[1] = m.down ? 1 : 0;
      v.setUint32(2, m.keysym, true);
      break;
    case ViewerMsg.Ping:
      v.setUint32(1, m.t, true);
      break;
    case ViewerMsg.Refresh:
      break;
    case ViewerMsg.Quality:
      out[1] = m.level;
      break;
    case ViewerMsg.Monitor:
      out[1] = m.index ?? WHOLE_SCREEN;
      break;
  }
  return out;
}

/**
 * A Clipboard message either way (type byte, then the UTF-8 text). Throws RangeError for text
 * over MAX_CLIPBOARD_BYTES: the caller decides what the user is told.
 */
export function encodeClipboard(type: typeof ViewerMsg.Clipboard | typeof AgentMsg.Clipboard, text: string): Uint8Array {
  const utf8 = new TextEncoder().encode(text);
  if (utf8.byteLength > MAX_CLIPBOARD_BYTES) throw new RangeError(`clipboard text of ${utf8.byteLength} bytes is over ${MAX_CLIPBOARD_BYTES}`);
  const out = new Uint8Array(1 + utf8.byteLength);
  out[0] = type;
  out.set(utf8, 1);
  return out;
}

/** The text of a Clipboard message (either way); ProtocolError when it is not UTF-8 or too long. */
export function decodeClipboard(buf: Uint8Array): string {
  if (buf.byteLength - 1 > MAX_CLIPBOARD_BYTES) throw new ProtocolError("clipboard text too long");
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(buf.subarray(1));
  } catch {
    throw new ProtocolError("clipboard text is not UTF-8");
  }
}

/**
 * Reads a viewer message; pointer and wheel coordinates are clamped to the screen's size.
 * Throws ProtocolError for unknown types, wrong lengths or out-of-range values.
 */
export function decodeViewerInput(buf: Uint8Array, screen: { width: number; height: number }): ViewerInput {
  const type = buf[0];
  if (type === ViewerMsg.Clipboard) return { type, text: decodeClipboard(buf) };
  const size = type === undefined ? undefined : VIEWER_MSG_SIZE[type];
  if (size === undefined) throw new ProtocolError(`unknown message type ${type}`);
  if (buf.byteLength !== size) throw new ProtocolError(`message type ${type} must be ${size} bytes, got ${buf.byteLength}`);
  const v = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  // Off the screen is clamped to its edge, not refused: a watcher still drawing the size
  // before a resize points where that screen was, and a button it lets go there must still
  // be let go (dropped, the button would stay held on the remote).
  const clampX = (x: number) => Math.min(x, screen.width - 1);
  const clampY = (y: number) => Math.min(y, screen.height - 1);
  switch (type) {
    case ViewerMsg.Ack:
      return { type, seq: v.getUint32(1, true) };
    case ViewerMsg.Pointer: {
      if (buf[5]! > 0x07) throw new ProtocolError("unknown pointer buttons");
      return { type, x: clampX(v.getUint16(1, true)), y: clampY(v.getUint16(3, true)), buttons: buf[5]! };
    }
    case ViewerMsg.Wheel: {
      const dx = v.getInt16(5, true);
      const dy = v.getInt16(7, true);
      if (Math.abs(dx) > 100 || Math.abs(dy) > 100) throw new ProtocolError("wheel step out of range");
      return { type, x: clampX(v.getUint16(1, true)), y: clampY(v.getUint16(3, true)), dx, dy };
    }
    case ViewerMsg.Key: {
      if (buf[1]! > 1) throw new ProtocolError("key state must be 0 or 1");
      const keysym = v.getUint32(2, true);
      // X11 keysyms are 29-bit values.
      if (keysym === 0 || keysym > 0x1fffffff) throw new ProtocolError("keysym out of range");
      return { type, down: buf[1] === 1, keysym };
    }
    case ViewerMsg.Ping:
      return { type, t: v.getUint32(1, true) };
    case ViewerMsg.Quality: {
      const level = buf[1]!;
      if (level > PictureQuality.Best) throw new ProtocolError("unknown picture quality");
      return { type, level: level as PictureQuality };
    }
    case ViewerMsg.Monitor: {
      const index = buf[1]!;
      if (index === WHOLE_SCREEN) return { type, index: null };
      if (index >= MAX_MONITORS) throw new ProtocolError("monitor index out of range");
      return { type, index };
    }
    default:
      return { type: ViewerMsg.Refresh };
  }
}

/** The monitors (F6.2), and which one the stream shows (null: the whole screen). */
export type MonitorLayout = { monitors: Rect[]; shown: number | null };

export function encodeMonitors(layout: MonitorLayout): Uint8Array {
  const { monitors, shown } = layout;
  if (monitors.length > MAX_MONITORS) throw new RangeError(`${monitors.length} monitors, at most ${MAX_MONITORS}`);
  const out = new Uint8Array(3 + monitors.length * 8);
  const v = new DataView(out.buffer);
  out[0] = AgentMsg.Monitors;
  out[1] = monitors.length;
  out[2] = shown ?? WHOLE_SCREEN;
  monitors.forEach((m, i) => {
    v.setUint16(3 + i * 8, m.x, true);
    v.setUint16(5 + i * 8, m.y, true);
    v.setUint16(7 + i * 8, m.w, true);
    v.setUint16(9 + i * 8, m.h, true);
  });
  return out;
}

/** ProtocolError when the length does not match the count, or `shown` names no monitor. */
export function decodeMonitors(buf: Uint8Array): MonitorLayout {
  const count = buf[1] ?? 0;
  if (buf.byteLength < 3 || count > MAX_MONITORS || buf.byteLength !== 3 + count * 8) throw new ProtocolError("malformed monitor list");
  const v = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const monitors: Rect[] = [];
  for (let i = 0; i < count; i++) {
    monitors.push({ x: v.getUint16(3 + i * 8, true), y: v.getUint16(5 + i * 8, true), w: v.getUint16(7 + i * 8, true), h: v.getUint16(9 + i * 8, true) });
  }
  const shown = buf[2]!;
  if (shown !== WHOLE_SCREEN && shown >= count) throw new ProtocolError("the shown monitor is not in the list");
  return { monitors, shown: shown === WHOLE_SCREEN ? null : shown };
}

/** A pointer shape: RGBA pixels (straight alpha), and the hot spot (where it points) in them. */
export type CursorImage = { width: number; height: number; hotX: number; hotY: number; rgba: Uint8Array };

export function encodeCursor(c: CursorImage): Uint8Array {
  if (c.width < 1 || c.height < 1 || c.width > MAX_CURSOR_SIDE || c.height > MAX_CURSOR_SIDE) throw new RangeError(`a ${c.width}x${c.height} cursor`);
  if (c.rgba.byteLength !== c.width * c.height * 4) throw new RangeError("cursor pixels do not match its size");
  const pixels = deflateSync(c.rgba);
  const out = new Uint8Array(9 + pixels.byteLength);
  const v = new DataView(out.buffer);
  out[0] = AgentMsg.Cursor;
  v.setUint16(1, c.width, true);
  v.setUint16(3, c.height, true);
  v.setUint16(5, Math.min(c.hotX, c.width - 1), true);
  v.setUint16(7, Math.min(c.hotY, c.height - 1), true);
  out.set(pixels, 9);
  return out;
}

/** ProtocolError for a size out of range, a hot spot outside the image, or pixels that do not inflate to its size. */
export function decodeCursor(buf: Uint8Array): CursorImage {
  if (buf.byteLength < 9) throw new ProtocolError("malformed cursor");
  const v = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const [width, height, hotX, hotY] = [v.getUint16(1, true), v.getUint16(3, true), v.getUint16(5, true), v.getUint16(7, true)];
  if (width < 1 || height < 1 || width > MAX_CURSOR_SIDE || height > MAX_CURSOR_SIDE) throw new ProtocolError("cursor size out of range");
  if (hotX >= width || hotY >= height) throw new ProtocolError("cursor hot spot outside the image");
  const size = width * height * 4;
  // One byte more than the image: pixels that inflate to more are refused, not truncated.
  const out = new Uint8Array(size + 1);
  let rgba: Uint8Array;
  try {
    rgba = inflateSync(buf.subarray(9), { out });
  } catch {
    throw new ProtocolError("cursor pixels do not inflate");
  }
  if (rgba.byteLength !== size) throw new ProtocolError("cursor pixels do not match its size");
  return { width, height, hotX, hotY, rgba: rgba.slice() };
}

export function encodePong(t: number): Uint8Array {
  const out = new Uint8Array(5);
  out[0] = AgentMsg.Pong;
  new DataView(out.buffer).setUint32(1, t, true);
  return out;
}

/** Close codes on stream sockets (documented in docs/protocol.md). */
export const CloseCode = {
  /** The session ended normally (either side, or the operator from history). */
  SessionEnded: 4000,
  /** Missing, forged, expired or wrong-session ticket. */
  BadTicket: 4001,
  /** The other side never came or left, and the wait timed out. */
  PeerTimeout: 4002,
  /** An unknown message type, a wrong length or an out-of-range value. */
  ProtocolViolation: 4003,
  /** A message larger than the protocol allows. */
  TooLarge: 4004,
  /** The agent went away; the viewer may retry. */
  AgentGone: 4005,
  /** The agent closed this stream because the hub asked for the session again. */
  Replaced: 4006,
  /**
   * The agent refused the session: it runs as many streams as it will (MAX_STREAM_SESSIONS).
   * It joins with its ticket only to close with this code; the relay passes it on to viewers.
   */
  Busy: 4007,
} as const;
