// Frame messages on the wire (the agent's writer is agent/stream/frame-writer.ts, which
// uses Node's zlib). One stream socket carries one deflate stream (agent -> viewer): each message holds the next sync-flushed chunk of it, so a glyph typed for
// the hundredth time costs a back-reference instead of its pixels. Rect headers and
// lossless pixels travel inside that chunk; JPEG/PNG/WebP bytes, already compressed,
// follow it uncompressed. A key frame (FrameFlags.full) starts a new deflate stream
// and says so with FrameFlags.reset on its first message, so a viewer that joins late
// can start there. Layout in docs/protocol.md.
import {
  AgentMsg,
  Encoding,
  type Frame,
  FrameFlags,
  type FrameRect,
  MAX_AGENT_MSG_BYTES,
  MAX_SCREEN_PIXELS,
  ProtocolError,
  RECT_HEADER_BYTES,
  ScreenTooLarge,
} from "./stream";
import { imageSize } from "./image-size";
import { StreamInflater } from "./stream-inflater";

/** seq u32, width u16, height u16, rect count u16 at the start of each decompressed section. */
const SECTION_HEADER_BYTES = 10;
/**
 * Bits per palette index for a palette of n colours (1, 2, 4 or 8); rows start on a byte.
 * Two-colour text then costs one bit per pixel before deflate.
 */
export function paletteBits(n: number): number {
  return n <= 2 ? 1 : n <= 4 ? 2 : n <= 16 ? 4 : 8;
}

/** Bytes of packed indices for a w x h rect with n colours. */
export function paletteIndexBytes(w: number, h: number, n: number): number {
  return Math.ceil((w * paletteBits(n)) / 8) * h;
}

function compressedPayloadBytes(r: FrameRect): number {
  switch (r.encoding) {
    case Encoding.Copy:
      return 4;
    case Encoding.Fill:
      return 3;
    case Encoding.Palette:
      return 1 + r.palette.byteLength + r.indices.byteLength;
    case Encoding.Raw:
      return r.rgb.byteLength;
    default:
      return 4; // the length; the bytes go to the raw section
  }
}

function rawBytes(r: FrameRect): number {
  return "data" in r ? r.data.byteLength : 0;
}

/** Upper bound of one rect's share of a message (deflate never grows data by much more). */
function rectWireBytes(r: FrameRect): number {
  const c = RECT_HEADER_BYTES + compressedPayloadBytes(r);
  return c + Math.ceil(c / 16_000) * 5 + rawBytes(r);
}

/**
 * Splits an update's rects into batches that each fit one message of at most maxBytes
 * (counted before compression, which bounds the message: deflate barely grows any data).
 */
export function batchRects(rects: readonly FrameRect[], maxBytes = MAX_AGENT_MSG_BYTES): FrameRect[][] {
  const batches: FrameRect[][] = [];
  let batch: FrameRect[] = [];
  let size = 16 + SECTION_HEADER_BYTES;
  for (const r of rects) {
    const n = rectWireBytes(r);
    if (batch.length > 0 && size + n > maxBytes) {
      batches.push(batch);
      batch = [];
      size = 16 + SECTION_HEADER_BYTES;
    }
    if (size + n > maxBytes) throw new RangeError(`a ${r.w}x${r.h} rect needs ${n} bytes, over the message limit`);
    batch.push(r);
    size += n;
  }
  batches.push(batch);
  return batches;
}

/** The plain section of one message (before deflate) and the image bytes that follow it. */
export function buildSection(frame: Frame, rects: readonly FrameRect[]): { section: Uint8Array; images: Uint8Array[] } {
  let plain = SECTION_HEADER_BYTES;
  for (const r of rects) plain += RECT_HEADER_BYTES + compressedPayloadBytes(r);
  const section = new Uint8Array(plain);
  const v = new DataView(section.buffer);
  v.setUint32(0, frame.seq, true);
  v.setUint16(4, frame.width, true);
  v.setUint16(6, frame.height, true);
  v.setUint16(8, rects.length, true);
  let o = SECTION_HEADER_BYTES;
  const images: Uint8Array[] = [];
  for (const r of rects) {
    section[o] = r.encoding;
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
        section[o] = r.r;
        section[o + 1] = r.g;
        section[o + 2] = r.b;
        o += 3;
        break;
      case Encoding.Palette:
        section[o] = r.palette.byteLength / 3 - 1;
        section.set(r.palette, o + 1);
        section.set(r.indices, o + 1 + r.palette.byteLength);
        o += 1 + r.palette.byteLength + r.indices.byteLength;
        break;
      case Encoding.Raw:
        section.set(r.rgb, o);
        o += r.rgb.byteLength;
        break;
      default:
        v.setUint32(o, r.data.byteLength, true);
        images.push(r.data);
        o += 4;
    }
  }
  return { section, images };
}

/**
 * One Frame message: type, flags, the length of the compressed section, the section (a
 * sync-flushed deflate chunk without its 00 00 ff ff trailer), then the image bytes.
 */
export function assembleMessage(flags: number, compressed: Uint8Array, images: readonly Uint8Array[]): Uint8Array {
  const len = varintBytes(compressed.byteLength);
  let total = 2 + len.byteLength + compressed.byteLength;
  for (const d of images) total += d.byteLength;
  const msg = new Uint8Array(total);
  msg[0] = AgentMsg.Frame;
  msg[1] = flags;
  msg.set(len, 2);
  let p = 2 + len.byteLength;
  msg.set(compressed, p);
  p += compressed.byteLength;
  for (const d of images) {
    msg.set(d, p);
    p += d.byteLength;
  }
  return msg;
}

/** The sync-flush trailer the writer strips (the reader adds it back): 00 00 ff ff. */
export { SYNC_FLUSH_TRAILER } from "./stream-inflater";

/** Reads the viewer's side of one stream. Messages must be passed in arrival order. */
export class FrameReader {
  private inflater: StreamInflater | undefined;
  private midUpdate = false;
  /** The size the stream's last key frame declared: every update until the next has it. */
  private size: { width: number; height: number } | undefined;

  /**
   * Forgets the stream after a message it could not read: frames are ignored (read returns
   * null) until the next key frame, which the viewer asks for with Refresh.
   */
  resync(): void {
    this.inflater = undefined;
    this.midUpdate = false;
    this.size = undefined;
  }

  /** Whether a key frame has started the stream for this reader. */
  get synced(): boolean {
    return this.inflater !== undefined;
  }

  /**
   * Decodes one Frame message. Returns null for messages that come before this reader's
   * first key frame (a viewer that joined mid-stream waits for the next one). Throws
   * ProtocolError on anything malformed or out of bounds; the stream is then unusable.
   */
  read(buf: Uint8Array): Frame | null {
    if (buf.byteLength < 3 || buf[0] !== AgentMsg.Frame) throw new ProtocolError("not a frame");
    const flags = buf[1]!;
    if (flags & FrameFlags.reset) {
      if (this.midUpdate && this.inflater) throw new ProtocolError("a new stream started inside an update");
      // An update is split at 1 MiB before compression: more than that is not ours.
      this.inflater = new StreamInflater(MAX_AGENT_MSG_BYTES + 64);
    }
    if (!this.inflater) return null;
    const { value: clen, next } = readVarint(buf, 2);
    if (next + clen > buf.byteLength) throw new ProtocolError("truncated frame section");
    const section = this.inflater.push(buf.subarray(next, next + clen));
    const frame = parseSection(section, flags, buf, next + clen);
    // The viewer sizes its canvas by what frames declare: a size no screen has, or a new one
    // outside a key frame (the agent sends a key frame at every new size) or a new deflate
    // stream (where a reader may start), would have it allocate whatever an agent claims.
    if (flags & (FrameFlags.full | FrameFlags.reset)) {
      if (frame.width * frame.height > MAX_SCREEN_PIXELS) throw new ScreenTooLarge(`a ${frame.width}x${frame.height} screen is larger than viewers draw`);
      this.size = { width: frame.width, height: frame.height };
    } else if (frame.width !== this.size?.width || frame.height !== this.size.height) {
      throw new ProtocolError("a new screen size outside a key frame");
    }
    this.midUpdate = (flags & FrameFlags.final) === 0;
    return frame;
  }
}

function parseSection(s: Uint8Array, flags: number, buf: Uint8Array, rawStart: number): Frame {
  if (s.byteLength < SECTION_HEADER_BYTES) throw new ProtocolError("truncated frame header");
  const v = new DataView(s.buffer, s.byteOffset, s.byteLength);
  const seq = v.getUint32(0, true);
  const width = v.getUint16(4, true);
  const height = v.getUint16(6, true);
  const count = v.getUint16(8, true);
  const rects: FrameRect[] = [];
  let o = SECTION_HEADER_BYTES;
  let raw = rawStart;
  const need = (n: number) => {
    if (o + n > s.byteLength) throw new ProtocolError("truncated rect");
  };
  for (let i = 0; i < count; i++) {
    need(RECT_HEADER_BYTES);
    const encoding = s[o]!;
    const x = v.getUint16(o + 1, true);
    const y = v.getUint16(o + 3, true);
    const w = v.getUint16(o + 5, true);
    const h = v.getUint16(o + 7, true);
    o += RECT_HEADER_BYTES;
    if (w === 0 || h === 0 || x + w > width || y + h > height) throw new ProtocolError("rect outside the screen");
    switch (encoding) {
      case Encoding.Copy: {
        need(4);
        const srcX = v.getUint16(o, true);
        const srcY = v.getUint16(o + 2, true);
        if (srcX + w > width || srcY + h > height) throw new ProtocolError("copy source outside the screen");
        rects.push({ encoding, x, y, w, h, srcX, srcY });
        o += 4;
        break;
      }
      case Encoding.Fill:
        need(3);
        rects.push({ encoding, x, y, w, h, r: s[o]!, g: s[o + 1]!, b: s[o + 2]! });
        o += 3;
        break;
      case Encoding.Palette: {
        need(1);
        const n = s[o]! + 1;
        const size = 3 * n + paletteIndexBytes(w, h, n);
        need(1 + size);
        const palette = s.subarray(o + 1, o + 1 + 3 * n);
        const indices = s.subarray(o + 1 + 3 * n, o + 1 + size);
        rects.push({ encoding, x, y, w, h, palette, indices });
        o += 1 + size;
        break;
      }
      case Encoding.Raw: {
        need(w * h * 3);
        rects.push({ encoding, x, y, w, h, rgb: s.subarray(o, o + w * h * 3) });
        o += w * h * 3;
        break;
      }
      case Encoding.Jpeg:
      case Encoding.JpegTransposed:
      case Encoding.Png:
      case Encoding.Webp: {
        need(4);
        const len = v.getUint32(o, true);
        o += 4;
        if (raw + len > buf.byteLength) throw new ProtocolError("truncated image data");
        const data = buf.subarray(raw, raw + len);
        // Drawn scaled to its rect (a picture in motion comes at half size): never larger,
        // which is checked before the browser decodes it (a header can declare 16 GiB).
        const size = imageSize(encoding, data);
        const [rw, rh] = encoding === Encoding.JpegTransposed ? [h, w] : [w, h];
        if (!size || size.width > rw || size.height > rh) throw new ProtocolError("image larger than its rect, or no image");
        rects.push({ encoding, x, y, w, h, data });
        raw += len;
        break;
      }
      default:
        throw new ProtocolError(`unknown encoding ${encoding}`);
    }
  }
  if (o !== s.byteLength) throw new ProtocolError("trailing bytes after the last rect");
  if (raw !== buf.byteLength) throw new ProtocolError("trailing bytes after the last image");
  return { seq, flags, width, height, rects };
}

/**
 * Writes a Palette or Raw rect's pixels into a w x h RGBA buffer seen as u32 (little-endian
 * RGBA, alpha 255): the viewer's ImageData and the test canvas both use this.
 */
export function unpackPixels(r: FrameRect & { encoding: typeof Encoding.Palette | typeof Encoding.Raw }, out: Uint32Array): void {
  if (r.encoding === Encoding.Raw) {
    const rgb = r.rgb;
    for (let i = 0, p = 0; i < r.w * r.h; i++, p += 3) out[i] = 0xff000000 | (rgb[p + 2]! << 16) | (rgb[p + 1]! << 8) | rgb[p]!;
    return;
  }
  const n = r.palette.byteLength / 3;
  const lut = new Uint32Array(256);
  for (let k = 0; k < n; k++) lut[k] = (0xff000000 | (r.palette[3 * k + 2]! << 16) | (r.palette[3 * k + 1]! << 8) | r.palette[3 * k]!) >>> 0;
  const bits = paletteBits(n);
  const rowBytes = Math.ceil((r.w * bits) / 8);
  const mask = (1 << bits) - 1;
  const idx = r.indices;
  for (let y = 0; y < r.h; y++) {
    const row = y * rowBytes;
    const dst = y * r.w;
    if (bits === 8) {
      for (let x = 0; x < r.w; x++) out[dst + x] = lut[idx[row + x]!]!;
      continue;
    }
    for (let x = 0; x < r.w; x++) {
      const bit = x * bits;
      // Most significant bits first, as in RFB's Tight palette filter.
      out[dst + x] = lut[(idx[row + (bit >> 3)]! >> (8 - bits - (bit & 7))) & mask]!;
    }
  }
}

function varintBytes(n: number): Uint8Array {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return Uint8Array.from(out);
}

function readVarint(buf: Uint8Array, at: number): { value: number; next: number } {
  let value = 0;
  for (let shift = 0, i = at; shift <= 21; shift += 7, i++) {
    if (i >= buf.byteLength) break;
    const b = buf[i]!;
    value |= (b & 0x7f) << shift;
    if ((b & 0x80) === 0) return { value, next: i + 1 };
  }
  throw new ProtocolError("bad section length");
}
