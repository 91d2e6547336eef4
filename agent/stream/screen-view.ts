// Which part of the remote screen one stream session shows (F6.2): all of it, or the monitor
// its viewer picked. The session's encoder, damage grid and the viewer's coordinates are the
// view's own: (0, 0) is the view's corner on the screen.
import { type MonitorLayout, type Rect, sameRect } from "../../protocol/stream";

export class ScreenView {
  /** The source's monitors when the stream opened or last resized. */
  private layout: Rect[] = [];
  /** The monitor shown (an index into layout), or null: the whole screen. */
  private shown: number | null = null;
  /** The part shown, in screen coordinates. */
  rect: Rect;

  constructor(width: number, height: number) {
    this.rect = { x: 0, y: 0, w: width, h: height };
  }

  /** The monitors and the one shown, for a Monitors message. */
  get monitors(): MonitorLayout {
    return { monitors: this.layout, shown: this.shown };
  }

  /**
   * A new list of monitors (the stream opened, the screen changed): the monitor shown stays
   * shown where it still is; gone or moved, the whole screen shows.
   */
  relayout(monitors: Rect[]): void {
    const showing = this.shown === null ? undefined : this.layout[this.shown];
    this.layout = monitors;
    const still = showing ? monitors.findIndex((m) => sameRect(m, showing)) : -1;
    this.shown = still >= 0 ? still : null;
  }

  /**
   * The viewer's choice; whether it changes what is shown. An index into a list the viewer has
   * not seen yet (the layout just changed) changes nothing: the new list is on its way to it.
   */
  pick(index: number | null): boolean {
    if (index !== null && index >= this.layout.length) return false;
    if (index === this.shown) return false;
    this.shown = index;
    return true;
  }

  /** Places the view for the current choice on a screen of this size; returns it. */
  place(width: number, height: number): Rect {
    const monitor = this.shown === null ? undefined : this.layout[this.shown];
    this.rect = monitor ? { ...monitor } : { x: 0, y: 0, w: width, h: height };
    return this.rect;
  }

  isWholeScreen(width: number, height: number): boolean {
    const r = this.rect;
    return r.x === 0 && r.y === 0 && r.w === width && r.h === height;
  }

  /** Screen damage in the view's coordinates, clipped to it; what lies outside is not this view's. */
  clip(rects: readonly Rect[], add: (r: Rect) => void): void {
    const { x, y, w, h } = this.rect;
    for (const r of rects) {
      const x0 = Math.max(r.x, x);
      const y0 = Math.max(r.y, y);
      const x1 = Math.min(r.x + r.w, x + w);
      const y1 = Math.min(r.y + r.h, y + h);
      if (x1 > x0 && y1 > y0) add({ x: x0 - x, y: y0 - y, w: x1 - x0, h: y1 - y0 });
    }
  }
}
