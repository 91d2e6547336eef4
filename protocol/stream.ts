// The binary stream protocol between an agent and the viewers of one session.
// The SessionRelay forwards these messages as opaque bytes; it checks only the first
// byte (direction) and the size. All integers are little-endian. See docs/protocol.md.

/** Agent -> viewer message types (high bit clear). */
export const AgentMsg = {
  /** One screen update, possibly split over several messages (see FrameFlags.final). */
  Frame: 0x01,
  /** Answer to a viewer Ping: u32 echo. */
  Pong: 0x02,
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
} as const;

/** Exact sizes of viewer messages: anything else is a protocol violation. */
export const VIEWER_MSG_SIZE: Record<number, number> = {
  [ViewerMsg.Ack]: 5,
  [ViewerMsg.Pointer]: 6,
  [ViewerMsg.Wheel]: 9,
  [ViewerMsg.Key]: 6,
  [ViewerMsg.Ping]: 5,
  [ViewerMsg.Refresh]: 1,
};

/** Largest viewer -> agent message. */
export const MAX_VIEWER_MSG_BYTES = 16;
/**
 * Largest agent -> viewer message. Cloudflare caps WebSocket messages at 1 MiB, so the
 * agent splits a big update into several Frame messages that share one seq.
 */
export const MAX_AGENT_MSG_BYTES = 1024 * 1024;

export const FrameFlags = {
  /** Set on the last message of an update: the viewer acks only then. */
  final: 0x01,
  /** The update redraws the whole screen (a key frame). */
  full: 0x02,
} as const;

/** How a rectangle's pixels travel. */
export const Encoding = {
  /** u32 length + JPEG bytes: photographic regions. */
  Jpeg: 0x01,
  /** u32 length + PNG bytes: text and flat regions that must stay sharp. */
  Png: 0x02,
  /** u32 length + WebP bytes. */
  Webp: 0x03,
  /** u16 srcX, u16 srcY: copy a region of the current screen (scrolls, window moves). */
  Copy: 0x04,
  /** u8 r, g, b, pad: a single colour. */
  Fill: 0x05,
  // 0x10..0x1f are kept for a video codec (e.g. H.264 access units) later.
} as const;

/** Frame header: type u8, flags u8, seq u32, width u16, height u16, rect count u16. */
export const FRAME_HEADER_BYTES = 12;
/** Rect header: encoding u8, x u16, y u16, w u16, h u16. */
export const RECT_HEADER_BYTES = 9;

export type Rect = { x: number; y: number; w: number; h: number };

export type FrameRect =
  | (Rect & { encoding: typeof Encoding.Jpeg | typeof Encoding.Png | typeof Encoding.Webp; data: Uint8Array })
  | (Rect & { encoding: typeof Encoding.Copy; srcX: number; srcY: number })
  | (Rect & { encoding: typeof Encoding.Fill; r: number; g: number; b: number });

export type Frame = { seq: number; flags: number; width: number; height: number; rects: FrameRect[] };

function rectPayloadBytes(r: FrameRect): number {
  switch (r.encoding) {
    case Encoding.Copy:
      return 4;
    case Encoding.Fill:
      return 4;
    default:
      return 4 + r.data.byteLength;
  }
}

export function frameBytes(rects: readonly FrameRect[]): number {
  let n = FRAME_HEADER_BYTES;
  for (const r of rects) n += RECT_HEADER_BYTES + rectPayloadBytes(r);
  return n;
}

/** Writes one Frame message. The caller keeps it under MAX_AGENT_MSG_BYTES (see splitFrame). */
export function encodeFrame(frame: Frame): Uint8Array {
  const out = new Uint8Array(frameBytes(frame.rects));
  const v = new DataView(out.buffer);
  v.setUint8(0, AgentMsg.Frame);
  v.setUint8(1, frame.flags);
  v.setUint32(2, frame.seq, true);
  v.setUint16(6, frame.width, true);
  v.setUint16(8, frame.height, true);
  v.setUint16(10, frame.rects.length, true);
  let o = FRAME_HEADER_BYTES;
  for (const r of frame.rects) {
    v.setUint8(o, r.encoding);
    v.setUint16(o + 1, r.x, true);
    v.setUint16(o + 3, r.y, true);
    v.setUint16(o + 5, r.w, true);
    v.setUint16(o + 7, r.h, true);
    o += RECT_HEADER_BYTES;
    switch (r.encoding) {
      case Encoding.Copy:
        v.setUint16(o, r.srcX, true);
        v.setUint16(o + 2, r.srcY, true);
        o += 4;
        break;
      case Encoding.Fill:
        out[o] = r.r;
        out[o + 1] = r.g;
        out[o + 2] = r.b;
        o += 4;
        break;
      default:
        v.setUint32(o, r.data.byteLength, true);
        out.set(r.data, o + 4);
        o += 4 + r.data.byteLength;
    }
  }
  return out;
}

export class ProtocolError extends Error {}

/** Reads a Frame message; throws ProtocolError on anything malformed or out of bounds. */
export function decodeFrame(buf: Uint8Array): Frame {
  if (buf.byteLength < FRAME_HEADER_BYTES || buf[0] !== AgentMsg.Frame) throw new ProtocolError("not a frame");
  const v = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const flags = v.getUint8(1);
  const seq = v.getUint32(2, true);
  const width = v.getUint16(6, true);
  const height = v.getUint16(8, true);
  const count = v.getUint16(10, true);
  const rects: FrameRect[] = [];
  let o = FRAME_HEADER_BYTES;
  for (let i = 0; i < count; i++) {
    if (o + RECT_HEADER_BYTES > buf.byteLength) throw new ProtocolError("truncated rect header");
    const encoding = v.getUint8(o);
    const x = v.getUint16(o + 1, true);
    const y = v.getUint16(o + 3, true);
    const w = v.getUint16(o + 5, true);
    const h = v.getUint16(o + 7, true);
    o += RECT_HEADER_BYTES;
    if (w === 0 || h === 0 || x + w > width || y + h > height) throw new ProtocolError("rect outside the screen");
    if (o + 4 > buf.byteLength) throw new ProtocolError("truncated rect payload");
    switch (encoding) {
      case Encoding.Copy: {
        const srcX = v.getUint16(o, true);
        const srcY = v.getUint16(o + 2, true);
        if (srcX + w > width || srcY + h > height) throw new ProtocolError("copy source outside the screen");
        rects.push({ encoding, x, y, w, h, srcX, srcY });
        o += 4;
        break;
      }
      case Encoding.Fill:
        rects.push({ encoding, x, y, w, h, r: buf[o]!, g: buf[o + 1]!, b: buf[o + 2]! });
        o += 4;
        break;
      case Encoding.Jpeg:
      case Encoding.Png:
      case Encoding.Webp: {
        const len = v.getUint32(o, true);
        if (o + 4 + len > buf.byteLength) throw new ProtocolError("truncated image data");
        rects.push({ encoding, x, y, w, h, data: buf.subarray(o + 4, o + 4 + len) });
        o += 4 + len;
        break;
      }
      default:
        throw new ProtocolError(`unknown encoding ${encoding}`);
    }
  }
  if (o !== buf.byteLength) throw new ProtocolError("trailing bytes after the last rect");
  return { seq, flags, width, height, rects };
}

/**
 * Splits the rects of one update into messages of at most maxBytes each, all with the
 * same seq; only the last carries FrameFlags.final. A single rect larger than maxBytes
 * is the encoder's job to avoid (it tiles big regions).
 */
export function splitFrame(frame: Frame, maxBytes = MAX_AGENT_MSG_BYTES): Uint8Array[] {
  const parts: Uint8Array[] = [];
  let batch: FrameRect[] = [];
  let size = FRAME_HEADER_BYTES;
  const flush = (final: boolean) => {
    const flags = (frame.flags & ~FrameFlags.final) | (final ? FrameFlags.final : 0);
    parts.push(encodeFrame({ ...frame, flags, rects: batch }));
    batch = [];
    size = FRAME_HEADER_BYTES;
  };
  for (const r of frame.rects) {
    const n = RECT_HEADER_BYTES + rectPayloadBytes(r);
    if (batch.length > 0 && size + n > maxBytes) flush(false);
    batch.push(r);
    size += n;
  }
  flush(true);
  return parts;
}

// ---- viewer -> agent ----

export type ViewerInput =
  | { type: typeof ViewerMsg.Ack; seq: number }
  | { type: typeof ViewerMsg.Pointer; x: number; y: number; buttons: number }
  | { type: typeof ViewerMsg.Wheel; x: number; y: number; dx: number; dy: number }
  | { type: typeof ViewerMsg.Key; down: boolean; keysym: number }
  | { type: typeof ViewerMsg.Ping; t: number }
  | { type: typeof ViewerMsg.Refresh };

export function encodeViewerInput(m: ViewerInput): Uint8Array {
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
  }
  return out;
}

/**
 * Reads a viewer message and checks it against the current screen size.
 * Throws ProtocolError for unknown types, wrong lengths or out-of-range values.
 */
export function decodeViewerInput(buf: Uint8Array, screen: { width: number; height: number }): ViewerInput {
  const type = buf[0];
  const size = type === undefined ? undefined : VIEWER_MSG_SIZE[type];
  if (size === undefined) throw new ProtocolError(`unknown message type ${type}`);
  if (buf.byteLength !== size) throw new ProtocolError(`message type ${type} must be ${size} bytes, got ${buf.byteLength}`);
  const v = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const inScreen = (x: number, y: number) => {
    if (x >= screen.width || y >= screen.height) throw new ProtocolError(`coordinates ${x},${y} outside the screen`);
  };
  switch (type) {
    case ViewerMsg.Ack:
      return { type, seq: v.getUint32(1, true) };
    case ViewerMsg.Pointer: {
      const x = v.getUint16(1, true);
      const y = v.getUint16(3, true);
      inScreen(x, y);
      if (buf[5]! > 0x07) throw new ProtocolError("unknown pointer buttons");
      return { type, x, y, buttons: buf[5]! };
    }
    case ViewerMsg.Wheel: {
      const x = v.getUint16(1, true);
      const y = v.getUint16(3, true);
      inScreen(x, y);
      const dx = v.getInt16(5, true);
      const dy = v.getInt16(7, true);
      if (Math.abs(dx) > 100 || Math.abs(dy) > 100) throw new ProtocolError("wheel step out of range");
      return { type, x, y, dx, dy };
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
    default:
      return { type: ViewerMsg.Refresh };
  }
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
  /** Another agent stream replaced this one. */
  Replaced: 4006,
} as const;
