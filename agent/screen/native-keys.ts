// X11 keysyms (what the viewer sends) -> libnut key names (what the Windows and macOS
// input backend presses). Printable characters that have no key name are typed as text.

const SPECIAL: Record<number, string> = {
  0xff08: "backspace",
  0xff09: "tab",
  0xff0d: "enter",
  0xff1b: "escape",
  0xffff: "delete",
  0xff50: "home",
  0xff51: "left",
  0xff52: "up",
  0xff53: "right",
  0xff54: "down",
  0xff55: "pageup",
  0xff56: "pagedown",
  0xff57: "end",
  0xff61: "printscreen",
  0xff63: "insert",
  0xff67: "menu",
  0xff7f: "num_lock",
  0xff14: "scroll_lock",
  0xffe5: "caps_lock",
  0xff8d: "enter", // KP_Enter
  0xffe1: "shift",
  0xffe2: "right_shift",
  0xffe3: "control",
  0xffe4: "right_control",
  0xffe9: "alt",
  0xffea: "right_alt",
  0xff7e: "right_alt", // Mode_switch / AltGr
  0xfe03: "right_alt", // ISO_Level3_Shift (AltGr)
  0x20: "space",
};

/** The "windows"/"command" key is named per platform in libnut. */
function superKey(platform: NodeJS.Platform, right: boolean): string {
  if (platform === "darwin") return right ? "right_cmd" : "cmd";
  if (platform === "win32") return right ? "right_win" : "win";
  return right ? "right_meta" : "meta";
}

export type NativeKey =
  /** Press and release a named key. */
  | { kind: "key"; name: string; shift: boolean }
  /** A character with no key of its own: typed as text on key down. */
  | { kind: "text"; text: string };

export function nativeKey(keysym: number, platform: NodeJS.Platform = process.platform): NativeKey | undefined {
  const special = SPECIAL[keysym];
  if (special) return { kind: "key", name: special, shift: false };
  if (keysym === 0xffeb || keysym === 0xffe7) return { kind: "key", name: superKey(platform, false), shift: false };
  if (keysym === 0xffec || keysym === 0xffe8) return { kind: "key", name: superKey(platform, true), shift: false };
  if (keysym >= 0xffbe && keysym <= 0xffd5) return { kind: "key", name: `f${keysym - 0xffbe + 1}`, shift: false };
  if (keysym >= 0xffb0 && keysym <= 0xffb9) return { kind: "key", name: `numpad_${keysym - 0xffb0}`, shift: false };
  // Letters and digits go through their keys, so shortcuts (Ctrl+C) work as shortcuts.
  if (keysym >= 0x61 && keysym <= 0x7a) return { kind: "key", name: String.fromCharCode(keysym), shift: false };
  if (keysym >= 0x41 && keysym <= 0x5a) return { kind: "key", name: String.fromCharCode(keysym + 0x20), shift: true };
  if (keysym >= 0x30 && keysym <= 0x39) return { kind: "key", name: String.fromCharCode(keysym), shift: false };
  if ((keysym >= 0x21 && keysym <= 0x7e) || (keysym >= 0xa0 && keysym <= 0xff)) return { kind: "text", text: String.fromCharCode(keysym) };
  if (keysym >= 0x1000100 && keysym <= 0x110ffff) return { kind: "text", text: String.fromCodePoint(keysym - 0x1000000) };
  return undefined;
}
