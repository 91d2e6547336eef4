// The remote pointer's shape (AgentMsg.Cursor) as this window's own pointer over the picture:
// it follows the operator's mouse with no round trip, and shows what the remote computer
// shows there (a text cursor over text, resize arrows on an edge). Shown at its own size in
// CSS pixels, like noVNC's, however the picture is scaled.
import type { CursorImage } from "../../../protocol/stream";

/** A CSS `cursor` value for the shape, pointing with its hot spot; the default arrow where images fail. */
export function cssCursor(c: CursorImage): string {
  const canvas = document.createElement("canvas");
  canvas.width = c.width;
  canvas.height = c.height;
  canvas.getContext("2d")?.putImageData(new ImageData(new Uint8ClampedArray(c.rgba), c.width, c.height), 0, 0);
  return `url("${canvas.toDataURL("image/png")}") ${c.hotX} ${c.hotY}, default`;
}
