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

  /**
   * Screen damage in the view's coordinates. Not clipped: the session's damage grid has the
   * view's size and drops what lies outside it, as it does for the whole screen.
   */
  toView(rects: readonly Rect[], add: (r: Rect) => void): void {
    const { x, y } = this.rect;
    if (x === 0 && y === 0) {
      for (const r of rects) add(r);
      return;
    }
    for (const r of rects) add({ x: r.x - x, y: r.y - y, w: r.w, h: r.h });
  }
}
