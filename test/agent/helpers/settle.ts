// Drives a reference viewer until its canvas shows what the screen shows.
import { expect } from "vitest";
import { FrameFlags, ViewerMsg } from "../../../protocol/stream";
import { Canvas, firstDifference } from "./compose";
import type { Viewer } from "./viewer";

type Picture = { width: number; height: number; data: Uint8Array };

/**
 * Applies and acks updates until the canvas equals `want()` (read again whenever no update is
 * waiting), making a new canvas when a frame comes at another size, as the web app resizes its
 * canvas. Returns the canvas in use at the end.
 */
export async function settleCanvas(viewer: Viewer, canvas: Canvas, want: () => Picture): Promise<Canvas> {
  for (;;) {
    if (viewer.pending === 0) {
      await new Promise((r) => setTimeout(r, 200));
      const screen = want();
      if (viewer.pending === 0 && canvas.width === screen.width && canvas.height === screen.height && firstDifference(canvas.data, screen.data) === -1) return canvas;
    }
    const u = await viewer.nextUpdate(8000);
    const f = u.frames[0]!;
    if (f.width !== canvas.width || f.height !== canvas.height) {
      // A new size only ever comes in a full frame: the old pixels mean nothing at it.
      expect(f.flags & FrameFlags.full).toBeTruthy();
      canvas = new Canvas(f.width, f.height);
    }
    await canvas.applyFrames(u.frames);
    viewer.send({ type: ViewerMsg.Ack, seq: f.seq });
  }
}
