// Change detection for X servers without the DAMAGE extension: capture the screen on a
// timer, hash each 64-px tile and report the tiles whose hash changed. It costs a full
// capture per tick, so it only runs while someone is watching.
import type { Rect } from "../../protocol/stream";
import { mergeTiles, TILE, tileGrid, tileRect } from "../encode/damage";
import type { RgbaImage } from "./source";

export class TilePoller {
  private timer: NodeJS.Timeout | undefined;
  private hashes: Uint32Array | undefined;
  /** The screen size the hashes were taken at. */
  private hashedSize = "";
  private running = false;

  constructor(
    private readonly capture: () => Promise<RgbaImage>,
    private readonly emit: (rects: Rect[]) => void,
    private readonly intervalMs = 250,
    private readonly onError: (err: unknown) => void = () => {},
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.hashes = undefined;
    this.tick();
  }

  stop(): void {
    this.running = false;
    clearTimeout(this.timer);
  }

  private tick(): void {
    this.timer = setTimeout(() => {
      this.poll()
        .catch(this.onError)
        .finally(() => {
          if (this.running) this.tick();
        });
    }, this.intervalMs);
  }

  private async poll(): Promise<void> {
    const img = await this.capture();
    const g = tileGrid(img.width, img.height, TILE);
    const px = new Uint32Array(img.data.buffer, img.data.byteOffset, img.width * img.height);
    const next = new Uint32Array(g.cols * g.rows);
    // After a resize the old hashes belong to another grid: this poll is a new baseline.
    if (this.hashedSize !== `${img.width}x${img.height}`) this.hashes = undefined;
    this.hashedSize = `${img.width}x${img.height}`;
    const changed = new Uint8Array(g.cols * g.rows);
    let any = false;
    for (let r = 0; r < g.rows; r++) {
      for (let c = 0; c < g.cols; c++) {
        const t = tileRect(g, c, r, c + 1, r + 1);
        let h = 0x811c9dc5;
        for (let y = t.y; y < t.y + t.h; y++) {
          for (let i = y * img.width + t.x, end = i + t.w; i < end; i++) h = Math.imul(h ^ px[i]!, 0x01000193);
        }
        next[r * g.cols + c] = h >>> 0;
        if (this.hashes && this.hashes[r * g.cols + c] !== next[r * g.cols + c]) {
          changed[r * g.cols + c] = 1;
          any = true;
        }
      }
    }
    const baseline = this.hashes === undefined;
    this.hashes = next;
    // With no baseline (the first poll, or the first at a new size) the whole screen counts as
    // changed: what changed between a viewer's first capture and this poll would else be lost.
    // Listeners' encoders compare with what they sent, so unchanged pixels cost no bytes.
    if (baseline) this.emit([{ x: 0, y: 0, w: img.width, h: img.height }]);
    else if (any) this.emit(mergeTiles(g, changed).map((m) => m.rect));
  }
}
