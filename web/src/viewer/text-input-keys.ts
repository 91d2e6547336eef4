// A phone's on-screen keyboard does not send key events one can trust (Android keyboards
// report most keys as "Unidentified" while they compose a word, and autocorrect rewrites
// whole words), but it always edits the text of the field it types into. So the connection
// window gives it a hidden field and sends the remote computer the difference: characters
// added become their keysyms, characters removed become Backspace. Named keys that do arrive
// as key events (Enter, Backspace on an empty field, arrows, Tab, Escape) go through keysymFor.
import { keysymFor } from "./keysyms";

export const KEYSYM_BACKSPACE = 0xff08;
export const KEYSYM_ENTER = 0xff0d;

/**
 * The field always holds this much text, so Backspace on an "empty" field still deletes
 * something the field can report (a keyboard sends nothing for Backspace in an empty field).
 */
export const SENTINEL = " ";
/** Past this length (and outside a composition) the field is reset: the diff stays short. */
const RESET_LENGTH = 64;

/** The keysym of one typed character (a code point), as the keyboard's key event would give. */
export function keysymForChar(char: string): number | undefined {
  if (char === "\n" || char === "\r") return KEYSYM_ENTER;
  if (char === "\t") return keysymFor({ key: "Tab", code: "" });
  return keysymFor({ key: char, code: "" });
}

export class TextInputKeys {
  private previous = SENTINEL;

  /** `press(keysym)` sends a key down and up. */
  constructor(private readonly press: (keysym: number) => void) {}

  /**
   * The field's text changed (an input event). Returns the text the field should now hold
   * (the sentinel after a reset), or null to leave it as it is, e.g. mid-composition.
   */
  changed(value: string, composing: boolean): string | null {
    const before = Array.from(this.previous);
    const after = Array.from(value);
    let common = 0;
    while (common < before.length && common < after.length && before[common] === after[common]) common++;
    for (let i = common; i < before.length; i++) this.press(KEYSYM_BACKSPACE);
    for (const char of after.slice(common)) {
      const keysym = keysymForChar(char);
      if (keysym !== undefined) this.press(keysym);
    }
    this.previous = value;
    if (composing) return null;
    if (after.length === 0 || after.length > RESET_LENGTH) return this.reset();
    return null;
  }

  /** Starts over from the sentinel (after Enter, on focus); returns the text for the field. */
  reset(): string {
    this.previous = SENTINEL;
    return SENTINEL;
  }

  /**
   * A key event on the field: named keys are sent here and their default prevented (returns
   * true); characters are left to the field, whose change is sent by changed().
   */
  keydown(event: Pick<KeyboardEvent, "key" | "code" | "isComposing">): boolean {
    if (event.isComposing || event.key === "Unidentified" || event.key === "Process" || Array.from(event.key).length === 1) return false;
    // Modifiers alone are not sent: a phone keyboard's shift is already in the character.
    if (["Shift", "Control", "Alt", "Meta", "AltGraph", "CapsLock"].includes(event.key)) return false;
    const keysym = keysymFor(event);
    if (keysym === undefined) return false;
    this.press(keysym);
    return true;
  }
}
