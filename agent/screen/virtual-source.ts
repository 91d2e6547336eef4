// A synthetic desktop drawn in memory: a clock that ticks every second, a text field
// that shows typed keys, a status line and a pointer that follows the mouse. It needs
// no display, so it serves the demo computer and tests, and it reports exact damage
// (only the clock area changes each second) like a real backend does. Its clipboard works
// like an application's: Ctrl+C / Ctrl+X copy the field's text, Ctrl+V pastes.
import type { Rect } from "../../protocol/stream";
import { GLYPH_HEIGHT, GLYPH_WIDTH, glyphRows } from "./bitmap-font";
import { captureRect, DamageEmitter, type DamageListener, Listeners, type RemoteClipboard, type RgbaImage, type ScreenSource } from "./source";

type Rgb = readonly [number, number, number];

const BLACK: Rgb = [0, 0, 0];
const WHITE: Rgb = [255, 255, 255];
const INK: Rgb = [30, 30, 40];
const TITLE: Rgb = [240, 244, 248];
const PANEL: Rgb = [22, 40, 64];

const Keysym = { BackSpace: 0xff08, Return: 0xff0d, Escape: 0xff1b, KP_Enter: 0xff8d, Control_L: 0xffe3, Control_R: 0xffe4 } as const;

// "X" outline, "o" fill, " " transparent.
const ARROW = [
  "X          ",
  "XX         ",
  "XoX        ",
  "XooX       ",
  "XoooX      ",
  "XooooX     ",
  "XoooooX    ",
  "XooooooX   ",
  "XoooooooX  ",
  "XooooooooX ",
  "XoooooXXXXX",
  "XooXooX    ",
  "XoX XooX   ",
  "XX  XooX   ",
  "X    XooX  ",
  "     XooX  ",
  "      XX   ",
];
const ARROW_W = ARROW[0]!.length;
const ARROW_H = ARROW.length;

const MAX_TEXT = 500;

export type VirtualSourceOptions = { width?: number; height?: number; now?: () => Date };

export class VirtualSource implements ScreenSource {
  readonly kind = "virtual";
  readonly width: number;
  readonly height: number;
  /** The desktop without the pointer, RGBA. */
  private readonly base: Uint8Array;
  private readonly damage = new DamageEmitter();
  private readonly now: () => Date;
  private timer: NodeJS.Timeout | undefined;

  private text = "";
  private lastLine = "";
  /** Control keys held (a set: both may be down). */
  private readonly ctrl = new Set<number>();
  private clip = "";
  private readonly copied = new Listeners<[text: string]>();
  readonly clipboard: RemoteClipboard = {
    set: (text) => (this.clip = text),
    clear: (text) => {
      if (this.clip === text) this.clip = "";
    },
    onChange: (listener) => this.copied.on(listener),
  };
  private pointerX: number;
  private pointerY: number;
  private buttons = 0;
  private wheelSteps = 0;

  // Layout, derived from the size so smaller desktops (tests) still work.
  private readonly clockBox: Rect;
  private readonly fieldBox: Rect;
  private readonly statusBox: Rect;

  constructor(opts: VirtualSourceOptions = {}) {
    this.width = opts.width ?? 1280;
    this.height = opts.height ?? 720;
    if (this.width < 400 || this.height < 300) throw new RangeError("the virtual desktop is at least 400x300");
    this.now = opts.now ?? (() => new Date());
    this.base = new Uint8Array(this.width * this.height * 4);
    this.pointerX = this.width >> 1;
    this.pointerY = this.height >> 1;
    this.clockBox = { x: this.width - 176, y: 12, w: 164, h: 48 };
    this.fieldBox = { x: 40, y: 130, w: this.width - 80, h: 40 };
    this.statusBox = { x: 40, y: 190, w: this.width - 80, h: GLYPH_HEIGHT + 6 };
    this.drawDesktop();
    this.scheduleTick();
  }

  async capture(rect?: Rect): Promise<RgbaImage> {
    const r = captureRect(this, rect);
    const data = new Uint8Array(r.w * r.h * 4);
    for (let j = 0; j < r.h; j++) {
      const start = ((r.y + j) * this.width + r.x) * 4;
      data.set(this.base.subarray(start, start + r.w * 4), j * r.w * 4);
    }
    this.composePointer(r, data);
    return { width: r.w, height: r.h, data };
  }

  onDamage(listener: DamageListener): () => void {
    return this.damage.on(listener);
  }

  pointer(x: number, y: number, buttons: number): void {
    const before = this.pointerRect();
    const moved = x !== this.pointerX || y !== this.pointerY;
    const clicked = buttons !== this.buttons;
    this.pointerX = x;
    this.pointerY = y;
    this.buttons = buttons;
    if (!moved && !clicked) return;
    this.drawStatus();
    this.damage.emit([before, this.pointerRect(), this.statusBox]);
  }

  wheel(dx: number, dy: number): void {
    this.wheelSteps += dx + dy;
    this.drawStatus();
    this.damage.emit([this.statusBox]);
  }

  key(keysym: number, down: boolean): void {
    if (keysym === Keysym.Control_L || keysym === Keysym.Control_R) {
      if (down) this.ctrl.add(keysym);
      else this.ctrl.delete(keysym);
      return;
    }
    if (!down) return;
    if (this.ctrl.size > 0) return this.shortcut(keysym);
    if (keysym === Keysym.BackSpace) this.text = this.text.slice(0, -1);
    else if (keysym === Keysym.Return || keysym === Keysym.KP_Enter) {
      this.lastLine = this.text;
      this.text = "";
      this.drawStatus();
    } else if (keysym === Keysym.Escape) this.text = "";
    else {
      const ch = keysymToChar(keysym);
      if (ch === undefined) return;
      this.text = (this.text + ch).slice(-MAX_TEXT);
    }
    this.drawField();
    this.damage.emit([this.fieldBox, this.statusBox]);
  }

  /** Ctrl+C / Ctrl+X copy the field's text (Ctrl+X empties it), Ctrl+V pastes the clipboard; other Ctrl keys do nothing. */
  private shortcut(keysym: number): void {
    const letter = keysymToChar(keysym)?.toLowerCase();
    if (letter === "c" || letter === "x") {
      this.copied.emit(this.text);
      if (letter === "c") return;
      this.text = "";
    } else if (letter === "v") {
      // One line: the field has no room for more, and a line break would end the line.
      this.text = (this.text + this.clip.replace(/[\r\n\t]+/g, " ")).slice(-MAX_TEXT);
    } else return;
    this.drawField();
    this.damage.emit([this.fieldBox, this.statusBox]);
  }

  releaseInput(): void {
    this.ctrl.clear();
    if (this.buttons !== 0) this.pointer(this.pointerX, this.pointerY, 0);
  }

  async close(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** What the text field shows (for tests and logs). */
  get typedText(): string {
    return this.text;
  }

  // ---- drawing ----

  private scheduleTick(): void {
    // Tick on the second boundary so the clock changes when the wall clock does.
    const delay = 1000 - (Date.now() % 1000) + 5;
    this.timer = setTimeout(() => {
      this.drawClock();
      this.damage.emit([this.clockBox]);
      this.scheduleTick();
    }, delay);
    // The clock alone must not keep the process alive.
    this.timer.unref();
  }

  private drawDesktop(): void {
    // A vertical gradient: few colours per tile, so it stays lossless and cheap.
    for (let y = 0; y < this.height; y++) {
      const t = y / this.height;
      this.fillRect({ x: 0, y, w: this.width, h: 1 }, [Math.round(29 + 40 * t), Math.round(53 + 70 * t), Math.round(87 + 70 * t)]);
    }
    this.fillRect({ x: 0, y: 0, w: this.width, h: 72 }, PANEL);
    this.drawText(24, 22, "Edgedesk virtual desktop", TITLE, 2);
    this.drawText(40, 110, "Type here:", TITLE, 1);
    this.drawPhoto({ x: this.width - 360, y: this.height - 220, w: 320, h: 180 });
    this.drawClock();
    this.drawField();
    this.drawStatus();
  }

  /** A colourful panel with smooth detail, so demos exercise the JPEG path too. */
  private drawPhoto(r: Rect): void {
    for (let j = 0; j < r.h; j++) {
      for (let i = 0; i < r.w; i++) {
        const o = ((r.y + j) * this.width + r.x + i) * 4;
        const v = Math.sin(i / 17) + Math.sin(j / 11) + Math.sin((i + j) / 23) + Math.sin(Math.hypot(i - 160, j - 90) / 9);
        this.base[o] = 128 + 30 * v;
        this.base[o + 1] = 128 + 30 * Math.sin(v * 2);
        this.base[o + 2] = 128 - 30 * v;
      }
    }
  }

  private drawClock(): void {
    const d = this.now();
    const pad = (n: number) => String(n).padStart(2, "0");
    this.fillRect(this.clockBox, PANEL);
    this.drawText(this.clockBox.x + 10, this.clockBox.y + 5, `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`, TITLE, 3);
  }

  private drawField(): void {
    const f = this.fieldBox;
    this.fillRect(f, BLACK);
    this.fillRect({ x: f.x + 1, y: f.y + 1, w: f.w - 2, h: f.h - 2 }, WHITE);
    const fit = Math.floor((f.w - 20) / (GLYPH_WIDTH * 2)) - 1;
    const shown = this.text.slice(-fit);
    this.drawText(f.x + 8, f.y + 7, shown, INK, 2);
    // A text cursor after the last character.
    this.fillRect({ x: f.x + 8 + shown.length * GLYPH_WIDTH * 2, y: f.y + 6, w: 2, h: f.h - 12 }, INK);
  }

  private drawStatus(): void {
    this.fillRect(this.statusBox, PANEL);
    const status = `pointer ${this.pointerX},${this.pointerY}  buttons ${this.buttons}  wheel ${this.wheelSteps}  last line: ${this.lastLine}`;
    const fit = Math.floor((this.statusBox.w - 8) / GLYPH_WIDTH);
    this.drawText(this.statusBox.x + 4, this.statusBox.y + 3, status.slice(0, fit), TITLE, 1);
  }

  private fillRect(r: Rect, [red, green, blue]: Rgb): void {
    const x0 = Math.max(0, r.x);
    const x1 = Math.min(this.width, r.x + r.w);
    for (let y = Math.max(0, r.y); y < Math.min(this.height, r.y + r.h); y++) {
      for (let x = x0; x < x1; x++) {
        const o = (y * this.width + x) * 4;
        this.base[o] = red;
        this.base[o + 1] = green;
        this.base[o + 2] = blue;
        this.base[o + 3] = 255;
      }
    }
  }

  private drawText(x: number, y: number, text: string, colour: Rgb, scale: number): void {
    let cx = x;
    for (const ch of text) {
      const rows = glyphRows(ch);
      for (let j = 0; j < GLYPH_HEIGHT; j++) {
        const bits = rows[j]!;
        for (let i = 0; i < GLYPH_WIDTH; i++) {
          if ((bits >> (GLYPH_WIDTH - 1 - i)) & 1) this.fillRect({ x: cx + i * scale, y: y + j * scale, w: scale, h: scale }, colour);
        }
      }
      cx += GLYPH_WIDTH * scale;
    }
  }

  private pointerRect(): Rect {
    const x = Math.min(this.pointerX, this.width - 1);
    const y = Math.min(this.pointerY, this.height - 1);
    return { x, y, w: Math.min(ARROW_W, this.width - x), h: Math.min(ARROW_H, this.height - y) };
  }

  /** Draws the pointer over a captured rect (the base layer never holds it). */
  private composePointer(r: Rect, out: Uint8Array): void {
    const fill: Rgb = this.buttons ? [220, 40, 40] : WHITE;
    for (let j = 0; j < ARROW_H; j++) {
      const y = this.pointerY + j;
      if (y < r.y || y >= r.y + r.h) continue;
      const line = ARROW[j]!;
      for (let i = 0; i < ARROW_W; i++) {
        const x = this.pointerX + i;
        const c = line[i];
        if (c === " " || x < r.x || x >= r.x + r.w || x >= this.width) continue;
        const [red, green, blue] = c === "X" ? BLACK : fill;
        const o = ((y - r.y) * r.w + (x - r.x)) * 4;
        out[o] = red;
        out[o + 1] = green;
        out[o + 2] = blue;
      }
    }
  }
}

/** The character a keysym types, for the printable ranges the text field accepts. */
export function keysymToChar(keysym: number): string | undefined {
  if ((keysym >= 0x20 && keysym <= 0x7e) || (keysym >= 0xa0 && keysym <= 0xff)) return String.fromCharCode(keysym);
  // Unicode keysyms: 0x1000000 + code point.
  if (keysym >= 0x1000100 && keysym <= 0x110ffff) return String.fromCodePoint(keysym - 0x1000000);
  return undefined;
}
