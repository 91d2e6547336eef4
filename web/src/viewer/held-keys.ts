// Keys held down on the remote computer through this window. A key goes up with the keysym its
// press sent: let go of Shift before the letter and the browser reports "a" coming up where "A"
// went down, which the remote never saw pressed, so "A" stayed down there. And whatever is still
// held goes up when the window loses the keyboard: after Alt+Tab the browser never sees the Alt
// come up, and every later click on the remote came with Alt held.

/** The physical key of an event ("KeyA"); some virtual keyboards leave `code` empty. */
export function keyId(e: Pick<KeyboardEvent, "code" | "key">): string {
  return e.code || `key:${e.key.toLowerCase()}`;
}

const COMMAND_KEYS = new Set(["MetaLeft", "MetaRight", "OSLeft", "OSRight"]);
/** Control_L, Control_R: what Command sends with another key to a remote that is not a Mac. */
const CONTROL_FOR: Record<string, number> = { MetaLeft: 0xffe3, OSLeft: 0xffe3, MetaRight: 0xffe4, OSRight: 0xffe4 };

/** Whether this browser runs on macOS, where a key pressed with Command held sends no keyup. */
export function commandSwallowsKeyups(nav: Pick<Navigator, "platform"> = navigator): boolean {
  return /^Mac/.test(nav.platform);
}

export class HeldKeys {
  /** Physical key -> the keysym its press sent. */
  private readonly held = new Map<string, number>();
  /** Keys pressed while Command was down, on a Mac: their keyup never comes. */
  private readonly underCommand = new Set<string>();
  /** Command keys down with nothing sent yet (commandAsControl): Control if a key or click follows, the Windows key if not. */
  private readonly commandAlone = new Set<string>();

  constructor(
    private readonly send: (keysym: number, down: boolean) => void,
    /**
     * macOS (commandSwallowsKeyups): Chrome and Safari send no keyup for a key pressed while
     * Command is held, so after Cmd+V the V stayed down on the remote (and repeated there).
     * Such keys go up with Command.
     */
    private readonly mac = false,
    /**
     * A Mac's Command for a remote that is not a Mac: with a key or a click it is Control
     * there (Cmd+C, Cmd+V, Cmd+click do what a Mac user means; sent as the Windows key,
     * Cmd+V opened Windows' clipboard history instead of pasting), pressed alone it is the
     * Windows key (the Start menu), which a Mac keyboard has no other way to reach. Asked at
     * each key: the remote's system is known once the session started.
     */
    private readonly commandAsControl: () => boolean = () => false,
  ) {}

  /**
   * A key went down, or repeats while held. `commandDown`: whether the event says Command is
   * held (KeyboardEvent.metaKey); a Command held back whose keyup this window missed is
   * forgotten rather than turned into Control.
   */
  press(id: string, keysym: number, commandDown = true): void {
    // macOS reports Caps Lock as a keydown when it turns on and a keyup when it turns off:
    // each is one press of the key on the remote (held, the second press never came).
    if (this.mac && id === "CapsLock") return this.tap(keysym);
    if (COMMAND_KEYS.has(id) && !this.held.has(id) && this.commandAsControl()) {
      const chordUnderWay = this.commandHeld() && this.commandAlone.size === 0;
      // Nothing goes yet: what Command means depends on what comes next...
      this.held.set(id, keysym);
      this.commandAlone.add(id);
      // ...unless the other Command already went as Control (a chord under way): this one joins it.
      if (chordUnderWay) this.commandChord(true);
      return;
    }
    if (this.commandAlone.has(id)) return; // it repeats, still alone
    this.commandChord(commandDown);
    if (this.mac && !COMMAND_KEYS.has(id) && this.commandHeld()) this.underCommand.add(id);
    const before = this.held.get(id);
    // The same key now means another keysym (a modifier changed while it repeats): the old one goes up first.
    if (before !== undefined && before !== keysym) this.send(before, false);
    this.held.set(id, keysym);
    this.send(keysym, true);
  }

  /**
   * A key came up. One pressed before this window had the keyboard was never sent: nothing to
   * release. `liveKeysym`: the key's keysym, given only while input may go to the remote: what
   * a Mac's Caps Lock keyup (it turning off) taps there, and the sign that a Command released
   * alone may tap the Windows key (not after the session ended).
   */
  release(id: string, liveKeysym?: number): void {
    if (this.mac && id === "CapsLock") {
      if (liveKeysym !== undefined) this.tap(liveKeysym);
      return;
    }
    const keysym = this.held.get(id);
    if (keysym === undefined) return;
    this.held.delete(id);
    this.underCommand.delete(id);
    if (!this.commandAlone.delete(id)) this.send(keysym, false);
    else if (liveKeysym !== undefined) this.tap(keysym);
    // Keys pressed under Command go up with the last Command, held back or not (with both
    // Command keys, the left one can have become Control and the right one stayed alone).
    if (this.mac && COMMAND_KEYS.has(id) && !this.commandHeld()) {
      for (const other of [...this.underCommand]) this.release(other);
    }
  }

  /**
   * A key or a click comes while Command is down alone (commandAsControl): Command goes down
   * on the remote as Control, and comes up as Control. `commandDown` false (the event says
   * Command is up): its keyup went elsewhere, and it is forgotten.
   */
  commandChord(commandDown: boolean): void {
    if (!commandDown) {
      for (const id of this.commandAlone) this.held.delete(id);
      this.commandAlone.clear();
      return;
    }
    for (const id of this.commandAlone) {
      const control = CONTROL_FOR[id]!;
      this.held.set(id, control);
      this.send(control, true);
    }
    this.commandAlone.clear();
  }

  private commandHeld(): boolean {
    for (const k of COMMAND_KEYS) if (this.held.has(k)) return true;
    return false;
  }

  private tap(keysym: number): void {
    this.send(keysym, true);
    this.send(keysym, false);
  }

  /** Every key still down goes up (the window lost the keyboard). */
  releaseAll(): void {
    // A Command alone was never sent: the window lost the keyboard before it meant anything.
    for (const [id, keysym] of this.held) if (!this.commandAlone.has(id)) this.send(keysym, false);
    this.held.clear();
    this.underCommand.clear();
    this.commandAlone.clear();
  }
}
