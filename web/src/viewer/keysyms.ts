// KeyboardEvent -> X11 keysym, the key language of the stream protocol. Printable characters
// map through Unicode (Latin-1 directly, the rest as 0x01000000 + code point, as X11 defines);
// named keys through the table below.

const NAMED: Record<string, number> = {
  Backspace: 0xff08,
  Tab: 0xff09,
  Enter: 0xff0d,
  Pause: 0xff13,
  ScrollLock: 0xff14,
  Escape: 0xff1b,
  Delete: 0xffff,
  Home: 0xff50,
  ArrowLeft: 0xff51,
  ArrowUp: 0xff52,
  ArrowRight: 0xff53,
  ArrowDown: 0xff54,
  PageUp: 0xff55,
  PageDown: 0xff56,
  End: 0xff57,
  Insert: 0xff63,
  PrintScreen: 0xff61,
  ContextMenu: 0xff67,
  NumLock: 0xff7f,
  CapsLock: 0xffe5,
  F1: 0xffbe,
  F2: 0xffbf,
  F3: 0xffc0,
  F4: 0xffc1,
  F5: 0xffc2,
  F6: 0xffc3,
  F7: 0xffc4,
  F8: 0xffc5,
  F9: 0xffc6,
  F10: 0xffc7,
  F11: 0xffc8,
  F12: 0xffc9,
};

/** Modifiers are told apart by side through `code`. */
const MODIFIERS: Record<string, number> = {
  ShiftLeft: 0xffe1,
  ShiftRight: 0xffe2,
  ControlLeft: 0xffe3,
  ControlRight: 0xffe4,
  AltLeft: 0xffe9,
  AltRight: 0xfe03, // ISO_Level3_Shift (AltGr) on most layouts
  MetaLeft: 0xffeb,
  MetaRight: 0xffec,
};

export const KEYSYM = {
  Control_L: 0xffe3,
  Alt_L: 0xffe9,
  Delete: 0xffff,
} as const;

export function keysymFor(e: Pick<KeyboardEvent, "key" | "code">): number | undefined {
  const mod = MODIFIERS[e.code];
  if (mod !== undefined) return mod;
  const named = NAMED[e.key];
  if (named !== undefined) return named;
  if (e.key === " ") return 0x20;
  // A single character (possibly a surrogate pair).
  const cp = e.key.codePointAt(0);
  if (cp === undefined || e.key.length > (cp > 0xffff ? 2 : 1)) return undefined;
  if (cp >= 0x20 && cp <= 0x7e) return cp;
  if (cp >= 0xa0 && cp <= 0xff) return cp;
  return 0x01000000 + cp;
}
