// Linux X11 backend over the pure-JS `x11` client:
// - capture: GetImage (ZPixmap) of the root window, through an MIT-SHM segment when
//   the server is local (the pixels skip the socket: about 2x faster at 1280x720),
//   otherwise the core request, chunked by rows to bound each reply;
// - change detection: the DAMAGE extension on the root window (NonEmpty reports,
//   then Subtract into an XFIXES region and FetchRegion for the rectangles), with
//   tile polling as the fallback for servers without it;
// - input: XTEST fake motion (warps where XTEST stops at the first monitor), buttons (wheel =
//   buttons 4-7) and keys;
// - clipboard: the CLIPBOARD selection both ways (x11-clipboard.ts);
// - pointer shape (F6.1): XFIXES cursor images, for the viewer to show (x11-cursor.ts);
// - size: ConfigureNotify on the root window (RandR, a VM window resized) follows the screen
//   to its new size: a new SHM segment, then onResize listeners rebuild their encoders;
// - monitors (F6.2): XINERAMA's heads, read at start and before each resize event.
import { endianness } from "node:os";
import { MAX_MONITORS, type Rect } from "../../protocol/stream";
import { type Log, silentLog } from "../log";
import { addonError } from "../native/load";
import { bgrxToRgba, copyPixels, rgbxToRgba } from "./pixels";
import { captureRect, type CaptureTarget, DamageEmitter, type DamageListener, Listeners, type PixelFormat, type ResizeListener, type RgbaImage, type ScreenSource } from "./source";
import { TilePoller } from "./tile-poller";
import { type DirectShmProvider, directShmProvider, mappedShmProvider } from "./shm-provider";
import { call, connectX11, requireExtension, type XClient, type XDisplay } from "./x11-connection";
import { X11Clipboard } from "./x11-clipboard";
import { X11Cursor } from "./x11-cursor";
import { type KeyPlace, Keysym, upperOf, X11Keyboard } from "./x11-keyboard";

export type X11SourceOptions = {
  /** X display, e.g. ":0"; defaults to $DISPLAY. */
  display?: string;
  /** false forces the polling fallback (tests, broken DAMAGE drivers). */
  useDamage?: boolean;
  /** false forces core GetImage even on a local server. */
  useShm?: boolean;
  /** false reads the SHM segment with pread even where the shm-map addon is built (tests, benchmarks). */
  mapShm?: boolean;
  pollIntervalMs?: number;
  log?: Log;
  /** Called once if the X connection drops: the source is unusable afterwards. */
  onLost?: (err?: Error) => void;
};

const ZPixmap = 2;
const ALL_PLANES = 0xffffffff;
/** Largest core GetImage reply per request. */
const CHUNK_BYTES = 4 * 1024 * 1024;

// XTEST FakeInput event types.
const KeyPress = 2;
const KeyRelease = 3;
const ButtonPress = 4;
const ButtonRelease = 5;
const MotionNotify = 6;
/** The Lock modifier's bit in a key/button state mask. */
const LOCK_MASK = 1 << 1;
/** StructureNotifyMask: the root window's ConfigureNotify, sent when the screen changes size. */
const STRUCTURE_NOTIFY = 0x20000;

/** Protocol button bits (bit0 left, bit1 middle, bit2 right) -> X button numbers. */
const BUTTONS: [bit: number, xButton: number][] = [
  [1, 1],
  [2, 2],
  [4, 3],
];

type ShmSegment = {
  buffer: Buffer;
  size: number;
  /** The buffer is the segment itself (a mapped provider): GetImage writes straight into it. */
  zeroCopy: boolean;
  getImage(
    drawable: number,
    x: number,
    y: number,
    w: number,
    h: number,
    planes: number,
    format: number,
    offset: number,
    cb: (err: Error | null, rep: { size: number }) => void,
  ): void;
  detach(cb?: () => void): void;
};

export async function openX11Source(opts: X11SourceOptions = {}): Promise<X11Source> {
  const display = opts.display ?? process.env.DISPLAY ?? ":0";
  const mapped = opts.useShm === false || opts.mapShm === false ? undefined : mappedShmProvider();
  if (!mapped && opts.useShm !== false && opts.mapShm !== false) {
    opts.log?.("no shm-map addon: the screen is read from the SHM segment with pread", { why: addonError("shm-map", "shm_map") });
  }
  const direct = mapped ? undefined : directShmProvider();
  const d = await connectX11(display, mapped ?? direct);
  try {
    const source = new X11Source(d, display, opts, direct, mapped !== undefined);
    await source.init();
    return source;
  } catch (err) {
    d.client.terminate();
    throw err;
  }
}

export class X11Source implements ScreenSource {
  readonly kind = "x11";
  /** "bgrx" on the usual TrueColor visual: captureInto then copies X's pixels unconverted. */
  captureFormat: PixelFormat = "rgba";
  /** The screen's size now; it changes when the screen does (see onResize). */
  width: number;
  height: number;
  /** How captures travel and damage is found, for logs and tests. */
  readonly mode = { shm: false, mappedShm: false, damage: false };

  private readonly X: XClient;
  private readonly root: number;
  private readonly log: Log;
  private readonly convert: (src: Uint8Array, dst: Uint8Array, pixels: number) => void;
  private readonly damageEvents = new DamageEmitter();
  private readonly resizeEvents = new Listeners<[]>();
  private shmExt: any;
  private readonly keyboard: X11Keyboard;
  /** The remote clipboard (F6.3); undefined until init, or if it could not be set up. */
  clipboard: X11Clipboard | undefined;
  /** The pointer's shape (F6.1); undefined without XFIXES. */
  cursor: X11Cursor | undefined;
  private xtest: any;
  /** XINERAMA: the monitors (on RandR 1.5 servers its heads are RandR's monitors). */
  private xinerama: any;
  private heads: Rect[] = [];
  /**
   * XTEST motion stops at the edge of the first monitor (Xinerama over several X screens
   * clamps a fake motion to its root's screen): pointer moves then go as warps. Found at the
   * first move beyond that monitor (motionChecked).
   */
  private warpMotion = false;
  private motionChecked = false;
  private damageExt: any;
  private fixes: any;
  private damageId = 0;
  private regionId = 0;
  private fetching = false;
  private fetchAgain = false;
  private shm: ShmSegment | undefined;
  /**
   * A mapped segment holds two screens: the first is lent to one encoder as its screen
   * buffer (lendScreen), the second, from this offset, takes every other capture. Without
   * a mapping there is one screen's worth and this is 0.
   */
  private scratch = 0;
  private lent: Uint8Array | undefined;
  private poller: TilePoller | undefined;
  /** Captures share one SHM segment: run them one at a time. */
  private captureChain: Promise<unknown> = Promise.resolve();
  private closed = false;

  // Input state, so releaseInput() can undo exactly what this agent pressed.
  private buttons = 0;
  /** keysym -> keycode pressed for it. */
  private readonly keysDown = new Map<number, number>();
  private shiftHeld = false;
  /** Input held back behind a Caps Lock query, and how much of it. */
  private inputQueue: Promise<void> = Promise.resolve();
  private waiting = 0;

  constructor(
    private readonly d: XDisplay,
    readonly display: string,
    private readonly opts: X11SourceOptions,
    /** Lets a capture read the segment straight into its target (undefined: copy via the segment's buffer). */
    private readonly shmProvider?: DirectShmProvider,
    /** The client was given the mapped provider: segments hold a lendable screen and a scratch one. */
    private readonly mappedProvider = false,
  ) {
    this.X = d.client;
    this.log = opts.log ?? silentLog;
    const screen = d.screen[0]!;
    this.root = screen.root;
    this.width = screen.pixel_width;
    this.height = screen.pixel_height;
    const visual = screen.depths[screen.root_depth]?.[screen.root_visual];
    const bpp = d.format[screen.root_depth]?.bits_per_pixel;
    if (!visual || bpp !== 32 || d.image_byte_order !== 0 || endianness() !== "LE") {
      throw new Error(`unsupported X screen: depth ${screen.root_depth}, ${bpp} bits per pixel, byte order ${d.image_byte_order}`);
    }
    if (visual.red_mask === 0xff0000 && visual.green_mask === 0xff00 && visual.blue_mask === 0xff) {
      this.convert = bgrxToRgba;
      this.captureFormat = "bgrx";
    } else if (visual.red_mask === 0xff && visual.green_mask === 0xff00 && visual.blue_mask === 0xff0000) this.convert = rgbxToRgba;
    else {
      const masks = [visual.red_mask, visual.green_mask, visual.blue_mask].map((m) => m.toString(16)).join("/");
      throw new Error(`unsupported X visual masks ${masks}`);
    }
    this.keyboard = new X11Keyboard(this.X, { min: d.min_keycode, max: d.max_keycode });
  }

  async init(): Promise<void> {
    this.X.on("error", (err: Error) => this.log("X error", { error: err.message }));
    this.X.on("end", () => this.lost(new Error("X connection closed")));
    this.X.on("event", (ev: { name?: string }) => {
      if (this.clipboard?.handle(ev) || this.cursor?.handle(ev)) return;
      if (ev.name === "DamageNotify") this.fetchDamage();
      else if (ev.name === "ConfigureNotify") this.configured(ev as unknown as { wid1: number; width: number; height: number });
      else if (ev.name === "MappingNotify") this.keyboard.load().catch((err) => this.log("keymap reload failed", { error: String(err) }));
    });

    this.xtest = await requireExtension(this.X, "xtest");
    if (!this.xtest) this.log("the X server has no XTEST: input is ignored", { display: this.display });
    await this.keyboard.load();
    this.xinerama = await requireExtension(this.X, "xinerama");
    await this.readMonitors();

    if (this.opts.useShm !== false && this.d.isLocalSocket) {
      const shmExt = await requireExtension<any>(this.X, "shm");
      const usable = shmExt && (await new Promise<boolean>((resolve) => shmExt.usable((_: unknown, ok: boolean) => resolve(ok))));
      if (usable) {
        this.shmExt = shmExt;
        await this.makeSegment();
      }
    }

    if (this.opts.useDamage !== false) {
      this.damageExt = await requireExtension(this.X, "damage");
      this.fixes = await requireExtension(this.X, "fixes");
    }
    if (this.damageExt && this.fixes) {
      this.damageId = this.X.AllocID();
      this.regionId = this.X.AllocID();
      this.fixes.CreateRegion(this.regionId, []);
      this.damageExt.Create(this.damageId, this.root, this.damageExt.ReportLevel.NonEmpty);
      this.mode.damage = true;
    } else {
      this.log("no DAMAGE/XFIXES: polling the screen for changes", { display: this.display });
      this.poller = new TilePoller(
        () => this.capture(),
        (rects) => this.damageEvents.emit(rects),
        this.opts.pollIntervalMs ?? 250,
        (err) => this.log("screen poll failed", { error: String(err) }),
      );
    }
    // XFIXES (looked up once, here if DAMAGE did not) tells the clipboard of new owners and the
    // cursor of new shapes; without it, text still goes to the remote and the viewer keeps
    // its own pointer.
    const fixes = this.fixes ?? (await requireExtension(this.X, "fixes"));
    const clipboard = new X11Clipboard(this.X, this.root, fixes, this.log);
    await clipboard.init();
    this.clipboard = clipboard;
    if (fixes) this.cursor = new X11Cursor(this.root, fixes, this.log);
    // The root window's size changes (xrandr, a VM's window resized) come as ConfigureNotify.
    this.X.ChangeWindowAttributes(this.root, { eventMask: STRUCTURE_NOTIFY });
    // Errors in any of the above surface here rather than later, mid-session.
    await this.X.sync();
  }

  /** An SHM segment for the screen's current size (mode.shm stays false when none can be had). */
  private async makeSegment(): Promise<void> {
    const frame = this.width * this.height * 4;
    const create = (size: number) =>
      new Promise<ShmSegment | undefined>((resolve) =>
        this.shmExt.createSegment(size, (err: Error | null, seg: ShmSegment) => {
          if (err) this.log("could not create an SHM segment", { bytes: size, error: err.message });
          resolve(err ? undefined : seg);
        }),
      );
    // Mapped: a screen to lend and a scratch one. Where /dev/shm has no room for two
    // (the addon allocates the whole segment up front), one screen and nothing to lend.
    this.shm = this.mappedProvider ? ((await create(2 * frame)) ?? (await create(frame))) : await create(frame);
    this.mode.shm = this.shm !== undefined;
    this.mode.mappedShm = this.mappedProvider && this.shm?.zeroCopy === true;
    this.scratch = this.mode.mappedShm && this.shm!.size >= 2 * frame ? frame : 0;
  }

  /** The monitors, left to right then top to bottom; one covering the screen where none are known. */
  monitors(): Rect[] {
    return this.heads.length > 0 ? this.heads.map((h) => ({ ...h })) : [{ x: 0, y: 0, w: this.width, h: this.height }];
  }

  private async readMonitors(): Promise<void> {
    if (!this.xinerama) return;
    try {
      const heads = await new Promise<{ x: number; y: number; width: number; height: number }[]>((resolve, reject) =>
        this.xinerama.QueryScreens((err: Error | null, list: { x: number; y: number; width: number; height: number }[]) => (err ? reject(err) : resolve(list))),
      );
      this.heads = monitorsOf(heads, this.width, this.height);
    } catch (err) {
      this.heads = [];
      this.log("could not read the monitors", { error: String(err) });
    }
  }

  /** Called when the screen's size changed; returns the unsubscribe function. */
  onResize(listener: ResizeListener): () => void {
    return this.resizeEvents.on(listener);
  }

  private configured(ev: { wid1: number; width: number; height: number }): void {
    if (this.closed || ev.wid1 !== this.root || (ev.width === this.width && ev.height === this.height)) return;
    this.log("screen size changed", { from: `${this.width}x${this.height}`, to: `${ev.width}x${ev.height}` });
    // From now on captures are checked against the new size; those already queued run on the
    // old segment, then it is swapped for one of the new size before any later capture.
    this.width = ev.width;
    this.height = ev.height;
    const swapped = this.captureChain.then(() => this.remakeSegment());
    this.captureChain = swapped.catch((err: unknown) => this.log("could not resize the SHM segment", { error: String(err) }));
    void this.captureChain
      .then(() => this.readMonitors())
      .then(() => {
        if (!this.closed) this.resizeEvents.emit();
      });
  }

  private async remakeSegment(): Promise<void> {
    if (!this.shmExt || this.closed) return;
    // A lent screen stays valid memory after the detach (the mapping lives as long as its
    // buffer), only no longer the segment's: its borrower rebuilds on the resize and returns it.
    this.shm?.detach();
    this.shm = undefined;
    this.lent = undefined;
    this.scratch = 0;
    await this.makeSegment();
  }

  capture(rect?: Rect): Promise<RgbaImage> {
    const r = captureRect(this, rect);
    const run = this.captureChain.then(() => (this.shm ? this.captureShm(r, this.shm) : this.captureCore(r)));
    this.captureChain = run.catch(() => {});
    return run;
  }

  /**
   * The screen buffer of a mapped segment, for one encoder to keep its `screen` in (zeroed):
   * captureInto that buffer then costs no copy at all for whole rows, since the X server
   * writes them in place. Undefined without a mapping, when not in X's native layout, or
   * while it is lent; give it back with returnScreen.
   */
  lendScreen(): Uint8Array | undefined {
    if (!this.shm || !this.mode.mappedShm || this.scratch === 0 || this.lent || this.captureFormat !== "bgrx") return undefined;
    // Resized and the segment not yet swapped for one of the new size: nothing fits to lend.
    if (this.scratch !== this.width * this.height * 4) return undefined;
    this.lent = new Uint8Array(this.shm.buffer.buffer, this.shm.buffer.byteOffset, this.scratch);
    this.lent.fill(0);
    return this.lent;
  }

  returnScreen(screen: Uint8Array): void {
    if (screen === this.lent) this.lent = undefined;
  }

  captureInto(rect: Rect, target: CaptureTarget): Promise<void> {
    const r = captureRect(this, rect);
    // Where the screen's pixel (x, y) goes in the target: row y - oy, column x - ox.
    const { x: ox, y: oy } = target.origin ?? { x: 0, y: 0 };
    const at = (x: number, y: number) => ((y - oy) * target.width + (x - ox)) * 4;
    const run = this.captureChain.then(async () => {
      // Read when the capture runs: a resize queued before it swaps the segment.
      const shm = this.shm;
      // Native pixels when the encoder takes them (captureFormat), else converted.
      const put = this.captureFormat === "bgrx" ? copyPixels : this.convert;
      if (!shm) {
        const img = await this.captureCore(r, put);
        for (let j = 0; j < r.h; j++) target.data.set(img.data.subarray(j * r.w * 4, (j + 1) * r.w * 4), at(r.x, r.y + j));
        return;
      }
      // Whole rows of the screen in X's own layout are one run in the target: the server
      // writes them in place when the target is the lent screen, else they are read straight
      // into it.
      const wholeRows = r.x === ox && r.w === target.width;
      if (wholeRows && ox === 0 && oy === 0 && target.data === this.lent && this.lent !== undefined) {
        return new Promise<void>((resolve, reject) =>
          shm.getImage(this.root, r.x, r.y, r.w, r.h, ALL_PLANES, ZPixmap, r.y * r.w * 4, (err) => (err ? reject(err) : resolve())),
        );
      }
      const direct = wholeRows && put === copyPixels && this.shmProvider;
      if (direct) direct.readNextInto(target.data, at(r.x, r.y));
      try {
        const from = this.scratch;
        await new Promise<void>((resolve, reject) =>
          shm.getImage(this.root, r.x, r.y, r.w, r.h, ALL_PLANES, ZPixmap, from, (err) => {
            if (err) return reject(err);
            if (direct) return resolve();
            if (wholeRows) put(shm.buffer.subarray(from), target.data.subarray(at(r.x, r.y)), r.w * r.h);
            else for (let j = 0; j < r.h; j++) put(shm.buffer.subarray(from + j * r.w * 4), target.data.subarray(at(r.x, r.y + j)), r.w);
            resolve();
          }),
        );
      } finally {
        // A capture that failed before its read must not leave its target to the next one.
        if (direct) direct.readNextInto(undefined);
      }
    });
    this.captureChain = run.catch(() => {});
    return run;
  }

  onDamage(listener: DamageListener): () => void {
    const off = this.damageEvents.on(listener);
    this.poller?.start();
    return () => {
      off();
      if (this.damageEvents.size === 0) this.poller?.stop();
    };
  }

  pointer(x: number, y: number, buttons: number): void {
    this.inOrder(() => this.pointerNow(x, y, buttons));
  }

  wheel(dx: number, dy: number): void {
    this.inOrder(() => this.wheelNow(dx, dy));
  }

  key(keysym: number, down: boolean): void {
    if (!this.xtest) return;
    if (this.waiting > 0) return this.later(() => this.keyAt(keysym, down));
    const typing = this.keyAt(keysym, down);
    // Still waiting on the server: later input queues behind this key.
    if (typing) this.later(() => typing);
  }

  /** Presses or releases now, or (a letter) once the server has said whether Caps Lock is on. */
  private keyAt(keysym: number, down: boolean): Promise<void> | undefined {
    const place = down ? this.keyboard.placeOf(keysym, new Set(this.keysDown.values())) : undefined;
    const syms = place && this.keyboard.symbolsOf(place.keycode);
    // A letter's case depends on Caps Lock on the remote side, which only the server knows.
    if (place && syms && upperOf(syms.plain) === syms.shifted) {
      return this.capsLocked().then((locked) => this.keyNow(keysym, true, place, locked));
    }
    this.keyNow(keysym, down, place, false);
    return undefined;
  }

  private pointerNow(x: number, y: number, buttons: number): void {
    if (!this.xtest || this.closed) return;
    // Always, even to where the viewer pointed last: the local user may have moved the mouse
    // since, and a click must land where the operator sees it land.
    if (this.warpMotion) this.X.WarpPointer(0, this.root, 0, 0, 0, 0, x, y);
    else this.xtest.FakeInput(MotionNotify, 0, 0, this.root, x, y);
    if (!this.motionChecked && this.heads.length > 1 && !inside(this.heads[0]!, x, y)) this.checkMotion(x, y);
    for (const [bit, button] of BUTTONS) {
      if ((buttons & bit) === (this.buttons & bit)) continue;
      this.xtest.FakeInput(buttons & bit ? ButtonPress : ButtonRelease, button, 0, this.root, 0, 0);
    }
    this.buttons = buttons;
  }

  /**
   * Once, at the first move beyond the first monitor: did the pointer get there? XTEST's
   * motion is what applications expect (raw events, pointer barriers and hot corners see it),
   * so warps stand in only where it falls short.
   */
  private checkMotion(x: number, y: number): void {
    this.motionChecked = true;
    this.X.QueryPointer(this.root, (err: Error | null, p: { rootX: number; rootY: number }) => {
      if (err || this.closed || (p.rootX === x && p.rootY === y)) return;
      this.log("XTEST motion stops at the first monitor's edge: moving the pointer with warps", { wanted: `${x},${y}`, got: `${p.rootX},${p.rootY}` });
      this.warpMotion = true;
      this.X.WarpPointer(0, this.root, 0, 0, 0, 0, x, y);
    });
  }

  private wheelNow(dx: number, dy: number): void {
    if (!this.xtest || this.closed) return;
    // X reports wheels as clicks of buttons 4 (up), 5 (down), 6 (left), 7 (right).
    const click = (button: number, steps: number) => {
      for (let i = 0; i < Math.min(steps, 100); i++) {
        this.xtest.FakeInput(ButtonPress, button, 0, this.root, 0, 0);
        this.xtest.FakeInput(ButtonRelease, button, 0, this.root, 0, 0);
      }
    };
    click(dy > 0 ? 5 : 4, Math.abs(dy));
    click(dx > 0 ? 7 : 6, Math.abs(dx));
  }

  private keyNow(keysym: number, down: boolean, place: KeyPlace | undefined, capsLocked: boolean): void {
    if (!this.xtest || this.closed) return;
    if (keysym === Keysym.Shift_L || keysym === Keysym.Shift_R) this.shiftHeld = down;
    if (!down) {
      const keycode = this.keysDown.get(keysym);
      if (keycode === undefined) return; // never pressed through us
      this.keysDown.delete(keysym);
      this.fake(KeyRelease, keycode);
      return;
    }
    if (!place) {
      // Not the keysym itself: while the lock-screen fallback types a password, it is one of its characters.
      this.log("no keycode free or allowed for a keysym");
      return;
    }
    this.keysDown.set(keysym, place.keycode);
    // The viewer's keyboard layout may differ from the server's: press or lift Shift
    // around the key so it types the keysym the viewer sent. With Caps Lock on, a letter
    // is upper case without Shift and lower case with it.
    const shift = this.keyboard.shift;
    const syms = this.keyboard.symbolsOf(place.keycode);
    const wantShift = capsLocked ? !place.shifted : place.shifted;
    const needShift = wantShift && !this.shiftHeld;
    const dropShift = !wantShift && this.shiftHeld && syms.shifted !== 0 && syms.shifted !== syms.plain;
    if (shift && needShift) this.fake(KeyPress, shift);
    if (shift && dropShift) this.fake(KeyRelease, shift);
    this.fake(KeyPress, place.keycode);
    if (shift && needShift) this.fake(KeyRelease, shift);
    if (shift && dropShift) this.fake(KeyPress, shift);
  }

  /** Whether Caps Lock is on at the server (the Lock modifier in the pointer's state). */
  private async capsLocked(): Promise<boolean> {
    const state = await call<{ keyMask: number }>(this.X, "QueryPointer", this.root);
    return (state.keyMask & LOCK_MASK) !== 0;
  }

  /** Runs input now, or after the input still waiting on a round trip (the order is the viewer's). */
  private inOrder(op: () => void): void {
    if (this.waiting === 0) op();
    else this.later(op);
  }

  private later(op: () => void | Promise<void>): void {
    this.waiting++;
    this.inputQueue = this.inputQueue
      .then(op)
      .catch((err: unknown) => this.log("input failed", { error: String(err) }))
      .finally(() => this.waiting--);
  }

  releaseInput(): void {
    this.inOrder(() => {
      if (!this.xtest || this.closed) return;
      for (const keycode of this.keysDown.values()) this.fake(KeyRelease, keycode);
      this.keysDown.clear();
      this.shiftHeld = false;
      // Buttons go up where the pointer is: moving it (to where a viewer last pointed, or to 0,0
      // when none did) would pull the local user's mouse away, onto a hot corner at worst.
      for (const [bit, button] of BUTTONS) if (this.buttons & bit) this.xtest.FakeInput(ButtonRelease, button, 0, this.root, 0, 0);
      this.buttons = 0;
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.releaseInput();
    this.closed = true;
    this.poller?.stop();
    this.clipboard?.close();
    this.cursor?.close();
    if (this.damageId) this.damageExt.Destroy(this.damageId);
    if (this.regionId) this.fixes.DestroyRegion(this.regionId);
    this.shm?.detach();
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.X.terminate();
        resolve();
      }, 1000);
      this.X.close(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private fake(type: number, keycode: number): void {
    this.xtest.FakeInput(type, keycode, 0, this.root, 0, 0);
  }

  /** Moves the damage region into our XFIXES region and reads its rectangles. */
  private fetchDamage(): void {
    if (this.closed) return;
    // A notify that arrives while a fetch is in flight means new damage after our
    // Subtract: fetch once more when this one returns, or it would be lost.
    if (this.fetching) {
      this.fetchAgain = true;
      return;
    }
    this.fetching = true;
    this.damageExt.Subtract(this.damageId, 0, this.regionId);
    type Region = { rectangles: { x: number; y: number; width: number; height: number }[] };
    this.fixes.FetchRegion(this.regionId, (err: Error | null, region: Region) => {
      this.fetching = false;
      if (err) this.log("FetchRegion failed", { error: err.message });
      else this.damageEvents.emit(region.rectangles.map((r) => ({ x: r.x, y: r.y, w: r.width, h: r.height })));
      if (this.fetchAgain) {
        this.fetchAgain = false;
        this.fetchDamage();
      }
    });
  }

  private captureShm(r: Rect, seg: ShmSegment): Promise<RgbaImage> {
    return new Promise((resolve, reject) => {
      seg.getImage(this.root, r.x, r.y, r.w, r.h, ALL_PLANES, ZPixmap, this.scratch, (err) => {
        if (err) return reject(err);
        const data = new Uint8Array(r.w * r.h * 4);
        this.convert(seg.buffer.subarray(this.scratch), data, r.w * r.h);
        resolve({ width: r.w, height: r.h, data });
      });
    });
  }

  /** Core GetImage in row chunks; `put` lays the pixels out (converted to RGBA by default). */
  private async captureCore(r: Rect, put = this.convert): Promise<RgbaImage> {
    const data = new Uint8Array(r.w * r.h * 4);
    const rowsPerChunk = Math.max(1, Math.floor(CHUNK_BYTES / (r.w * 4)));
    const chunks: Promise<void>[] = [];
    // All chunk requests go out at once; the server answers them in order.
    for (let y = 0; y < r.h; y += rowsPerChunk) {
      const h = Math.min(rowsPerChunk, r.h - y);
      chunks.push(
        new Promise((resolve, reject) => {
          this.X.GetImage(ZPixmap, this.root, r.x, r.y + y, r.w, h, ALL_PLANES, (err: Error | null, img: { data: Buffer }) => {
            if (err) return reject(err);
            put(img.data, data.subarray(y * r.w * 4), r.w * h);
            resolve();
          });
        }),
      );
    }
    await Promise.all(chunks);
    return { width: r.w, height: r.h, data };
  }

  private lost(err: Error): void {
    if (this.closed) return;
    this.closed = true;
    this.poller?.stop();
    this.log("lost the X display", { display: this.display, error: err.message });
    this.opts.onLost?.(err);
  }
}

const inside = (r: Rect, x: number, y: number) => x >= r.x && y >= r.y && x < r.x + r.w && y < r.y + r.h;

/**
 * Xinerama's heads as monitors: clipped to the screen, mirrored ones (the same place) once,
 * at most MAX_MONITORS, sorted left to right then top to bottom. A single head, or none, is
 * no choice to offer: empty.
 */
export function monitorsOf(heads: readonly { x: number; y: number; width: number; height: number }[], width: number, height: number): Rect[] {
  const seen = new Set<string>();
  const out: Rect[] = [];
  for (const h of heads) {
    const x = Math.max(0, h.x);
    const y = Math.max(0, h.y);
    const w = Math.min(width, h.x + h.width) - x;
    const hh = Math.min(height, h.y + h.height) - y;
    const key = `${x},${y},${w},${hh}`;
    if (w <= 0 || hh <= 0 || seen.has(key)) continue;
    seen.add(key);
    out.push({ x, y, w, h: hh });
  }
  out.sort((a, b) => a.x - b.x || a.y - b.y);
  return out.length > 1 ? out.slice(0, MAX_MONITORS) : [];
}
