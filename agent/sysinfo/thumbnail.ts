// The screenshot thumbnail (F2.6): the whole screen scaled to at most 480 px wide and
// encoded as WebP, framed as a binary control message [SCREENSHOT_MSG][webp].
import sharp from "sharp";
import { MAX_SCREENSHOT_BYTES, SCREENSHOT_MSG } from "../../protocol/control";
import type { RgbaImage } from "../screen/source";

export const THUMBNAIL_MAX_WIDTH = 480;

/** Tried in order until the image fits: a busy screen at quality 60 is rarely over 64 KiB. */
const ATTEMPTS = [
  { width: THUMBNAIL_MAX_WIDTH, quality: 60 },
  { width: THUMBNAIL_MAX_WIDTH, quality: 35 },
  { width: 320, quality: 30 },
] as const;

/**
 * The WebP bytes. Aims for softLimit (one control-sized message), never exceeds
 * MAX_SCREENSHOT_BYTES; undefined when even the smallest attempt is too large.
 */
export async function encodeThumbnail(img: RgbaImage, softLimit = 64 * 1024): Promise<Buffer | undefined> {
  let fallback: Buffer | undefined;
  for (const a of ATTEMPTS) {
    const webp = await sharp(img.data, { raw: { width: img.width, height: img.height, channels: 4 } })
      .removeAlpha()
      .resize({ width: Math.min(a.width, img.width), withoutEnlargement: true, kernel: "lanczos3" })
      .webp({ quality: a.quality, effort: 2 })
      .toBuffer();
    if (webp.byteLength <= softLimit) return webp;
    if (!fallback && webp.byteLength <= MAX_SCREENSHOT_BYTES) fallback = webp;
  }
  return fallback;
}

/** [SCREENSHOT_MSG][webp], the binary control message. */
export function screenshotMessage(webp: Uint8Array): Buffer {
  const msg = Buffer.allocUnsafe(1 + webp.byteLength);
  msg[0] = SCREENSHOT_MSG;
  msg.set(webp, 1);
  return msg;
}
