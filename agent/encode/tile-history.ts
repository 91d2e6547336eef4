// What the encoder remembers about each tile between updates: in how many updates in a row
// it changed (a moving picture changes in nearly every one), when it last changed, and whether the
// viewers hold a JPEG stand-in for content that normally travels losslessly. Stand-ins keep
// video cheap (one JPEG call for a whole picture instead of one per run of photo tiles
// between few-colour ones); once a tile stops changing it is owed a lossless refresh.
import type { Rect } from "../../protocol/stream";
import { mergeTiles, tileRect, type TileGrid } from "./damage";
import type { Move } from "./motion";

export class TileHistory {
  private readonly streak: Uint8Array;
  private readonly lastUpdate: Int32Array;
  private readonly lastChangeMs: Float64Array;
  /** 1 where the viewers show a stand-in JPEG. */
  private readonly standIn: Uint8Array;
  /** 1 where the tile's last send was a JPEG (stand-in or photographic). */
  private readonly jpeg: Uint8Array;
  /** 1 where the viewers hold the tile at half size (a stand-in of a picture in motion). */
  private readonly half: Uint8Array;
  private update = 0;
  private standIns = 0;

  constructor(readonly grid: TileGrid) {
    const n = grid.cols * grid.rows;
    this.streak = new Uint8Array(n);
    this.lastUpdate = new Int32Array(n).fill(-2);
    this.lastChangeMs = new Float64Array(n);
    this.standIn = new Uint8Array(n);
    this.jpeg = new Uint8Array(n);
    this.half = new Uint8Array(n);
  }

  /** Starts the bookkeeping of the next update. */
  begin(): void {
    this.update++;
  }

  /**
   * Tile i changed in this update: returns in how many updates in a row it has changed, where
   * one update without a change does not break the run. A video changes in nearly every
   * update, not every one: an agent that updates faster than the picture's frame rate (30
   * updates a second, a 24 fps film), or that captured a frame half painted, sees it still now
   * and then; with every such update breaking the run, a third of a video's tiles went at full
   * size and full cost in the bench's video-like scenario (`profile-stream.ts cuts 50`: 144
   * KiB and 15.8 ms of the agent's CPU per update, 91–99 KiB and 11.7–12.1 ms tolerating one).
   */
  changed(i: number, nowMs: number): number {
    this.streak[i] = this.lastUpdate[i]! >= this.update - 2 ? Math.min(255, this.streak[i]! + 1) : 1;
    this.lastUpdate[i] = this.update;
    this.lastChangeMs[i] = nowMs;
    return this.streak[i]!;
  }

  owesRefresh(i: number): boolean {
    return this.standIn[i] === 1;
  }

  wasJpeg(i: number): boolean {
    return this.jpeg[i] === 1;
  }

  /** Whether the viewers hold tile i, or part of it, at half size: owed a full-size send. */
  wasHalf(i: number): boolean {
    return this.half[i] === 1;
  }

  /**
   * Records what the viewers now hold for tile i: a stand-in JPEG, or the tile's own encoding
   * of all of it (`whole`; a rect trimmed to what changed leaves the rest as it was), whether
   * it went as a JPEG, and whether at half size.
   */
  sent(i: number, standIn: boolean, whole: boolean, jpeg = standIn, half = false): void {
    this.jpeg[i] = jpeg ? 1 : 0;
    // Half size anywhere in the tile stays until the whole tile is sent again.
    this.half[i] = half || (!whole && this.half[i] === 1) ? 1 : 0;
    const next = standIn ? 1 : whole ? 0 : this.standIn[i]!;
    this.standIns += next - this.standIn[i]!;
    this.standIn[i] = next;
  }

  /**
   * A move copies pixels, stand-ins included: each tile it writes takes on any debt of the
   * tiles it reads, and counts as changed for the refresh's quiet time (a picture still
   * panning is not refreshed).
   */
  moved(m: Move, nowMs: number): void {
    const { tile, cols, rows } = this.grid;
    const owes: number[] = [];
    for (let r = Math.floor(m.y / tile); r < Math.min(rows, Math.ceil((m.y + m.h) / tile)); r++) {
      for (let c = Math.floor(m.x / tile); c < Math.min(cols, Math.ceil((m.x + m.w) / tile)); c++) {
        // The part of this tile the move writes, shifted to where it was read.
        const t = tileRect(this.grid, c, r, c + 1, r + 1);
        const x0 = Math.max(t.x, m.x) + m.srcX - m.x;
        const x1 = Math.min(t.x + t.w, m.x + m.w) + m.srcX - m.x;
        const y0 = Math.max(t.y, m.y) + m.srcY - m.y;
        const y1 = Math.min(t.y + t.h, m.y + m.h) + m.srcY - m.y;
        let debt = false;
        let half = false;
        for (let sr = Math.floor(y0 / tile); sr < Math.ceil(y1 / tile); sr++) {
          for (let sc = Math.floor(x0 / tile); sc < Math.ceil(x1 / tile); sc++) {
            debt ||= this.standIn[sr * cols + sc] === 1;
            half ||= this.half[sr * cols + sc] === 1;
          }
        }
        if (debt) owes.push(r * cols + c, half ? 1 : 0);
        this.lastChangeMs[r * cols + c] = nowMs;
      }
    }
    // Marked after the scan: a move may read tiles it also writes. A tile only partly written
    // keeps its own half-size mark too.
    for (let k = 0; k < owes.length; k += 2) {
      const i = owes[k]!;
      this.sent(i, true, true, true, owes[k + 1] === 1 || this.half[i] === 1);
    }
  }

  /** Whether any tile is owed a lossless refresh. */
  get owesAny(): boolean {
    return this.standIns > 0;
  }

  /** Stand-in tiles that have not changed for `quietMs`, merged into rects (what a refresh re-sends). */
  quietStandIns(nowMs: number, quietMs: number): Rect[] {
    const due = new Uint8Array(this.standIn.length);
    let any = false;
    for (let i = 0; i < due.length; i++) {
      if (this.standIn[i] === 1 && nowMs - this.lastChangeMs[i]! >= quietMs) {
        due[i] = 1;
        any = true;
      }
    }
    return any ? mergeTiles(this.grid, due).map((m) => m.rect) : [];
  }
}
