// Turns captured pixels into the rects of one Frame. It keeps two screens: `screen`,
// the latest capture, and `shadow`, what the viewers show after the frames sent so
// far. Only tiles that differ between the two are encoded, so over-reported damage
// (a cursor blink that redraws the same pixels) costs nothing on the wire.
import sharp from "sharp";
import { Encoding, type FrameRect, MAX_AGENT_MSG_BYTES, RECT_HEADER_BYTES, type Rect } from "../../protocol/stream";
import { bgrxToRgba, rgbxToRgba } from "../screen/pixels";
import type { PixelFormat, RgbaImage } from "../screen/source";
import { classifyTile, TileKind } from "./classify";
import { encodeLossless } from "./palette";
import { mergeTiles, TILE, tileGrid, tileRect, type TileGrid } from "./damage";
import { applyMove, guessDisplacement, type Move, moveBand } from "./motion";
import { detectVerticalMove, rowHashes, type RowHasher, type RowHashes } from "./scroll";
import { BytePool } from "./byte-pool";
import { packRgb } from "./pack-rgb";
import { halfSize, halveRect } from "./halve";
import { TileHistory } from "./tile-history";
import { type EncodeJpeg, loadJpegEncoder } from "../native/jpeg";
import { loadRowHasher } from "../native/row-hashes";

/**
 * A tile that changed in this many updates in a row (one update without a change does not
 * break the run: see TileHistory.changed), with more colours than
 * MOVING_MIN_COLOURS (text and UI have fewer), goes as JPEG even with a palette's worth of
 * colours: see TileHistory.
 */
const MOVING_STREAK = 3;
const MOVING_MIN_COLOURS = 32;

/**
 * A tile label beside TileKind's: a stand-in sent at half its size each way (a picture in
 * motion, see EncoderOptions.halveMoving). Merged apart from full-size JPEG tiles.
 */
const HALF_PHOTO = 4;
/**
 * A half-size stand-in smaller than this (a tile's area), once trimmed to what changed, goes
 * at full size after all: a word autocompleted in an antialiased font can become a stand-in,
 * and halving text makes it unreadable while saving next to nothing. The strip a panned
 * picture uncovers (8x1080) is larger, and halved.
 */
const HALF_MIN_AREA = TILE * TILE;
/**
 * A stand-in smaller than this once trimmed (a 32x32 box) is a glyph typed, not a picture in
 * motion, and goes losslessly: typing in an antialiased font (over 32 greys a tile) changes
 * the same tile in every update, which made each keystroke a tiny lossy JPEG, drawn only
 * after an image decode.
 */
const STAND_IN_MIN_AREA = 32 * 32;

/** findMove weighs candidate moves on every ROW_SAMPLE-th row. */
const ROW_SAMPLE = 4;

/** Regions smaller than this (a few tiles: typing, a blinking cursor) skip the 2-D move search. */
const MOTION_MIN_REGION = 4 * TILE * TILE;

export type EncoderOptions = {
  /** JPEG quality for photographic tiles. */
  jpegQuality?: number;
  /**
   * Send a picture in motion (the JPEG stand-ins of tiles that change in every update) at half
   * its size each way, which the viewer scales up: about a third of the bytes and half the
   * JPEG's CPU of a full-screen video update. It is sent again at full size (or losslessly)
   * once it holds still, as any stand-in is. Default true, as at the Balanced quality
   * (decision 41).
   */
  halveMoving?: boolean;
  /** Look for moved content (scrolls, dragged windows, panning) and send it as Copy rects. */
  detectScroll?: boolean;
  /**
   * Largest merged lossless rect, in tiles. 8x4 tiles of 64 px is 512x256: even raw
   * RGB that is 384 KiB, so one rect always fits a 1 MiB message. JPEG rects may be twice
   * as wide and cover four times the tiles (1024x512, or a tall narrow strip of as many
   * pixels: under 512 KiB even for noise at q75).
   */
  maxRectTiles?: { cols: number; rows: number };
  /**
   * Byte order of `screen` (what the source's captureInto writes). Only the pixels that
   * are sent get converted: colours of palettes and fills, the input of a JPEG.
   */
  pixelFormat?: PixelFormat;
  /**
   * Memory to keep `screen` in (width * height * 4 bytes, 4-byte aligned), e.g. a mapped
   * SHM segment the X server captures into (X11Source.lendScreen); by default its own.
   */
  screen?: Uint8Array;
  /**
   * Encode JPEGs with the jpeg addon (libjpeg-turbo, on this thread) when it is built; false
   * uses sharp, as the agent does without the addon. The same JPEG bytes either way.
   */
  nativeJpeg?: boolean;
  /**
   * Hash rows for the vertical-move search with the row-hashes addon when it is built; false
   * hashes them in JavaScript, as the agent does without the addon. Other hash values, the
   * same moves.
   */
  nativeRowHashes?: boolean;
};

export class FrameEncoder {
  readonly width: number;
  readonly height: number;
  /** The latest capture, in `pixelFormat`. */
  readonly screen: Uint8Array;
  private readonly screen32: Uint32Array;
  /** What the viewers show, same layout. */
  private readonly shadow: Uint8Array;
  private readonly shadow32: Uint32Array;
  private readonly grid: TileGrid;
  private readonly history: TileHistory;
  private quality: number;
  private halveMoving: boolean;
  private readonly detectScroll: boolean;
  private readonly maxCols: number;
  private readonly maxRows: number;
  /** `screen` and `shadow` as Buffers over the same memory, for native row compares. */
  private readonly screenBytes: Buffer;
  private readonly shadowBytes: Buffer;
  /** Red and blue swapped in `screen` (X11's BGRX): swap them back in what is sent. */
  private readonly bgr: boolean;
  /**
   * Row hashes of `screen` per region, taken by the last encode()'s vertical-move search.
   * After an encode the shadow equals the screen everywhere, so they are the next search's
   * hashes of the shadow (on a screen playing video, half the search's cost).
   */
  private screenHashes = new Map<string, RowHashes>();
  private shadowHashes = new Map<string, RowHashes>();
  /** The vertical-move search's row hasher: the row-hashes addon's, or JavaScript's. */
  private readonly hashRows: RowHasher;
  /** The jpeg addon, if built and not turned off: see encodeJpeg. */
  private readonly nativeJpeg: EncodeJpeg | undefined;
  /** sharp's input buffers, each as big as the largest JPEG rect (see maxRectTiles); made on first use. */
  private rgbPool: BytePool | undefined;
  /** Near (2-D) move searches in a row over a moving picture that found nothing: see findMove. */
  private fruitlessNearSearches = 0;
  /** Near searches left out since the last one that ran: see findMove. */
  private skippedNearSearches = 0;
  /** Near (2-D) move searches run so far, the costliest part of the move search (for tests and profiles). */
  nearSearches = 0;

  constructor(width: number, height: number, opts: EncoderOptions = {}) {
    this.width = width;
    this.height = height;
    const given = opts.screen;
    if (given && (given.byteLength !== width * height * 4 || given.byteOffset % 4 !== 0)) throw new RangeError("the screen buffer must be width * height * 4 bytes, 4-byte aligned");
    this.screen = given ?? new Uint8Array(width * height * 4);
    this.screen32 = new Uint32Array(this.screen.buffer, this.screen.byteOffset, width * height);
    this.shadow = new Uint8Array(width * height * 4);
    this.shadow32 = new Uint32Array(this.shadow.buffer);
    this.grid = tileGrid(width, height, TILE);
    this.history = new TileHistory(this.grid);
    this.quality = opts.jpegQuality ?? 75;
    this.halveMoving = opts.halveMoving ?? true;
    this.detectScroll = opts.detectScroll ?? true;
    this.maxCols = opts.maxRectTiles?.cols ?? 8;
    this.maxRows = opts.maxRectTiles?.rows ?? 4;
    this.bgr = opts.pixelFormat === "bgrx";
    this.nativeJpeg = opts.nativeJpeg === false ? undefined : loadJpegEncoder();
    this.hashRows = (opts.nativeRowHashes === false ? undefined : loadRowHasher()) ?? rowHashes;
    this.screenBytes = Buffer.from(this.screen.buffer, this.screen.byteOffset, this.screen.byteLength);
    this.shadowBytes = Buffer.from(this.shadow.buffer, this.shadow.byteOffset, this.shadow.byteLength);
  }

  /** JPEG quality from the next encode on (the viewer's choice of quality against speed). */
  setJpegQuality(quality: number): void {
    this.quality = Math.max(1, Math.min(100, Math.round(quality)));
  }

  /** Whether pictures in motion go at half size, from the next encode on (see EncoderOptions). */
  setHalveMoving(on: boolean): void {
    this.halveMoving = on;
  }

  /** Whether the viewers hold JPEG stand-ins owed a lossless refresh (see TileHistory). */
  get owesRefresh(): boolean {
    return this.history.owesAny;
  }

  /**
   * Where stand-ins have held still for `quietMs`: regions to hand encode() (as damage) so
   * they are sent again losslessly.
   */
  refreshRegions(quietMs: number, nowMs = performance.now()): Rect[] {
    return this.history.quietStandIns(nowMs, quietMs);
  }

  /** A copy of `screen` as RGBA with alpha 255 (for thumbnails). */
  screenRgba(): Uint8Array {
    const out = new Uint8Array(this.screen.byteLength);
    if (this.bgr) bgrxToRgba(this.screen, out, this.width * this.height);
    else rgbxToRgba(this.screen, out, this.width * this.height);
    return out;
  }

  /** Copies a captured rectangle (in `pixelFormat`) into `screen`. */
  put(r: Rect, img: RgbaImage): void {
    if (img.width !== r.w || img.height !== r.h) throw new RangeError("capture size does not match its rect");
    const row = r.w * 4;
    for (let j = 0; j < r.h; j++) {
      this.screen.set(img.data.subarray(j * row, (j + 1) * row), ((r.y + j) * this.width + r.x) * 4);
    }
  }

  /**
   * The rects that bring the viewers from `shadow` to `screen` within `regions`, in
   * the order a viewer applies them (moves first: they read the old screen). With
   * `full`, every tile is sent whatever the viewers have. Updates `shadow`.
   */
  async encode(regions: readonly Rect[], full = false): Promise<FrameRect[]> {
    const moves: FrameRect[] = [];
    this.shadowHashes = this.screenHashes;
    this.screenHashes = new Map();
    if (full) regions = [{ x: 0, y: 0, w: this.width, h: this.height }];
    else if (this.detectScroll) {
      for (const r of regions) {
        const m = this.findMove(r);
        if (!m) continue;
        moves.push({ encoding: Encoding.Copy, x: m.x, y: m.y, w: m.w, h: m.h, srcX: m.srcX, srcY: m.srcY });
        // The shadow takes the move exactly as a viewer will: what still differs afterwards is encoded below.
        applyMove(this.shadow32, this.width, m);
        this.history.moved(m, performance.now());
      }
    }

    const moved: readonly Rect[] = moves;
    const { cols } = this.grid;
    const labels = new Uint8Array(cols * this.grid.rows);
    const fill = new Uint32Array(labels.length);
    /** 1: sent as a stand-in JPEG; 2: a stand-in's lossless refresh (sent whole, never trimmed). */
    const role = new Uint8Array(labels.length);
    const now = performance.now();
    this.history.begin();
    for (const r of regions) {
      const c0 = Math.floor(r.x / TILE);
      const r0 = Math.floor(r.y / TILE);
      const c1 = Math.ceil((r.x + r.w) / TILE);
      const r1 = Math.ceil((r.y + r.h) / TILE);
      for (let row = r0; row < r1; row++) {
        for (let c = c0; c < c1; c++) {
          const i = row * cols + c;
          if (labels[i] !== 0) continue;
          const t = tileRect(this.grid, c, row, c + 1, row + 1);
          // A tile inside a move's band was verified equal pixel by pixel: no second look.
          if (!full && moved.some((m) => contains(m, t))) continue;
          const changed = !this.tileUnchanged(t);
          const owed = this.history.owesRefresh(i);
          if (!full && !changed && !owed) continue;
          // A key frame is no sign of motion: only real changes count towards a streak.
          const streak = changed && !full ? this.history.changed(i, now) : 0;
          if (streak > MOVING_STREAK && this.history.wasJpeg(i)) {
            // Still moving and JPEG last time: a JPEG again, without counting its colours
            // (a tenth of a video update's CPU); the refresh looks once it holds still.
            labels[i] = this.standInLabel();
            role[i] = 1;
            continue;
          }
          const { kind, pixel, colours } = classifyTile(this.screen32, this.width, t);
          if (!full && !changed && owed && kind === TileKind.Photo && !this.history.wasHalf(i)) {
            // Held still and photographic after all: the JPEG the viewers have is what it would
            // get (unless theirs is half size: then a full-size JPEG, below).
            this.history.sent(i, false, true, true);
            continue;
          }
          // A many-coloured tile that changes in every update is part of a moving picture:
          // JPEG now, its own lossless encoding once it holds still (see TileHistory).
          const standIn = kind === TileKind.Lossless && streak >= MOVING_STREAK && colours > MOVING_MIN_COLOURS;
          labels[i] = standIn ? this.standInLabel() : kind;
          fill[i] = pixel;
          role[i] = standIn ? 1 : owed ? 2 : 0;
        }
      }
    }

    const sameFill = (a: number, b: number) => labels[a] !== TileKind.Fill || fill[a] === fill[b];
    // Photographic tiles merge into bigger JPEGs (up to 16x8 tiles' worth, 1024x512: a few
    // hundred KiB at most) than lossless ones: a full-screen video frame is then ~8 JPEG calls,
    // not ~60, and each call has a fixed cost in sharp (~1 ms) and in the browser's decoder.
    // The bound is on area, so the narrow strip a panned picture uncovers is one tall JPEG.
    const only = (keep: (l: number) => boolean) => labels.map((l) => (keep(l) ? l : 0));
    const jpegTiles = 4 * this.maxCols * this.maxRows;
    const merged = [
      ...mergeTiles(this.grid, only((l) => l !== TileKind.Photo && l !== HALF_PHOTO), { maxCols: this.maxCols, maxRows: this.maxRows }, sameFill),
      ...mergeTiles(this.grid, only((l) => l === TileKind.Photo), { maxCols: 2 * this.maxCols, maxRows: jpegTiles, maxTiles: jpegTiles }),
      ...mergeTiles(this.grid, only((l) => l === HALF_PHOTO), { maxCols: 2 * this.maxCols, maxRows: jpegTiles, maxTiles: jpegTiles }),
    ];
    // A keystroke changes a glyph, not a tile: send only the box that differs (a refresh sends its tiles whole).
    const trimmed = new Set<(typeof merged)[number]>();
    if (!full) {
      for (const m of merged) {
        if (m.label === TileKind.Fill || this.anyTile(m.rect, (i) => role[i] === 2)) continue;
        m.rect = this.changedBox(m.rect);
        trimmed.add(m);
      }
    }
    // How each merged rect goes, decided once for the encode and the history: a stand-in
    // trimmed below STAND_IN_MIN_AREA is a glyph typed and goes losslessly; a half-size one
    // under HALF_MIN_AREA goes at full size.
    const sendAs = merged.map((m) => {
      if (m.label !== TileKind.Photo && m.label !== HALF_PHOTO) return { jpeg: false, half: false };
      const area = m.rect.w * m.rect.h;
      const glyph = trimmed.has(m) && area < STAND_IN_MIN_AREA && this.anyTile(tileAligned(m.rect, TILE), (i) => role[i] === 1);
      return { jpeg: !glyph, half: !glyph && m.label === HALF_PHOTO && area >= HALF_MIN_AREA };
    });
    const encoded = await Promise.all(
      merged.map(({ rect, label, firstTile }, k): FrameRect | Promise<FrameRect> => {
        if (label === TileKind.Fill) {
          const p = fill[firstTile]!;
          const [lo, hi] = [p & 0xff, (p >>> 16) & 0xff];
          return { encoding: Encoding.Fill, ...rect, r: this.bgr ? hi : lo, g: (p >>> 8) & 0xff, b: this.bgr ? lo : hi };
        }
        if (sendAs[k]!.jpeg) return this.encodeJpeg(rect, sendAs[k]!.half);
        return encodeLossless(this.screen32, this.width, rect, this.bgr);
      }),
    );
    merged.forEach((m, k) => {
      this.commit(m.rect);
      const { jpeg, half } = sendAs[k]!;
      this.forTiles(tileAligned(m.rect, TILE), (i) => {
        if (labels[i] !== 0) this.history.sent(i, role[i] === 1 && jpeg, !trimmed.has(m), jpeg, half);
      });
    });
    return [...moves, ...encoded];
  }

  /**
   * Content that moved within r since the viewers' picture: a vertical scroll first (cheap,
   * by row hashes), else any displacement (windows dragged, pictures panned) when r is
   * big enough for a move to be worth the search.
   */
  private findMove(r: Rect): Move | null {
    if (r.w < TILE || r.h < TILE) return null;
    const changed = this.changedRows(r);
    if (changed === 0) return null;
    // Cheapest first; stop at the first move that explains most changed rows (a scroll
    // leaves the newly exposed rows unexplained). A periodic background matches many
    // shifts, so among candidates the one that explains the most change wins.
    let best: Move | null = null;
    let bestGain = 0;
    const consider = (m: Move | null): boolean => {
      // Any move found (a scroll too) means this is not a still-running video: look near again.
      if (m) this.fruitlessNearSearches = 0;
      const gain = m ? this.changedRows(m) : 0;
      if (gain > bestGain) {
        best = m;
        bestGain = gain;
      }
      return bestGain * 2 >= changed;
    };
    const big = r.w * r.h >= MOTION_MIN_REGION;
    const guess = (axesOnly: boolean) => {
      const range = axesOnly ? {} : { maxDx: 192, maxDy: 64 };
      const d = guessDisplacement(this.shadow32, this.screen32, this.width, this.height, r, { axesOnly, ...range });
      return d && moveBand(this.shadow32, this.screen32, this.width, this.height, r, d);
    };
    if (big && consider(guess(true))) return best;
    const key = `${r.x},${r.y},${r.w},${r.h}`;
    const cur = this.hashRows(this.screen32, this.width, r);
    this.screenHashes.set(key, cur);
    const v = detectVerticalMove(this.shadow32, this.screen32, this.width, r, { rowHashes: this.hashRows }, { prev: this.shadowHashes.get(key), cur });
    if (consider(v && { x: v.x, y: v.y, w: v.w, h: v.h, srcX: v.x, srcY: v.srcY }) || !big) return best;
    // Every (dx, dy) is ~100x the axis search: only near moves (a dragged window between two updates).
    // Over a moving picture (most of r held as stand-ins) where it found nothing three times
    // running, it is video, not a drag: it then runs once in 4 such searches only (~2 ms of
    // ~12 per 1920x1080 video update), and every time again once any move is found. A picture
    // panned is found every time and never skips; a window dragged over a still desktop is
    // no stand-in and never skips. Skips are counted, not updates: updates between video
    // frames (a cursor blink) must not keep it from ever running.
    if (this.fruitlessNearSearches >= 3 && this.skippedNearSearches < 3 && this.mostlyStandIns(r)) {
      this.skippedNearSearches++;
      return best;
    }
    this.skippedNearSearches = 0;
    this.nearSearches++;
    const near = guess(false);
    if (!near) this.fruitlessNearSearches++; // (one found resets it in consider)
    consider(near);
    return best;
  }

  /** Whether most of r's tiles are held by the viewers as stand-ins of a moving picture. */
  private mostlyStandIns(r: Rect): boolean {
    let standIns = 0;
    let tiles = 0;
    this.forTiles(tileAligned(r, TILE), (i) => {
      tiles++;
      if (this.history.owesRefresh(i)) standIns++;
    });
    return standIns * 2 > tiles;
  }

  /**
   * Rows of r where screen and shadow differ, counting every ROW_SAMPLE-th row: what a move
   * could save. Only ratios of these counts decide anything, and on a full-screen update each
   * full pass is 16 MB of memory read, so a sample serves.
   */
  private changedRows(r: Rect): number {
    let n = 0;
    for (let y = r.y + (r.h > ROW_SAMPLE ? ROW_SAMPLE >> 1 : 0); y < r.y + r.h; y += ROW_SAMPLE) {
      const start = (y * this.width + r.x) * 4;
      // Native memcmp per row: this runs over the whole changed region for every candidate move.
      if (this.screenBytes.compare(this.shadowBytes, start, start + r.w * 4, start, start + r.w * 4) !== 0) n++;
    }
    return n;
  }

  /** Calls f with the index of every tile of a tile-aligned rect. */
  private forTiles(r: Rect, f: (i: number) => void): void {
    const { cols } = this.grid;
    for (let row = r.y / TILE; row < Math.ceil((r.y + r.h) / TILE); row++) {
      for (let c = r.x / TILE; c < Math.ceil((r.x + r.w) / TILE); c++) f(row * cols + c);
    }
  }

  private anyTile(r: Rect, test: (i: number) => boolean): boolean {
    let found = false;
    this.forTiles(r, (i) => (found ||= test(i)));
    return found;
  }

  private tileUnchanged(t: Rect): boolean {
    const s = this.screen32;
    const v = this.shadow32;
    for (let y = t.y; y < t.y + t.h; y++) {
      const start = y * this.width + t.x;
      for (let i = start; i < start + t.w; i++) if (s[i] !== v[i]) return false;
    }
    return true;
  }

  /** The smallest rect within r holding every pixel where screen and shadow differ (r has at least one). */
  private changedBox(r: Rect): Rect {
    const s = this.screen32;
    const v = this.shadow32;
    const rowDiffers = (y: number) => {
      const start = y * this.width + r.x;
      for (let i = start; i < start + r.w; i++) if (s[i] !== v[i]) return true;
      return false;
    };
    let top = r.y;
    while (top < r.y + r.h - 1 && !rowDiffers(top)) top++;
    let bottom = r.y + r.h - 1;
    while (bottom > top && !rowDiffers(bottom)) bottom--;
    let left = r.x + r.w;
    let right = r.x - 1;
    for (let y = top; y <= bottom; y++) {
      const row = y * this.width;
      for (let x = r.x; x < left; x++) if (s[row + x] !== v[row + x]) left = x;
      for (let x = r.x + r.w - 1; x > right; x--) if (s[row + x] !== v[row + x]) right = x;
    }
    if (right < left) return r; // nothing differs after all; keep the rect as it was
    return { x: left, y: top, w: right - left + 1, h: bottom - top + 1 };
  }

  private commit(r: Rect): void {
    for (let y = r.y; y < r.y + r.h; y++) {
      const start = (y * this.width + r.x) * 4;
      this.shadow.set(this.screen.subarray(start, start + r.w * 4), start);
    }
  }

  /** The label of a stand-in tile this update: half size while halveMoving is on. */
  private standInLabel(): number {
    return this.halveMoving ? HALF_PHOTO : TileKind.Photo;
  }

  /** A JPEG rect for r; with `half`, its picture is r at half size each way (the viewer scales it to r). */
  private encodeJpeg(r: Rect, half = false): FrameRect | Promise<FrameRect> {
    if (!this.nativeJpeg) return this.encodeJpegWithSharp(r, half);
    // libjpeg-turbo reads the rect's rows where they lie in `screen` and is done when it
    // returns, before the next capture can write there: no copy, no thread hand-off, about a
    // tenth of sharp's CPU per call (agent/native/jpeg/jpeg_encode.c).
    const data = this.nativeJpeg(this.screen, this.width, r.x, r.y, r.w, r.h, this.bgr, this.quality, half);
    return this.jpegRect(r, Encoding.Jpeg, data);
  }

  private async encodeJpegWithSharp(r: Rect, half: boolean): Promise<FrameRect> {
    // A packed RGB copy: sharp reads it on its own thread while the next capture may already
    // be writing into `screen`. Three channels, because sharp's removeAlpha on RGBA input
    // more than doubled the encode's CPU (bench/session/profile-encode.ts).
    // A rect taller than wide goes transposed: libvips works in bands of rows and pays for
    // each, so a 16x1080 strip costs it twice the CPU of the same pixels as 1080x16.
    const transposed = r.h > r.w;
    // A JPEG rect covers at most 4 x maxCols x maxRows tiles (1.5 MB of RGB by default); a
    // full-screen photo is 5-8 of them in flight. 8 kept: 12 MB per stream.
    this.rgbPool ??= new BytePool(4 * this.maxCols * this.maxRows * TILE * TILE * 3, 8);
    const pool = this.rgbPool;
    // Halved first (a quarter of the pixels, 4 bytes each: within a pooled buffer), then packed.
    const size = half ? halfSize(r) : r;
    const halved = half ? pool.take(size.w * size.h * 4) : undefined;
    if (halved) halveRect(this.screen32, this.width, r, new Uint32Array(halved.buffer, 0, size.w * size.h));
    const out = pool.take(size.w * size.h * 3);
    const rgb = halved
      ? packRgb(new Uint32Array(halved.buffer, 0, size.w * size.h), size.w, { x: 0, y: 0, ...size }, this.bgr, { transposed, out })
      : packRgb(this.screen32, this.width, r, this.bgr, { transposed, out });
    if (halved) pool.give(halved);
    // No Huffman optimisation (sharp's default): it made each JPEG ~3x the CPU for ~12% fewer
    // bytes, and on a screen playing video the agent's CPU is what limits the frame rate.
    let data: Buffer;
    try {
      data = await sharp(rgb, { raw: { width: transposed ? size.h : size.w, height: transposed ? size.w : size.h, channels: 3 } })
        .jpeg({ quality: this.quality, chromaSubsampling: "4:2:0", optimiseCoding: false })
        .toBuffer();
    } finally {
      // sharp reads the input until its promise settles; only then may the buffer be reused.
      pool.give(out);
    }
    return this.jpegRect(r, transposed ? Encoding.JpegTransposed : Encoding.Jpeg, data);
  }

  private jpegRect(r: Rect, encoding: typeof Encoding.Jpeg | typeof Encoding.JpegTransposed, data: Buffer): FrameRect {
    if (data.byteLength + RECT_HEADER_BYTES + 4 > MAX_AGENT_MSG_BYTES - 64) {
      throw new RangeError(`an encoded ${r.w}x${r.h} tile is ${data.byteLength} bytes, over the message limit`);
    }
    return { encoding, x: r.x, y: r.y, w: r.w, h: r.h, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
  }
}

/** The smallest rect of whole tiles holding r. */
function tileAligned(r: Rect, tile: number): Rect {
  const x = Math.floor(r.x / tile) * tile;
  const y = Math.floor(r.y / tile) * tile;
  return { x, y, w: Math.ceil((r.x + r.w) / tile) * tile - x, h: Math.ceil((r.y + r.h) / tile) * tile - y };
}

function contains(outer: Rect, inner: Rect): boolean {
  return inner.x >= outer.x && inner.y >= outer.y && inner.x + inner.w <= outer.x + outer.w && inner.y + inner.h <= outer.y + outer.h;
}
