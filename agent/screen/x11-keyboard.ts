// Keysym -> keycode for XTEST key injection. The viewer sends keysyms (what the user
// meant), the X server wants keycodes (which key to press), so this looks the keysym up
// in the server's keyboard mapping, adds or drops Shift where the mapping needs it,
// and binds keysyms the layout lacks (accented letters, symbols) to a spare keycode.
import { call, type XClient } from "./x11-connection";

export const Keysym = { Shift_L: 0xffe1, Shift_R: 0xffe2 } as const;

/**
 * The upper-case keysym of a lower-case letter's keysym (Latin-1 or Unicode keysyms), or
 * undefined: what Caps Lock turns it into.
 */
export function upperOf(keysym: number): number | undefined {
  const cp = keysym >= 0x1000000 ? keysym - 0x1000000 : keysym >= 0x20 && keysym <= 0xff ? keysym : undefined;
  if (cp === undefined) return undefined;
  const upper = String.fromCodePoint(cp).toUpperCase();
  const u = upper.codePointAt(0)!;
  if (u === cp || upper.length !== String.fromCodePoint(u).length) return undefined;
  return u <= 0xff ? u : 0x1000000 + u;
}

/** Where a keysym lives: its keycode, and whether it needs Shift (column 1). */
export type KeyPlace = { keycode: number; shifted: boolean };

export class X11Keyboard {
  private minKeycode = 8;
  private perKeycode = 1;
  /** Keysyms per keycode, as the server has them. */
  private rows: number[][] = [];
  private places = new Map<number, KeyPlace>();
  /** Keycodes with no keysyms, ours to bind; least recently used first. */
  private spare: number[] = [];
  /**
   * Spare keycodes we have bound, and to what: still ours after a reload shows them holding
   * it, but no longer once another client (a layout switch) put its own keys there.
   */
  private readonly bound = new Map<number, number>();
  private shiftKeycode = 0;
  /** Bindings made so far: a reload whose reply may predate one of them does not judge `bound` by it. */
  private bindings = 0;

  constructor(private readonly X: XClient, private readonly range: { min: number; max: number }) {}

  /** Reads the server's mapping; again after a MappingNotify from another client. */
  async load(): Promise<void> {
    const count = this.range.max - this.range.min + 1;
    const bindingsBefore = this.bindings;
    const rows = await call<number[][]>(this.X, "GetKeyboardMapping", this.range.min, count);
    // Bound while the request was out: the reply may show the keycode as it was, which would
    // place the old keysym there and take the keycode for another client's. That binding's
    // own MappingNotify brings a reload that reads it as it is.
    if (this.bindings !== bindingsBefore) return;
    this.minKeycode = this.range.min;
    this.rows = rows;
    this.perKeycode = rows[0]?.length ?? 1;
    this.places.clear();
    const spare: number[] = [];
    rows.forEach((row, i) => {
      const keycode = this.minKeycode + i;
      if (this.bound.has(keycode) && row[0] !== this.bound.get(keycode)) this.bound.delete(keycode);
      if (this.bound.has(keycode) || row.every((k) => k === 0)) spare.push(keycode);
      // Column 0 (plain) wins over column 1 (Shift), and a lower keycode over a higher one.
      for (const col of [0, 1]) {
        const sym = row[col];
        if (!sym) continue;
        const prev = this.places.get(sym);
        if (!prev || (prev.shifted && col === 0)) this.places.set(sym, { keycode, shifted: col === 1 });
      }
    });
    // Keep the order of keycodes we already used, so a reload does not recycle a bound one first.
    this.spare = [...this.spare.filter((k) => spare.includes(k)), ...spare.filter((k) => !this.spare.includes(k))];
    this.shiftKeycode = this.places.get(Keysym.Shift_L)?.keycode ?? this.places.get(Keysym.Shift_R)?.keycode ?? 0;
  }

  get shift(): number {
    return this.shiftKeycode;
  }

  /** What pressing `keycode` types, with and without Shift. */
  symbolsOf(keycode: number): { plain: number; shifted: number } {
    const row = this.rows[keycode - this.minKeycode] ?? [];
    return { plain: row[0] ?? 0, shifted: row[1] ?? 0 };
  }

  /**
   * The key for a keysym, binding a spare keycode when the layout has none.
   * `inUse` are keycodes currently held down, which must not be rebound.
   */
  placeOf(keysym: number, inUse: ReadonlySet<number>): KeyPlace | undefined {
    const known = this.places.get(keysym);
    if (known) {
      this.touch(known.keycode);
      return known;
    }
    // Bound to a key, these act on the X server itself (XKB's compat map gives them their
    // actions): Terminate_Server ends it, XF86Switch_VT_n switches consoles, the grab keys
    // break other clients' grabs. A viewer types characters and presses ordinary keys; one of
    // these that the layout has is the desktop's own choice, and no spare key is bound to one.
    if (serverActionKeysym(keysym)) return undefined;
    const keycode = this.spare.find((k) => !inUse.has(k));
    if (keycode === undefined) return undefined;
    // Forget what this keycode typed before; bind the keysym in both columns so
    // the Shift state cannot change what it types.
    for (const [sym, place] of this.places) if (place.keycode === keycode) this.places.delete(sym);
    const row = new Array<number>(this.perKeycode).fill(0);
    row[0] = keysym;
    if (this.perKeycode > 1) row[1] = keysym;
    this.X.ChangeKeyboardMapping(keycode, this.perKeycode, row);
    this.bindings++;
    this.rows[keycode - this.minKeycode] = row;
    this.bound.set(keycode, keysym);
    const place = { keycode, shifted: false };
    this.places.set(keysym, place);
    this.touch(keycode);
    return place;
  }

  /** Moves a spare keycode to the end of the reuse order. */
  private touch(keycode: number): void {
    const i = this.spare.indexOf(keycode);
    if (i >= 0) {
      this.spare.splice(i, 1);
      this.spare.push(keycode);
    }
  }
}

/**
 * Keysyms whose keys act on the X server rather than type (keysymdef.h): the AccessX toggles
 * 0xfe70-0xfe7f (MouseKeys_Enable, StickyKeys_Enable, ...), the virtual-screen keys,
 * Terminate_Server and the pointer keys 0xfed0-0xfeff, and XFree86's VT switches and server
 * actions 0x1008fe01-0x1008fe2f (Switch_VT_1-12, Ungrab, ClearGrab, Next/Prev_VMode, ...).
 * The rest of 0xfe00-0xfeff types or shifts (ISO_Level3_Shift is AltGr, ISO_Left_Tab is
 * Shift+Tab, the dead keys compose accents) and stays allowed.
 */
export function serverActionKeysym(keysym: number): boolean {
  return (keysym >= 0xfe70 && keysym <= 0xfe7f) || (keysym >= 0xfed0 && keysym <= 0xfeff) || (keysym >= 0x1008fe01 && keysym <= 0x1008fe2f);
}
