// The pixel size an image declares in its header, read without decoding it: the viewer
// refuses an image larger than the rect it is drawn into before the browser decodes it (a
// hostile agent's 200-byte JPEG can declare 65535x65535 pixels: 16 GiB once decoded).
import { Encoding } from "./stream";

export type ImageSize = { width: number; height: number };

/** The size in the header of a JPEG, PNG or WebP image; undefined when there is none to read. */
export function imageSize(encoding: number, data: Uint8Array): ImageSize | undefined {
  switch (encoding) {
    case Encoding.Jpeg:
    case Encoding.JpegTransposed:
      return jpegSize(data);
    case Encoding.Png:
      return pngSize(data);
    case Encoding.Webp:
      return webpSize(data);
    default:
      return undefined;
  }
}

const u16be = (d: Uint8Array, i: number) => (d[i]! << 8) | d[i + 1]!;
const u32be = (d: Uint8Array, i: number) => ((d[i]! << 24) | (d[i + 1]! << 16) | (d[i + 2]! << 8) | d[i + 3]!) >>> 0;
const u24le = (d: Uint8Array, i: number) => d[i]! | (d[i + 1]! << 8) | (d[i + 2]! << 16);
function ascii(d: Uint8Array, i: number, s: string): boolean {
  for (let k = 0; k < s.length; k++) if (d[i + k] !== s.charCodeAt(k)) return false;
  return true;
}

/** The frame header (SOF0-SOF15, not DHT/JPG/DAC) holds height, then width. */
function jpegSize(d: Uint8Array): ImageSize | undefined {
  if (d[0] !== 0xff || d[1] !== 0xd8) return undefined;
  let i = 2;
  while (i + 9 <= d.length) {
    if (d[i] !== 0xff) return undefined;
    const marker = d[i + 1]!;
    if (marker === 0xff) {
      i++; // fill byte
      continue;
    }
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      const size = { width: u16be(d, i + 7), height: u16be(d, i + 5) };
      // A height of 0 is set later by a DNL marker: not a size to draw.
      return size.width > 0 && size.height > 0 ? size : undefined;
    }
    // Before the frame header an encoder writes only segments with a length: tables (DHT,
    // DAC, DQT, DRI, ...), APPn and comments. Anything else (a stuffed 00, TEM, RSTn, SOI, the
    // scan, the end) a decoder would read otherwise than as a length to skip, and could find
    // another frame header in what this skipped.
    if (!hasLength(marker)) return undefined;
    i += 2 + u16be(d, i + 2);
  }
  return undefined;
}

/** Markers of segments that carry a length: C0-CF (frames, DHT, JPG, DAC), DB-DF, APPn, COM. */
function hasLength(marker: number): boolean {
  return (marker >= 0xc0 && marker <= 0xcf) || (marker >= 0xdb && marker <= 0xdf) || (marker >= 0xe0 && marker <= 0xef) || marker === 0xfe;
}

/** The IHDR chunk comes first, right after the signature. */
function pngSize(d: Uint8Array): ImageSize | undefined {
  if (d.length < 24 || !(d[0] === 0x89 && ascii(d, 1, "PNG") && ascii(d, 12, "IHDR"))) return undefined;
  return { width: u32be(d, 16), height: u32be(d, 20) };
}

/** RIFF/WEBP with a VP8 (lossy), VP8L (lossless) or VP8X (extended) first chunk. */
function webpSize(d: Uint8Array): ImageSize | undefined {
  if (d.length < 30 || !ascii(d, 0, "RIFF") || !ascii(d, 8, "WEBP")) return undefined;
  if (ascii(d, 12, "VP8 ")) return { width: (d[26]! | (d[27]! << 8)) & 0x3fff, height: (d[28]! | (d[29]! << 8)) & 0x3fff };
  if (ascii(d, 12, "VP8L")) {
    const bits = d[21]! | (d[22]! << 8) | (d[23]! << 16) | (d[24]! << 24);
    return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
  }
  if (ascii(d, 12, "VP8X")) return { width: u24le(d, 24) + 1, height: u24le(d, 27) + 1 };
  return undefined;
}
