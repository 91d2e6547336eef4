// Touch on the remote screen (F9: the connection window takes touch on a phone). Pointer
// events of type "touch" become the mouse the remote computer expects:
//   one-finger tap            -> left click where the finger was
//   long press (no movement)  -> right click
//   one-finger drag           -> left button held while moving (select, move windows)
//   two-finger drag           -> mouse wheel, one notch per WHEEL_STEP_PX of movement
//   pinch                     -> zoom of the view only (CSS scale; the remote screen keeps its size),
//                                the fingers' midpoint pans the zoomed view
// The browser's own gestures are off on the canvas (touch-action: none in viewer.css).

/** Protocol button bits (protocol/stream.ts): bit0 left, bit2 right. */
const LEFT = 1;
const RIGHT = 4;

/** Movement (CSS px) below which a touch is still a tap or a long press. */
const TAP_SLOP = 10;
const LONG_PRESS_MS = 550;
/** Two-finger movement (CSS px) per wheel notch. */
const WHEEL_STEP_PX = 40;
/** Change of the fingers' distance (CSS px) that makes a two-finger gesture a pinch. */
const PINCH_SLOP = 24;
export const MIN_ZOOM = 1;
export const MAX_ZOOM = 5;

/** The view's zoom: `scale` around the element's top-left corner, then moved by (x, y) CSS px. */
export type View = { scale: number; x: number; y: number };
export const UNZOOMED: View = { scale: 1, x: 0, y: 0 };

export type TouchTarget = {
  /** Client (CSS) coordinates -> remote screen pixels; follows the zoom (getBoundingClientRect does). */
  toRemote(clientX: number, clientY: number): { x: number; y: number };
  pointer(x: number, y: number, buttons: number): void;
  wheel(x: number, y: number, dx: number, dy: number): void;
  getView(): View;
  setView(view: View): void;
  /** The element's untransformed box: its client position without the zoom, and its size. */
  layoutBox(): { left: number; top: number; width: number; height: number };
};

type Point = { x: number; y: number };

type Gesture =
  | { kind: "idle" }
  | { kind: "one"; id: number; start: Point; last: Point; mode: "pending" | "drag" | "long"; timer: ReturnType<typeof setTimeout> }
  | {
      kind: "two";
      mode: "undecided" | "scroll" | "pinch";
      startMid: Point;
      startDistance: number;
      lastMid: Point;
      /** Finger travel not yet turned into wheel notches. */
      rest: Point;
      startView: View;
      box: { left: number; top: number; width: number; height: number };
    }
  /** A two-finger gesture ended with one finger still down: nothing until every finger is up. */
  | { kind: "lifting" };

const distance = (a: Point, b: Point) => Math.hypot(a.x - b.x, a.y - b.y);
const middle = (a: Point, b: Point): Point => ({ x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 });
const clamp = (v: number, min: number, max: number) => Math.min(max, Math.max(min, v));

/** Keeps the zoomed element covering its own box: no empty band at any edge. */
export function clampView(view: View, width: number, height: number): View {
  const scale = clamp(view.scale, MIN_ZOOM, MAX_ZOOM);
  if (scale === 1) return UNZOOMED;
  return { scale, x: clamp(view.x, width * (1 - scale), 0), y: clamp(view.y, height * (1 - scale), 0) };
}

export class TouchInput {
  private readonly touches = new Map<number, Point>();
  private gesture: Gesture = { kind: "idle" };

  constructor(private readonly target: TouchTarget) {}

  /** Feeds one pointer event; returns false for non-touch pointers, which the caller handles as a mouse. */
  handle(event: PointerEvent): boolean {
    if (event.pointerType !== "touch") return false;
    event.preventDefault();
    const point = { x: event.clientX, y: event.clientY };
    switch (event.type) {
      case "pointerdown":
        this.touches.set(event.pointerId, point);
        this.down(event.pointerId, point);
        break;
      case "pointermove":
        if (!this.touches.has(event.pointerId)) break;
        this.touches.set(event.pointerId, point);
        this.move(event.pointerId, point);
        break;
      case "pointerup":
      case "pointercancel":
        if (!this.touches.has(event.pointerId)) break;
        this.touches.set(event.pointerId, point);
        this.up(event.pointerId, event.type === "pointercancel");
        this.touches.delete(event.pointerId);
        if (this.touches.size === 0) this.gesture = { kind: "idle" };
        break;
    }
    return true;
  }

  /** Drops any gesture in progress (the window lost focus, the session ended). */
  reset(): void {
    const g = this.gesture;
    if (g.kind === "one") {
      clearTimeout(g.timer);
      if (g.mode === "drag") this.send(g.last, 0);
    }
    this.touches.clear();
    this.gesture = { kind: "idle" };
  }

  private send(at: Point, buttons: number): void {
    const { x, y } = this.target.toRemote(at.x, at.y);
    this.target.pointer(x, y, buttons);
  }

  private click(at: Point, button: number): void {
    this.send(at, 0);
    this.send(at, button);
    this.send(at, 0);
  }

  private down(id: number, point: Point): void {
    const g = this.gesture;
    if (g.kind === "idle" && this.touches.size === 1) {
      const timer = setTimeout(() => this.longPress(), LONG_PRESS_MS);
      this.gesture = { kind: "one", id, start: point, last: point, mode: "pending", timer };
      return;
    }
    if (g.kind === "one" && this.touches.size === 2) {
      // A second finger turns it into a two-finger gesture: no click, and a drag lets go.
      clearTimeout(g.timer);
      if (g.mode === "drag") this.send(g.last, 0);
      const [a, b] = [...this.touches.values()] as [Point, Point];
      const mid = middle(a, b);
      this.gesture = {
        kind: "two",
        mode: "undecided",
        startMid: mid,
        startDistance: Math.max(1, distance(a, b)),
        lastMid: mid,
        rest: { x: 0, y: 0 },
        startView: this.target.getView(),
        box: this.target.layoutBox(),
      };
      return;
    }
    // A third finger, or one that lands while others are lifting: ignored.
    if (g.kind === "two") this.gesture = { kind: "lifting" };
  }

  private longPress(): void {
    const g = this.gesture;
    if (g.kind !== "one" || g.mode !== "pending") return;
    g.mode = "long";
    this.click(g.start, RIGHT);
  }

  private move(id: number, point: Point): void {
    const g = this.gesture;
    if (g.kind === "one" && g.id === id) {
      g.last = point;
      if (g.mode === "pending" && distance(point, g.start) > TAP_SLOP) {
        clearTimeout(g.timer);
        g.mode = "drag";
        // Press where the finger landed, then follow it.
        this.send(g.start, 0);
        this.send(g.start, LEFT);
      }
      if (g.mode === "drag") this.send(point, LEFT);
      return;
    }
    if (g.kind === "two" && this.touches.size >= 2) this.twoFingers(g);
  }

  private twoFingers(g: Extract<Gesture, { kind: "two" }>): void {
    const [a, b] = [...this.touches.values()] as [Point, Point];
    const mid = middle(a, b);
    if (g.mode === "undecided") {
      if (Math.abs(distance(a, b) - g.startDistance) > PINCH_SLOP) g.mode = "pinch";
      else if (distance(mid, g.startMid) > TAP_SLOP) g.mode = "scroll";
      else return;
    }
    if (g.mode === "scroll") {
      // Content follows the fingers, as on a phone: fingers moving up scroll down (wheel +y).
      g.rest = { x: g.rest.x + mid.x - g.lastMid.x, y: g.rest.y + mid.y - g.lastMid.y };
      g.lastMid = mid;
      const dx = -Math.trunc(g.rest.x / WHEEL_STEP_PX);
      const dy = -Math.trunc(g.rest.y / WHEEL_STEP_PX);
      if (dx === 0 && dy === 0) return;
      g.rest = { x: g.rest.x + dx * WHEEL_STEP_PX, y: g.rest.y + dy * WHEEL_STEP_PX };
      const at = this.target.toRemote(mid.x, mid.y);
      this.target.wheel(at.x, at.y, dx, dy);
      return;
    }
    // Pinch: the point of the screen that was under the fingers' midpoint stays under it.
    const { startView: v, box } = g;
    const scale = clamp((v.scale * distance(a, b)) / g.startDistance, MIN_ZOOM, MAX_ZOOM);
    const local = { x: (g.startMid.x - box.left - v.x) / v.scale, y: (g.startMid.y - box.top - v.y) / v.scale };
    const view = { scale, x: mid.x - box.left - local.x * scale, y: mid.y - box.top - local.y * scale };
    this.target.setView(clampView(view, box.width, box.height));
  }

  private up(id: number, cancelled: boolean): void {
    const g = this.gesture;
    if (g.kind === "one" && g.id === id) {
      clearTimeout(g.timer);
      if (g.mode === "drag") this.send(g.last, 0);
      else if (g.mode === "pending" && !cancelled) this.click(g.start, LEFT);
      this.gesture = { kind: "idle" };
      return;
    }
    if (g.kind === "two") this.gesture = { kind: "lifting" };
  }
}
