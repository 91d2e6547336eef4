// The agent's jpeg addon (agent/native/jpeg): a rect of the encoder's 32-bit screen as a JPEG,
// with the machine's libjpeg-turbo. Built by npm's postinstall on Linux; decoded here by sharp.
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { halfSize, halveRect } from "../../agent/encode/halve";
import { packRgb } from "../../agent/encode/pack-rgb";
import { loadJpegEncoder } from "../../agent/native/jpeg";
import { psnr } from "./helpers/compose";
import { photoImage } from "./helpers/images";

/** RGBA pixels as the X server's BGRX (blue in the low byte). */
function toBgrx(rgba: Uint8Array): Uint8Array {
  const out = new Uint8Array(rgba.byteLength);
  for (let i = 0; i < rgba.byteLength; i += 4) {
    out[i] = rgba[i + 2]!;
    out[i + 1] = rgba[i + 1]!;
    out[i + 2] = rgba[i]!;
    out[i + 3] = 0;
  }
  return out;
}

/** Rect (x, y, w, h) of an RGBA image `stride` pixels wide. */
function crop(rgba: Uint8Array, stride: number, x: number, y: number, w: number, h: number): Uint8Array {
  const out = new Uint8Array(w * h * 4);
  for (let j = 0; j < h; j++) out.set(rgba.subarray(((y + j) * stride + x) * 4, ((y + j) * stride + x + w) * 4), j * w * 4);
  return out;
}

async function decode(jpeg: Uint8Array): Promise<{ width: number; height: number; rgba: Uint8Array }> {
  const { data, info } = await sharp(jpeg).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, rgba: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
}

describe.skipIf(process.platform !== "linux")("jpeg addon", () => {
  const [W, H] = [640, 360];
  const rgba = photoImage(W, H);

  it("is built, and encodes a rect in place: the rect's pixels, either byte order, at PSNR >= 35 dB", async () => {
    const encode = loadJpegEncoder();
    expect(encode).toBeTypeOf("function");
    const [x, y, w, h] = [100, 50, 300, 17]; // odd height and offset: rows read where they lie
    const want = crop(rgba, W, x, y, w, h);
    for (const [bgr, pixels] of [[false, rgba], [true, toBgrx(rgba)]] as const) {
      const jpeg = encode!(pixels, W, x, y, w, h, bgr, 75);
      expect([jpeg[0], jpeg[1]], "SOI marker").toEqual([0xff, 0xd8]);
      const got = await decode(jpeg);
      expect([got.width, got.height]).toEqual([w, h]);
      expect(psnr(got.rgba, want), `bgr ${bgr}`).toBeGreaterThanOrEqual(35);
    }
  });

  it("writes the JPEG sharp writes at the agent's settings, byte for byte (q75, 4:2:0, no Huffman optimisation)", async () => {
    const [x, y, w, h] = [10, 20, 300, 100];
    const rgb = new Uint8Array(w * h * 3);
    const rect = crop(rgba, W, x, y, w, h);
    for (let i = 0, o = 0; i < rect.byteLength; i += 4, o += 3) rgb.set(rect.subarray(i, i + 3), o);
    const viaSharp = await sharp(rgb, { raw: { width: w, height: h, channels: 3 } })
      .jpeg({ quality: 75, chromaSubsampling: "4:2:0", optimiseCoding: false })
      .toBuffer();
    expect(Buffer.compare(loadJpegEncoder()!(rgba, W, x, y, w, h, false, 75), viaSharp)).toBe(0);
  });

  it.each([
    { w: 300, h: 100, bgr: false },
    { w: 301, h: 17, bgr: true }, // odd sides: the last column and row repeat
  ])("halves a $w x $h rect as halveRect does: the JPEG sharp writes of the same pixels, byte for byte (bgr: $bgr)", async ({ w, h, bgr }) => {
    const [x, y] = [11, 21];
    const pixels = bgr ? toBgrx(rgba) : rgba;
    const size = halfSize({ w, h });
    const halved = new Uint32Array(size.w * size.h);
    halveRect(new Uint32Array(pixels.buffer, pixels.byteOffset, W * H), W, { x, y, w, h }, halved);
    const rgb = packRgb(halved, size.w, { x: 0, y: 0, ...size }, bgr);
    const viaSharp = await sharp(rgb, { raw: { width: size.w, height: size.h, channels: 3 } })
      .jpeg({ quality: 75, chromaSubsampling: "4:2:0", optimiseCoding: false })
      .toBuffer();
    const native = loadJpegEncoder()!(pixels, W, x, y, w, h, bgr, 75, true);
    expect(Buffer.compare(native, viaSharp)).toBe(0);
    // And the picture is the rect's, smaller: scaled back up it is close to the original.
    const got = await sharp(native).resize(w, h, { kernel: "linear", fit: "fill" }).ensureAlpha().raw().toBuffer();
    expect(psnr(new Uint8Array(got.buffer, got.byteOffset, got.byteLength), crop(rgba, W, x, y, w, h))).toBeGreaterThanOrEqual(22);
  });

  it("keeps the colours: a red square stays red in BGRX", async () => {
    const red = new Uint8Array(64 * 64 * 4);
    for (let i = 0; i < red.byteLength; i += 4) red[i + 2] = 255; // BGRX: red is the third byte
    const got = await decode(loadJpegEncoder()!(red, 64, 0, 0, 64, 64, true, 90));
    const [r, g, b] = got.rgba.subarray(32 * 64 * 4 + 32 * 4);
    expect(r).toBeGreaterThan(240);
    expect(g).toBeLessThan(15);
    expect(b).toBeLessThan(15);
  });

  it("answers the quality setting: fewer bytes at a lower quality", () => {
    const encode = loadJpegEncoder()!;
    expect(encode(rgba, W, 0, 0, W, H, false, 30).byteLength).toBeLessThan(encode(rgba, W, 0, 0, W, H, false, 90).byteLength);
  });

  it("grows its output past its first guess: noise at quality 100 comes out whole", async () => {
    // Grey noise: 4:2:0 halves the colour resolution, so coloured noise could not come back.
    const noise = new Uint8Array(256 * 256 * 4);
    for (let i = 0; i < noise.byteLength; i += 4) noise[i] = noise[i + 1] = noise[i + 2] = (i * 2654435761) >>> 24;
    const jpeg = loadJpegEncoder()!(noise, 256, 0, 0, 256, 256, false, 100);
    expect(jpeg.byteLength).toBeGreaterThan((256 * 256) / 4 + 4096); // beyond the first buffer
    const got = await decode(jpeg);
    expect([got.width, got.height]).toEqual([256, 256]);
    expect(psnr(got.rgba, noise)).toBeGreaterThanOrEqual(30);
  });

  it("refuses a rect outside the pixels, a bad quality or wrong arguments with an error, not a crash", () => {
    const encode = loadJpegEncoder()!;
    expect(() => encode(rgba, W, 0, H - 10, W, 11, false, 75)).toThrow(RangeError);
    expect(() => encode(rgba, W, W - 10, 0, 11, 10, false, 75)).toThrow(RangeError);
    expect(() => encode(rgba, W, -1, 0, 10, 10, false, 75)).toThrow(RangeError);
    expect(() => encode(rgba, W, 0, 0, 0, 10, false, 75)).toThrow(RangeError);
    expect(() => encode(rgba, W, 0, 0, 10, 10, false, 0)).toThrow(RangeError);
    expect(() => encode(rgba, W, 0, 0, 10, 10, false, 101)).toThrow(RangeError);
    // Sums that would wrap in 32 bits, and values a 32-bit read would wrap, are still outside.
    expect(() => encode(rgba, W, 2 ** 31 - 48, 0, 100, 1, false, 75)).toThrow(RangeError);
    expect(() => encode(rgba, W, 0, 2 ** 31 - 1, 10, 1, false, 75)).toThrow(RangeError);
    expect(() => encode(rgba, W, 2 ** 32, 0, 10, 10, false, 75)).toThrow(RangeError);
    expect(() => encode(rgba, W, 0.5, 0, 10, 10, false, 75)).toThrow(TypeError);
    expect(() => encode(new Uint16Array(10) as unknown as Uint8Array, W, 0, 0, 1, 1, false, 75)).toThrow(TypeError);
    expect(() => (encode as unknown as (...a: unknown[]) => unknown)(rgba, W)).toThrow(TypeError);
    expect(() => (encode as unknown as (...a: unknown[]) => unknown)(rgba, W, 0, 0, 10, 10, false, 75, "half")).toThrow(TypeError);
    expect(() => encode(rgba, W, 0, H - 10, W, 11, false, 75, true)).toThrow(RangeError);
    // Still working after all that.
    expect(encode(rgba, W, 0, 0, 8, 8, false, 75).byteLength).toBeGreaterThan(100);
  });

  it("turns off with EDGEDESK_AGENT_JPEG=sharp (the agent as without the addon)", () => {
    const before = process.env.EDGEDESK_AGENT_JPEG;
    process.env.EDGEDESK_AGENT_JPEG = "sharp";
    try {
      expect(loadJpegEncoder()).toBeUndefined();
    } finally {
      if (before === undefined) delete process.env.EDGEDESK_AGENT_JPEG;
      else process.env.EDGEDESK_AGENT_JPEG = before;
    }
    expect(loadJpegEncoder()).toBeTypeOf("function");
  });
});
