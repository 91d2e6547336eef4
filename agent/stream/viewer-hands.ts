// What one viewer does to the remote computer, and undoes when its session ends: the keys and
// buttons it holds down and the text it pasted onto the remote clipboard. Another session on
// the same screen keeps what its own operator holds (each session has its own ViewerHands).
import type { ScreenSource } from "../screen/source";

/** Keys one viewer may hold down at once. */
export const MAX_KEYS_HELD = 32;

export class ViewerHands {
  private buttons = 0;
  private pointerAt = { x: 0, y: 0 };
  private readonly keysHeld = new Set<number>();
  /** The text this viewer last put on the remote clipboard. */
  private pasted: string | undefined;

  constructor(private readonly source: ScreenSource) {}

  pointer(x: number, y: number, buttons: number): void {
    this.buttons = buttons;
    this.pointerAt = { x, y };
    this.source.pointer(x, y, buttons);
  }

  /** A wheel step where the viewer points, with the buttons it holds (a drag that scrolls). */
  wheel(x: number, y: number, dx: number, dy: number): void {
    this.source.pointer(x, y, this.buttons);
    this.source.wheel(dx, dy);
  }

  key(keysym: number, down: boolean): void {
    // More keys held at once than any keyboard can: a viewer pressing ever new keysyms
    // without letting go would grow the set without end. The key is not pressed either
    // (pressed and not held here, it could never be let go).
    if (down && !this.keysHeld.has(keysym) && this.keysHeld.size >= MAX_KEYS_HELD) return;
    if (down) this.keysHeld.add(keysym);
    else this.keysHeld.delete(keysym);
    this.source.key(keysym, down);
  }

  paste(text: string): void {
    this.source.clipboard?.set(text);
    this.pasted = text;
  }

  /**
   * Lets go of everything this viewer holds, and takes its pasted text off the remote
   * clipboard if nothing replaced it since (a pasted password would stay there). Throws what
   * the input backend throws, after clearing its own state.
   */
  letGo(): void {
    const keys = [...this.keysHeld];
    const buttons = this.buttons;
    const pasted = this.pasted;
    this.keysHeld.clear();
    this.buttons = 0;
    this.pasted = undefined;
    try {
      for (const keysym of keys) this.source.key(keysym, false);
      if (buttons) this.source.pointer(this.pointerAt.x, this.pointerAt.y, 0);
    } finally {
      if (pasted !== undefined) this.source.clipboard?.clear(pasted);
    }
  }
}
