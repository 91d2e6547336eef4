// The agent's JPEG and deflate addons against their fallbacks, call for call, in one process:
//   npx tsx bench/session/profile-addons.ts
// JPEG: libjpeg-turbo via agent/native/jpeg against sharp (with the packed-RGB copy sharp
// needs) on a photo-like 1920x1080 screen, for a panned picture's strip, a tile and a whole
// screen. Deflate: FrameWriter with agent/native/deflate against node:zlib, for small
// updates (a glyph's palette rect). CPU and wall time per call; two rounds, the first warms up.
// Not part of the bench's figures: it explains them (decision 34).
import sharp from "sharp";
import { encodeLossless } from "../../agent/encode/palette";
import { packRgb } from "../../agent/encode/pack-rgb";
import { loadJpegEncoder } from "../../agent/native/jpeg";
import { FrameWriter } from "../../agent/stream/frame-writer";
import { FrameFlags } from "../../protocol/stream";
import { photoImage } from "../../test/agent/helpers/images";

const [W, H] = [1920, 1080];
const encode = loadJpegEncoder();
if (!encode) throw new Error("the jpeg addon is not built (npm install builds it; see README)");
const screen = photoImage(W, H);
const screen32 = new Uint32Array(screen.buffer, screen.byteOffset, W * H);

async function time(label: string, n: number, run: () => unknown): Promise<void> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await run();
  const c = process.cpuUsage(c0);
  const wall = (performance.now() - t0) / n;
  console.log(`${label}: ${wall.toFixed(3)} ms wall, ${((c.user + c.system) / 1000 / n).toFixed(3)} ms CPU per call`);
}

for (const round of [1, 2]) {
  console.log(`round ${round}`);
  for (const r of [
    { x: 0, y: 100, w: 1920, h: 40 },
    { x: 64, y: 64, w: 256, h: 256 },
    { x: 0, y: 0, w: 1920, h: 1080 },
  ]) {
    const n = r.w * r.h > 1e6 ? 10 : 200;
    const viaAddon = () => encode(screen, W, r.x, r.y, r.w, r.h, false, 75);
    const viaSharp = () =>
      sharp(packRgb(screen32, W, r, false), { raw: { width: r.w, height: r.h, channels: 3 } })
        .jpeg({ quality: 75, chromaSubsampling: "4:2:0", optimiseCoding: false })
        .toBuffer();
    await time(`  JPEG ${r.w}x${r.h} addon (${viaAddon().byteLength} B)`, n, viaAddon);
    await time(`  JPEG ${r.w}x${r.h} sharp (${(await viaSharp()).byteLength} B)`, n, viaSharp);
  }
  const glyphs = new Uint32Array(200 * 100).map((_, i) => ((i * 7) % 5) * 0x111111);
  const rect = encodeLossless(glyphs, 200, { x: 3, y: 5, w: 24, h: 16 });
  for (const native of [true, false]) {
    const writer = new FrameWriter({ native });
    await writer.write({ seq: 0, flags: FrameFlags.full, width: 200, height: 100, rects: [rect] });
    let seq = 1;
    await time(`  deflate, small update, ${native ? "addon" : "node:zlib"}`, 3000, () =>
      writer.write({ seq: seq++, flags: 0, width: 200, height: 100, rects: [{ ...rect, x: seq % 150 }] }),
    );
    writer.close();
  }
}
