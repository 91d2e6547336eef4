// Where the agent's time goes for one full-screen update of the bench's moving image,
// without X, relay or browser: the product's FrameEncoder on the painter's frames.
//   npx tsx bench/session/profile-encode.ts
// Not part of the bench's figures: it explains them (see the session bench's report).
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { deflateRawSync } from "node:zlib";
import { FrameEncoder } from "../../agent/encode/frame-encoder";
import { bgrxToRgba } from "../../agent/screen/pixels";
import { FrameWriter } from "../../agent/stream/frame-writer";
import { Encoding, isJpeg } from "../../protocol/stream";
import { median } from "../types";

const W = 1920;
const H = 1080;
const SPAN = 480;
const here = fileURLToPath(new URL(".", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "edgedesk-profile-encode-"));
try {
  const file = join(dir, "texture.bgrx");
  execFileSync(process.execPath, [join(here, "painter.mjs"), "--render", `${W}x${H}`, file]);
  const tex = readFileSync(file);
  const TW = W + SPAN;
  const frameBgrx = (k: number) => {
    const off = (k * 8) % SPAN;
    const out = Buffer.alloc(W * H * 4);
    for (let y = 0; y < H; y++) tex.copy(out, y * W * 4, (y * TW + off) * 4, (y * TW + off + W) * 4);
    return out;
  };

  const run = async (label: string, detectScroll: boolean) => {
    const enc = new FrameEncoder(W, H, { detectScroll });
    const rgba = new Uint8Array(W * H * 4);
    const t = { convert: [] as number[], encode: [] as number[], cpu: [] as number[], deflate: [] as number[], bytes: [] as number[], rects: [] as number[] };
    const full = { x: 0, y: 0, w: W, h: H };
    bgrxToRgba(frameBgrx(0), rgba, W * H);
    enc.put(full, { width: W, height: H, data: rgba });
    await enc.encode([full], true);
    const writer = new FrameWriter();
    for (let k = 1; k <= 12; k++) {
      const src = frameBgrx(k);
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      bgrxToRgba(src, rgba, W * H);
      const t1 = performance.now();
      enc.put(full, { width: W, height: H, data: rgba });
      const rects = await enc.encode([full], false);
      const parts = await writer.write({ seq: k, flags: 0, width: W, height: H, rects });
      const t2 = performance.now();
      const cpu = process.cpuUsage(cpu0);
      // What ws's permessage-deflate (negotiated with workerd) does to each message.
      const t3 = performance.now();
      for (const p of parts) deflateRawSync(p);
      t.deflate.push(performance.now() - t3);
      t.convert.push(t1 - t0);
      t.encode.push(t2 - t1);
      t.cpu.push((cpu.user + cpu.system) / 1000);
      t.bytes.push(parts.reduce((n, p) => n + p.byteLength, 0));
      t.rects.push(rects.filter((r) => isJpeg(r.encoding)).length);
    }
    console.log(
      `${label}: convert ${median(t.convert).toFixed(1)} ms + put/encode ${median(t.encode).toFixed(1)} ms wall, ${median(t.cpu).toFixed(0)} ms CPU (all threads); ` +
        `${(median(t.bytes) / 1024).toFixed(0)} KiB in ${median(t.rects)} JPEG rects; permessage-deflate of it ${median(t.deflate).toFixed(1)} ms`,
    );
  };
  await run("full-screen update, scroll detection on (the agent's default)", true);
  await run("full-screen update, scroll detection off", false);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
