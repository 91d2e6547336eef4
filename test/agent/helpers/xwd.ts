// Reads `xwd -root` output (32-bit TrueColor only): an independent capture of the
// display to compare the agent's GetImage path with.
import { execFileSync } from "node:child_process";

export function xwdRoot(display: string): { width: number; height: number; data: Uint8Array } {
  const buf = execFileSync("xwd", ["-root", "-silent", "-display", display], { maxBuffer: 64 * 1024 * 1024 });
  const field = (i: number) => buf.readUInt32BE(i * 4);
  const headerSize = field(0);
  const width = field(4);
  const height = field(5);
  const byteOrder = field(7);
  const bitsPerPixel = field(11);
  const bytesPerLine = field(12);
  const redMask = field(14);
  const ncolors = field(19);
  if (bitsPerPixel !== 32 || redMask !== 0xff0000) throw new Error("xwdRoot handles 32-bit BGRX only");
  const start = headerSize + ncolors * 12;
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = start + y * bytesPerLine + x * 4;
      const v = byteOrder === 0 ? buf.readUInt32LE(p) : buf.readUInt32BE(p);
      const o = (y * width + x) * 4;
      data[o] = (v >>> 16) & 0xff;
      data[o + 1] = (v >>> 8) & 0xff;
      data[o + 2] = v & 0xff;
      data[o + 3] = 255;
    }
  }
  return { width, height, data };
}
