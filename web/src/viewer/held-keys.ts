// Keys held down on the remote computer through this window. A key goes up with the keysym its
// press sent: let go of Shift before the letter and the browser reports "a" coming up where "A"
// went down, which the remote never saw pressed, so "A" stayed down there. And whatever is still
// held goes up when the window loses the keyboard: after Alt+Tab the browser never sees the Alt
// come up, and every later click on the remote came with Alt held.

/** The physical key of an event ("KeyA"); some virtual keyboards leave `code` empty. */
export function keyId(e: Pick<KeyboardEvent, "code" | "key">): string {
  return e.code || `key:${e.key.toLowerCase()}`;
}

export class HeldKeys {
  /** Physical key -> the keysym its press sent. */
  private readonly held = new Map<string, number>();

  constructor(private readonly send: (keysym: number, down: boolean) => void) {}

  /** A key went down, or repeats while held. */
  press(id: string, keysym: number): void {
    const before = this.held.get(id);
    // The same key now means another keysym (a modifier changed while it repeats): the old one goes up first.
    if (before !== undefined && before !== keysym) this.send(before, false);
    this.held.set(id, keysym);
    this.send(keysym, true);
  }

  /** A key came up. One pressed before this window had the keyboard was never sent: nothing to release. */
  release(id: string): void {
    const keysym = this.held.get(id);
    if (keysym === undefined) return;
    this.held.delete(id);
    this.send(keysym, false);
  }

  /** Every key still down goes up (the window lost the keyboard). */
  releaseAll(): void {
    for (const keysym of this.held.values()) this.send(keysym, false);
    this.held.clear();
  }
}
