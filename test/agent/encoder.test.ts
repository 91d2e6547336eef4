// Encoder round trips: encode known images, decode with the protocol decoder and sharp,
// compose like a viewer, compare pixels.
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { FrameWriter } from "../../agent/stream/frame-writer";
import { Encoding, type FrameRect, FrameFlags, isJpeg, MAX_AGENT_MSG_BYTES, type Rect } from "../../protocol/stream";
import { type EncoderOptions, FrameEncoder } from "../../agent/encode/frame-encoder";
import { Canvas, firstDifference, psnr } from "./helpers/compose";
import { photoImage, posterImage, terminalImage, uiImage } from "./helpers/images";

const whole = (w: number, h: number): Rect => ({ x: 0, y: 0, w, h });

/** One writer per canvas: each canvas follows its own deflate stream. */
const writers = new WeakMap<Canvas, FrameWriter>();

async function roundTrip(canvas: Canvas, rects: FrameRect[], full: boolean, maxBytes = MAX_AGENT_MSG_BYTES) {
  if (!writers.has(canvas)) writers.set(canvas, new FrameWriter());
  const messages = await writers.get(canvas)!.write({ seq: 7, flags: full ? FrameFlags.full : 0, width: canvas.width, height: canvas.height, rects }, maxBytes);
  await canvas.applyMessages(messages);
  return messages;
}

type JpegRect = Extract<FrameRect, { data: Uint8Array }>;
/** The JPEG rects of an update, each with its picture's size. */
const jpegSizes = (rects: FrameRect[]) =>
  Promise.all(rects.filter((r): r is JpegRect => isJpeg(r.encoding)).map(async (r) => ({ r, ...(await sharp(r.data).metadata()) })));

/** The encodings of rects, a JPEG either way round counted as Jpeg. */
const kinds = (rects: FrameRect[]) => new Set(rects.map((r) => (isJpeg(r.encoding) ? Encoding.Jpeg : r.encoding)));

/** An encoder and the canvas of a viewer following it; show() puts a whole new screen, encodes it and draws the result. */
function screenStream(w: number, h: number, opts?: EncoderOptions) {
  const enc = new FrameEncoder(w, h, opts);
  const canvas = new Canvas(w, h);
  const show = async (img: Uint8Array, full = false) => {
    enc.put(whole(w, h), { width: w, height: h, data: img });
    const rects = await enc.encode([whole(w, h)], full);
    await roundTrip(canvas, rects, full);
    return rects;
  };
  return { enc, canvas, show };
}

describe("frame encoder", () => {
  it("sends UI content losslessly: palette and Fill, pixel exact", async () => {
    // Sizes that are not multiples of the tile size exercise the clipped edge tiles.
    const [w, h] = [1000, 700];
    const enc = new FrameEncoder(w, h);
    const img = uiImage(w, h);
    enc.put(whole(w, h), { width: w, height: h, data: img });
    const rects = await enc.encode([whole(w, h)], true);
    expect(kinds(rects)).toEqual(new Set([Encoding.Palette, Encoding.Fill]));
    const canvas = new Canvas(w, h);
    const messages = await roundTrip(canvas, rects, true);
    expect(messages).toHaveLength(1); // many rects, one message
    expect(rects.length).toBeGreaterThan(10);
    expect(firstDifference(canvas.data, img)).toBe(-1);
  });

  it("takes X11's BGRX layout natively and sends the same colours", async () => {
    const [w, h] = [640, 480];
    const ui = uiImage(w, h);
    const photo = photoImage(w, h);
    // Left half UI (palette, fills), right half photo (JPEG), then swapped to B, G, R, X.
    const rgba = ui.slice();
    for (let y = 0; y < h; y++) rgba.set(photo.subarray((y * w + w / 2) * 4, (y + 1) * w * 4), (y * w + w / 2) * 4);
    const bgrx = new Uint8Array(rgba.length);
    for (let i = 0; i < rgba.length; i += 4) bgrx.set([rgba[i + 2]!, rgba[i + 1]!, rgba[i]!, 0], i);
    const enc = new FrameEncoder(w, h, { pixelFormat: "bgrx" });
    enc.put(whole(w, h), { width: w, height: h, data: bgrx });
    const rects = await enc.encode([whole(w, h)], true);
    expect(kinds(rects)).toEqual(new Set([Encoding.Palette, Encoding.Fill, Encoding.Jpeg]));
    const canvas = new Canvas(w, h);
    await roundTrip(canvas, rects, true);
    const left = (img: Uint8Array) => {
      const out = new Uint8Array((w / 2) * h * 4);
      for (let y = 0; y < h; y++) out.set(img.subarray(y * w * 4, (y * w + w / 2) * 4), (y * w) / 2 * 4);
      return out;
    };
    expect(firstDifference(left(canvas.data), left(rgba))).toBe(-1);
    expect(psnr(canvas.data, rgba)).toBeGreaterThanOrEqual(30);
    // Thumbnails get RGBA with alpha 255 whatever the layout.
    expect(firstDifference(enc.screenRgba(), rgba)).toBe(-1);
    expect(enc.screenRgba()[3]).toBe(255);
  });

  it("sends photographic content as JPEG at PSNR >= 30 dB", async () => {
    const [w, h] = [640, 480];
    const enc = new FrameEncoder(w, h);
    const img = photoImage(w, h);
    enc.put(whole(w, h), { width: w, height: h, data: img });
    const rects = await enc.encode([whole(w, h)], true);
    expect(kinds(rects)).toEqual(new Set([Encoding.Jpeg]));
    const canvas = new Canvas(w, h);
    await roundTrip(canvas, rects, true);
    expect(psnr(canvas.data, img)).toBeGreaterThanOrEqual(30);
  });

  it("keeps JPEG rects within 1024 wide and 1024x512's area, lossless ones within 512x256, so one always fits a message", async () => {
    const [w, h] = [1920, 1080];
    const enc = new FrameEncoder(w, h);
    enc.put(whole(w, h), { width: w, height: h, data: photoImage(w, h) });
    const rects = await enc.encode([whole(w, h)], true);
    for (const r of rects) {
      if (isJpeg(r.encoding)) expect(r.w <= 1024 && r.w * r.h <= 1024 * 512, `${r.w}x${r.h}`).toBe(true);
      else expect(r.w <= 512 && r.h <= 256, `${r.encoding} ${r.w}x${r.h}`).toBe(true);
    }
    // A full-screen photo is a handful of JPEGs, not one per 512x256.
    expect(rects.filter((r) => isJpeg(r.encoding)).length).toBeLessThanOrEqual(8);
    // A tight message cap forces a split: every part decodes and the result is the same.
    const largest = Math.max(...rects.map((r) => ("data" in r ? r.data.byteLength : 0)));
    const cap = largest + 4096;
    const split = new Canvas(w, h);
    const messages = await roundTrip(split, rects, true, cap);
    expect(messages.length).toBeGreaterThan(1);
    for (const m of messages) expect(m.byteLength).toBeLessThanOrEqual(cap);
    const single = new Canvas(w, h);
    expect(await roundTrip(single, rects, true)).toHaveLength(1);
    expect(firstDifference(split.data, single.data)).toBe(-1);
  });

  // With the jpeg addon (libjpeg-turbo) the strip goes as it is; without it, through sharp,
  // transposed: libvips encodes a strip that tall and narrow for half the CPU as 1080x8.
  it.each([
    { nativeJpeg: true, encoding: Encoding.Jpeg },
    { nativeJpeg: false, encoding: Encoding.JpegTransposed },
  ])("sends the strip a panned photo uncovers as one tall JPEG next to the Copy (addon: $nativeJpeg)", async ({ nativeJpeg, encoding }) => {
    const [w, h] = [1920, 1080];
    const wide = photoImage(w + 8, h);
    const crop = (dx: number) => {
      const out = new Uint8Array(w * h * 4);
      for (let y = 0; y < h; y++) out.set(wide.subarray((y * (w + 8) + dx) * 4, (y * (w + 8) + dx + w) * 4), y * w * 4);
      return out;
    };
    const enc = new FrameEncoder(w, h, { nativeJpeg });
    const canvas = new Canvas(w, h);
    enc.put(whole(w, h), { width: w, height: h, data: crop(0) });
    await roundTrip(canvas, await enc.encode([whole(w, h)], true), true);
    const panned = crop(8);
    enc.put(whole(w, h), { width: w, height: h, data: panned });
    const rects = await enc.encode([whole(w, h)]);
    expect(rects.filter((r) => r.encoding === Encoding.Copy).map(({ x, y, w, h }) => ({ x, y, w, h }))).toEqual([{ x: 0, y: 0, w: w - 8, h }]);
    // Seventeen photographic tiles in the last column, one JPEG call (each call has a fixed cost).
    expect(rects.filter((r) => isJpeg(r.encoding)).map(({ encoding, x, y, w, h }) => ({ encoding, x, y, w, h }))).toEqual([{ encoding, x: w - 8, y: 0, w: 8, h }]);
    await roundTrip(canvas, rects, false);
    expect(psnr(canvas.data, panned)).toBeGreaterThanOrEqual(30);
  });

  it.each([true, false])("sends a photo's JPEGs at PSNR >= 30 dB in the X server's BGRX too (addon: %s)", async (nativeJpeg) => {
    const [w, h] = [640, 480];
    const img = photoImage(w, h);
    const bgrx = new Uint8Array(img.byteLength);
    for (let i = 0; i < img.byteLength; i += 4) [bgrx[i], bgrx[i + 1], bgrx[i + 2]] = [img[i + 2]!, img[i + 1]!, img[i]!];
    const enc = new FrameEncoder(w, h, { nativeJpeg, pixelFormat: "bgrx" });
    enc.put(whole(w, h), { width: w, height: h, data: bgrx });
    const rects = await enc.encode([whole(w, h)], true);
    expect(kinds(rects)).toEqual(new Set([Encoding.Jpeg]));
    const canvas = new Canvas(w, h);
    await roundTrip(canvas, rects, true);
    expect(psnr(canvas.data, img)).toBeGreaterThanOrEqual(30);
  });

  it("sends a few-colour picture that changes in every update as JPEG from the third, and losslessly once it holds still", async () => {
    const [w, h] = [640, 384];
    // Full-size stand-ins (the Best level); half-size ones are the next test's.
    const enc = new FrameEncoder(w, h, { halveMoving: false });
    const canvas = new Canvas(w, h);
    const jpegs: number[] = [];
    for (let k = 0; k <= 5; k++) {
      const img = posterImage(w, h, k);
      enc.put(whole(w, h), { width: w, height: h, data: img });
      const rects = await enc.encode([whole(w, h)], k === 0);
      jpegs.push(rects.filter((r) => isJpeg(r.encoding)).length);
      await roundTrip(canvas, rects, k === 0);
      expect(psnr(canvas.data, img)).toBeGreaterThanOrEqual(30);
    }
    // The key frame and the next two updates: palettes, exact. From the third change on: a few big JPEGs.
    expect(jpegs.slice(0, 3)).toEqual([0, 0, 0]);
    for (const n of jpegs.slice(3)) expect(n).toBeGreaterThan(0);
    expect(enc.owesRefresh).toBe(true);
    // Nothing has held still yet for the refresh's quiet time; with none asked, all of it is due.
    expect(enc.refreshRegions(60_000)).toEqual([]);
    const due = enc.refreshRegions(0);
    expect(due.length).toBeGreaterThan(0);
    const refresh = await enc.encode(due);
    expect(refresh.some((r) => isJpeg(r.encoding))).toBe(false);
    await roundTrip(canvas, refresh, false);
    expect(firstDifference(canvas.data, posterImage(w, h, 5))).toBe(-1);
    expect(enc.owesRefresh).toBe(false);
  });

  it.each([true, false])("sends a picture in motion at half size each way, and whole once it holds still (addon: %s)", async (nativeJpeg) => {
    const [w, h] = [640, 384];
    const half = screenStream(w, h, { detectScroll: false, nativeJpeg });
    const whole_ = screenStream(w, h, { detectScroll: false, halveMoving: false, nativeJpeg });
    let [halfBytes, wholeBytes] = [0, 0];
    for (let k = 0; k <= 5; k++) {
      const img = posterImage(w, h, k);
      const rects = await half.show(img, k === 0);
      const full = await whole_.show(img, k === 0);
      if (k < 3) {
        // No motion yet (the key frame and two changes): both send it the same, exactly.
        expect(firstDifference(half.canvas.data, img)).toBe(-1);
        continue;
      }
      const jpegs = await jpegSizes(rects);
      expect(jpegs.length).toBeGreaterThan(0);
      // Each JPEG's picture is its rect at half size (rounded up), which the viewer scales up;
      // a box under a tile's area goes whole (what halving would save there is nothing).
      for (const { r, width, height } of jpegs) {
        expect([width, height]).toEqual(r.w * r.h >= 64 * 64 ? [(r.w + 1) >> 1, (r.h + 1) >> 1] : [r.w, r.h]);
      }
      expect(jpegs.some(({ r, width }) => width === (r.w + 1) >> 1 && r.w > 1)).toBe(true);
      halfBytes += jpegs.reduce((n, j) => n + j.r.data.byteLength, 0);
      wholeBytes += (await jpegSizes(full)).reduce((n, j) => n + j.r.data.byteLength, 0);
      // Softer than the full-size stand-in (~29 dB here), still the same picture.
      expect(psnr(half.canvas.data, img)).toBeGreaterThanOrEqual(24);
    }
    expect(halfBytes).toBeLessThan(wholeBytes * 0.6);
    // Once it holds still it is sent again: the poster losslessly, exact.
    const refresh = await half.enc.encode(half.enc.refreshRegions(0));
    await roundTrip(half.canvas, refresh, false);
    expect(firstDifference(half.canvas.data, posterImage(w, h, 5))).toBe(-1);
    expect(half.enc.owesRefresh).toBe(false);
  });

  it("sends glyphs typed in an antialiased font losslessly, however fast they come", async () => {
    // White page; each update types one 8x12 "glyph" of up to ~60 greys into the same tile,
    // as an antialiased font does (a tile of such text has far more than 32 colours).
    const [w, h] = [320, 128];
    const { canvas, show } = screenStream(w, h);
    const img = new Uint8Array(w * h * 4).fill(255);
    await show(img.slice(), true);
    for (let k = 0; k < 7; k++) {
      for (let y = 0; y < 12; y++) {
        for (let x = 0; x < 8; x++) {
          const grey = 255 - ((x * 37 + y * 23 + k * 11) % 60) * 4;
          img.set([grey, grey, grey, 255], ((20 + y) * w + 10 + k * 8 + x) * 4);
        }
      }
      const rects = await show(img.slice());
      expect(rects.some((r) => isJpeg(r.encoding)), `keystroke ${k + 1}`).toBe(false);
      expect(firstDifference(canvas.data, img), `keystroke ${k + 1}`).toBe(-1);
    }
  });

  it("keeps a small box that changes in every update at full size (a glyph typed in an antialiased font stays readable)", async () => {
    const [w, h] = [320, 192];
    const { canvas, show } = screenStream(w, h);
    const base = uiImage(w, h);
    await show(base, true);
    let jpegs = 0;
    for (let k = 1; k <= 6; k++) {
      // A 40x20 many-coloured box at the same place, new in every update.
      const img = base.slice();
      const patch = photoImage(40, 20, k * 7);
      for (let y = 0; y < 20; y++) img.set(patch.subarray(y * 40 * 4, (y + 1) * 40 * 4), ((70 + y) * w + 70) * 4);
      const rects = await show(img);
      for (const { r, width, height } of await jpegSizes(rects)) {
        jpegs++;
        expect([width, height], `update ${k}`).toEqual([r.w, r.h]);
      }
      expect(psnr(canvas.data, img)).toBeGreaterThanOrEqual(30);
    }
    expect(jpegs).toBeGreaterThan(0);
  });

  it("sends a photo that stops moving again at full size after half-size stand-ins, and nothing after full-size ones", async () => {
    const [w, h] = [640, 384];
    for (const halveMoving of [true, false]) {
      const { enc, canvas, show } = screenStream(w, h, { detectScroll: false, halveMoving });
      await show(uiImage(w, h), true);
      for (let k = 1; k <= 5; k++) await show(photoImage(w, h, k * 11));
      const settle = await enc.encode(enc.refreshRegions(0));
      if (halveMoving) {
        // Its JPEG's own encoding, now at full size: as sharp as a photo ever is.
        const jpegs = await jpegSizes(settle);
        expect(jpegs.length).toBeGreaterThan(0);
        expect(jpegs.length).toBe(settle.length);
        for (const { r, width, height } of jpegs) expect([width, height]).toEqual(r.encoding === Encoding.JpegTransposed ? [r.h, r.w] : [r.w, r.h]);
        await roundTrip(canvas, settle, false);
        expect(psnr(canvas.data, photoImage(w, h, 55))).toBeGreaterThanOrEqual(30);
      } else {
        // The JPEG the viewers have is what it would get: nothing to send.
        expect(settle).toEqual([]);
      }
      expect(enc.owesRefresh).toBe(false);
      expect(await enc.encode(enc.refreshRegions(0))).toEqual([]);
    }
  });

  it("keeps a moving picture JPEG without re-counting colours, and settles it when it stops", async () => {
    const [w, h] = [640, 384];
    const { enc, canvas, show } = screenStream(w, h, { detectScroll: false, halveMoving: false });
    await show(uiImage(w, h), true);
    for (let k = 1; k <= 5; k++) await show(photoImage(w, h, k * 11));
    // A photo that stops moving owes nothing: the refresh finds JPEG is its encoding and sends nothing.
    const settle = await enc.encode(enc.refreshRegions(0));
    expect(settle).toEqual([]);
    expect(enc.owesRefresh).toBe(false);
    for (let k = 6; k <= 9; k++) await show(photoImage(w, h, k * 11));
    // Mid-stream the picture gives way to UI: still a JPEG while the streak lasts (no colour
    // count for tiles in motion), then exact once it holds still.
    const switched = await show(uiImage(w, h));
    expect(switched.some((r) => isJpeg(r.encoding))).toBe(true);
    expect(enc.owesRefresh).toBe(true);
    const refresh = await enc.encode(enc.refreshRegions(0));
    expect(refresh.some((r) => isJpeg(r.encoding))).toBe(false);
    await roundTrip(canvas, refresh, false);
    expect(firstDifference(canvas.data, uiImage(w, h))).toBe(-1);
    expect(enc.owesRefresh).toBe(false);
  });

  it("finds a scroll right after a stretch of video", async () => {
    const [w, h] = [640, 390];
    const { enc, canvas, show } = screenStream(w, h);
    await show(photoImage(w, h, 0), true);
    // Video: every update changes everything and nothing moved.
    for (let k = 1; k <= 4; k++) expect((await show(photoImage(w, h, k * 13))).some((r) => r.encoding === Encoding.Copy)).toBe(false);
    await show(terminalImage(w, h, 0));
    // Text scrolled by three lines: one Copy and the new lines.
    const scrolled = terminalImage(w, h, 3);
    const rects = await show(scrolled);
    expect(rects.filter((r) => r.encoding === Encoding.Copy)).toHaveLength(1);
    // The text replaced the video in one update, so it went as a JPEG stand-in; once still it is exact.
    await roundTrip(canvas, await enc.encode(enc.refreshRegions(0)), false);
    expect(firstDifference(canvas.data, scrolled)).toBe(-1);
  });

  it.each([false, true])("over video looks for near moves once in 4 only, and still finds a picture panned diagonally within 4 updates, then in every one (a small update between each: %s)", async (between) => {
    const [w, h] = [640, 384];
    const stream = screenStream(w, h);
    const { enc } = stream;
    // Optionally a cursor's blink between any two updates: an update that searches for no move.
    let blink = 0;
    const show = async (img: Uint8Array, full = false) => {
      const rects = await stream.show(img, full);
      if (between && !full) {
        const dot = new Uint8Array(8 * 8 * 4).fill(blink++ % 2 ? 255 : 0);
        enc.put({ x: 0, y: 0, w: 8, h: 8 }, { width: 8, height: 8, data: dot });
        await enc.encode([{ x: 0, y: 0, w: 8, h: 8 }]);
      }
      return rects;
    };
    await show(photoImage(w, h, 0), true);
    // Video: after three fruitless looks the near search looks every 4th update only.
    const before = enc.nearSearches;
    for (let k = 1; k <= 12; k++) expect((await show(photoImage(w, h, k * 13))).some((r) => r.encoding === Encoding.Copy)).toBe(false);
    expect(enc.owesRefresh).toBe(true);
    expect(enc.nearSearches - before).toBeLessThanOrEqual(3 + 3);
    // Then a picture panned 5 px right and 3 down per update (a near move: the 2-D search's).
    const big = uiImage(w + 80, h + 50, 4);
    const view = (k: number) => {
      const out = new Uint8Array(w * h * 4);
      for (let y = 0; y < h; y++) out.set(big.subarray(((y + 50 - 3 * k) * (w + 80) + 80 - 5 * k) * 4, ((y + 50 - 3 * k) * (w + 80) + 80 - 5 * k + w) * 4), y * w * 4);
      return out;
    };
    await show(view(0));
    const copies: boolean[] = [];
    for (let k = 1; k <= 10; k++) copies.push((await show(view(k))).some((r) => r.encoding === Encoding.Copy && r.srcX - r.x === -5 && r.srcY - r.y === -3));
    const first = copies.indexOf(true);
    expect(first).toBeGreaterThanOrEqual(0);
    expect(first).toBeLessThan(4);
    expect(copies.slice(first)).toEqual(new Array(10 - first).fill(true));
  });

  it("keeps text that changes in every update lossless", async () => {
    const [w, h] = [640, 384];
    const enc = new FrameEncoder(w, h, { detectScroll: false });
    const canvas = new Canvas(w, h);
    for (let k = 0; k <= 5; k++) {
      const img = terminalImage(w, h, k * 3);
      enc.put(whole(w, h), { width: w, height: h, data: img });
      const rects = await enc.encode([whole(w, h)], k === 0);
      expect(rects.some((r) => isJpeg(r.encoding))).toBe(false);
      await roundTrip(canvas, rects, k === 0);
      expect(firstDifference(canvas.data, img)).toBe(-1);
    }
    expect(enc.owesRefresh).toBe(false);
  });

  it("encodes only what changed, and nothing for damage without change", async () => {
    const [w, h] = [640, 480];
    const enc = new FrameEncoder(w, h);
    const img = uiImage(w, h);
    enc.put(whole(w, h), { width: w, height: h, data: img });
    const canvas = new Canvas(w, h);
    await roundTrip(canvas, await enc.encode([whole(w, h)], true), true);

    // Damage reported over everything, but no pixel changed: an empty update.
    enc.put(whole(w, h), { width: w, height: h, data: img });
    expect(await enc.encode([whole(w, h)])).toEqual([]);

    // Change a 10x10 square at 130,70: one rect, shrunk from its tile to the changed box.
    const changed = img.slice();
    for (let y = 70; y < 80; y++) for (let x = 130; x < 140; x++) changed.set([255, 0, 255, 255], (y * w + x) * 4);
    enc.put(whole(w, h), { width: w, height: h, data: changed });
    const rects = await enc.encode([{ x: 128, y: 64, w: 64, h: 64 }]);
    expect(rects).toHaveLength(1);
    expect(rects[0]).toMatchObject({ x: 130, y: 70, w: 10, h: 10 });
    await roundTrip(canvas, rects, false);
    expect(firstDifference(canvas.data, changed)).toBe(-1);
  });

  it("sends a solid area as Fill rects of a few bytes", async () => {
    const [w, h] = [512, 512];
    const enc = new FrameEncoder(w, h);
    const img = new Uint8Array(w * h * 4);
    for (let i = 0; i < w * h; i++) img.set([12, 34, 56, 255], i * 4);
    enc.put(whole(w, h), { width: w, height: h, data: img });
    const rects = await enc.encode([whole(w, h)], true);
    expect(kinds(rects)).toEqual(new Set([Encoding.Fill]));
    expect(rects[0]).toMatchObject({ r: 12, g: 34, b: 56 });
    const canvas = new Canvas(w, h);
    const [message] = await roundTrip(canvas, rects, true);
    expect(message!.byteLength).toBeLessThan(200);
    expect(firstDifference(canvas.data, img)).toBe(-1);
  });
});
