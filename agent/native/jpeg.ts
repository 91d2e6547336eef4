// The jpeg addon (agent/native/jpeg, built by npm's postinstall against the machine's
// libjpeg-turbo), if it was built. Without it the encoder uses sharp (frame-encoder.ts).
// EDGEDESK_AGENT_JPEG=sharp runs the agent as if it were not built (the browser tests use
// it to keep the viewer's transposed JPEGs, which only sharp's path sends, under test).
import { addonError, loadAddon } from "./load";

/**
 * Encodes rect (x, y, w, h) of `pixels` (4 bytes a pixel, `stride` pixels a row; BGRX when
 * `bgr`, else RGBX) as a baseline 4:2:0 JPEG, on the calling thread; with `half`, at
 * ceil(w/2) x ceil(h/2), each pixel the rounded mean of a 2x2 block (as halveRect does).
 * Throws a RangeError when the rect is not inside the pixels.
 */
export type EncodeJpeg = (pixels: Uint8Array, stride: number, x: number, y: number, w: number, h: number, bgr: boolean, quality: number, half?: boolean) => Buffer;

const turnedOff = () => process.env.EDGEDESK_AGENT_JPEG === "sharp";

/** undefined when the addon is not built (or not for this platform), or turned off. */
export function loadJpegEncoder(): EncodeJpeg | undefined {
  if (turnedOff()) return undefined;
  // One 8x8 JPEG at load: libjpeg refuses to run with headers of another version than the
  // library loaded, which would otherwise fail the first photo of a session instead.
  return loadAddon<{ encode: EncodeJpeg }>("jpeg", "jpeg", ({ encode }) => void encode(new Uint8Array(8 * 8 * 4), 8, 0, 0, 8, 8, true, 75))?.encode;
}

/** Why loadJpegEncoder gives undefined, for the agent's log; undefined when it does not. */
export function jpegAddonUnavailable(): string | undefined {
  if (turnedOff()) return "EDGEDESK_AGENT_JPEG=sharp";
  return loadJpegEncoder() ? undefined : addonError("jpeg", "jpeg");
}
