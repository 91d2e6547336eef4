// The wire format of Frame messages: the agent's writer (Node zlib) against the viewer's
// reader (fflate, the same code the web app runs), palettes of every index width, the
// stream's shared dictionary, late joiners and malformed input.
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { encodeLossless } from "../../agent/encode/palette";
import { FrameWriter } from "../../agent/stream/frame-writer";
import { FrameReader, unpackPixels } from "../../protocol/frame-codec";
import { AgentMsg, Encoding, type Frame, FrameFlags, type FrameRect, MAX_SCREEN_PIXELS, ProtocolError, type Rect } from "../../protocol/stream";

/** A w x h screen (u32 RGBA) of `colours` distinct colours in a noisy pattern. */
function screen(w: number, h: number, colours: number, seed = 7): Uint32Array {
  const px = new Uint32Array(w * h);
  let s = seed;
  for (let i = 0; i < px.length; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    const c = (s >>> 8) % colours;
    px[i] = (0xff000000 | (c * 2654435761) & 0xffffff) >>> 0;
  }
  return px;
}

function pixelsOf(r: FrameRect): Uint32Array {
  if (r.encoding !== Encoding.Palette && r.encoding !== Encoding.Raw) throw new Error(`not lossless: ${r.encoding}`);
  const out = new Uint32Array(r.w * r.h);
  unpackPixels(r, out);
  return out;
}

function crop(px: Uint32Array, stride: number, r: Rect): Uint32Array {
  const out = new Uint32Array(r.w * r.h);
  for (let y = 0; y < r.h; y++) out.set(px.subarray((r.y + y) * stride + r.x, (r.y + y) * stride + r.x + r.w), y * r.w);
  return out;
}

/** A one-rect update whose fill colour's red is its seq, so a test can tell updates apart. */
function writeFill(writer: FrameWriter, seq: number, full: boolean): Promise<Uint8Array[]> {
  return writer.write(frame(seq, [{ encoding: Encoding.Fill, x: 0, y: 0, w: 10, h: 10, r: seq, g: 0, b: 0 }], full));
}

const frame = (seq: number, rects: FrameRect[], full = false, width = 200, height = 100): Frame => ({
  seq,
  flags: full ? FrameFlags.full : 0,
  width,
  height,
  rects,
});

// Each case runs with the deflate addon (agent/native/deflate) and with node:zlib, its fallback:
// the viewer must read both streams alike.
describe.each([true, false])("frame codec (deflate addon: %s)", (native) => {
  it("round-trips palettes of 1, 2, 4 and 8 bits per pixel and raw RGB exactly, at odd widths", async () => {
    const writer = new FrameWriter({ native });
    const reader = new FrameReader();
    const W = 200;
    for (const [colours, encoding] of [
      [2, Encoding.Palette],
      [3, Encoding.Palette],
      [16, Encoding.Palette],
      [200, Encoding.Palette],
      [300, Encoding.Raw],
    ] as const) {
      const px = screen(W, 100, colours, colours);
      const r = { x: 3, y: 5, w: 77, h: 31 };
      const rect = encodeLossless(px, W, r);
      expect(rect.encoding).toBe(encoding);
      if (rect.encoding === Encoding.Palette) expect(rect.palette.byteLength / 3).toBe(Math.min(colours, 256));
      const [message] = await writer.write(frame(colours, [rect], colours === 2));
      const got = reader.read(message!)!;
      expect(got.seq).toBe(colours);
      expect(got.rects).toHaveLength(1);
      expect(got.rects[0]).toMatchObject({ encoding, ...r });
      expect(pixelsOf(got.rects[0]!)).toEqual(crop(px, W, r));
    }
    writer.close();
  });

  it("makes a repeated change cheap: later messages reuse the stream's dictionary", async () => {
    const writer = new FrameWriter({ native });
    const reader = new FrameReader();
    const px = screen(200, 100, 2, 42);
    const glyph = encodeLossless(px, 200, { x: 10, y: 10, w: 12, h: 13 });
    await writer.write(frame(1, [{ encoding: Encoding.Fill, x: 0, y: 0, w: 200, h: 100, r: 255, g: 255, b: 255 }], true)).then(([m]) => reader.read(m!));
    const sizes: number[] = [];
    for (let i = 0; i < 3; i++) {
      const [m] = await writer.write(frame(2 + i, [{ ...glyph, x: 10 + 12 * i } as FrameRect]));
      sizes.push(m!.byteLength);
      expect(pixelsOf(reader.read(m!)!.rects[0]!)).toEqual(crop(px, 200, { x: 10, y: 10, w: 12, h: 13 }));
    }
    // The first time the glyph's bits are literals; after that they are a back-reference.
    expect(sizes[1]!).toBeLessThan(sizes[0]!);
    expect(sizes[2]!).toBeLessThanOrEqual(30);
    writer.close();
  });

  it("decodes back-references into earlier messages exactly, across small and window-sized updates", async () => {
    // Each message is inflated on its own with the last 32 KiB of output as its dictionary:
    // updates below and above that size, and repeats of content several messages old, must
    // all come out exactly (a wrong window shows as wrong pixels, not as an error).
    const writer = new FrameWriter({ native });
    const reader = new FrameReader();
    const W = 200;
    const shapes: Rect[] = [
      { x: 0, y: 0, w: 7, h: 9 }, // ~40 B of section
      { x: 5, y: 3, w: 150, h: 90 }, // raw: ~40 KiB, more than the window
      { x: 11, y: 20, w: 40, h: 30 },
      { x: 2, y: 2, w: 64, h: 64 },
    ];
    for (let i = 0; i < 24; i++) {
      // The big rect in raw RGB (~40 KiB of section), the others as palettes.
      const colours = [2, 300, 16, 200][i % 4]!;
      // Every third update repeats the picture of three updates before: back-references.
      const px = screen(W, 100, colours, i % 3 === 2 ? i - 3 : i);
      const r = shapes[i % shapes.length]!;
      const messages = await writer.write(frame(i, [encodeLossless(px, W, r)], i === 0));
      for (const [k, m] of messages.entries()) {
        const got = reader.read(m)!;
        if (k < messages.length - 1) continue;
        expect(pixelsOf(got.rects[0]!)).toEqual(crop(px, W, r));
      }
    }
    writer.close();
  });

  it("lets a viewer that joined mid-stream wait for the next key frame", async () => {
    const writer = new FrameWriter({ native });
    const early = new FrameReader();
    const fill = (seq: number, full: boolean) => writeFill(writer, seq, full);
    early.read((await fill(1, true))[0]!);
    const second = (await fill(2, false))[0]!;
    expect(early.read(second)!.seq).toBe(2);
    const late = new FrameReader();
    expect(late.read(second)).toBeNull();
    expect(late.synced).toBe(false);
    const key = (await fill(3, true))[0]!;
    expect(key[1]! & FrameFlags.reset).toBeTruthy();
    expect(late.read(key)).toMatchObject({ seq: 3, rects: [{ r: 3 }] });
    expect(early.read(key)).toMatchObject({ seq: 3, rects: [{ r: 3 }] });
    writer.close();
  });

  it("starts over at the next key frame after an unreadable message (resync)", async () => {
    const writer = new FrameWriter({ native });
    const reader = new FrameReader();
    const fill = (seq: number, full: boolean) => writeFill(writer, seq, full);
    reader.read((await fill(1, true))[0]!);
    const damaged = (await fill(2, false))[0]!.slice();
    const last = damaged.byteLength - 1;
    damaged[last] = damaged[last]! ^ 0xff; // a flipped byte inside the deflate chunk
    expect(() => reader.read(damaged)).toThrow(ProtocolError);
    reader.resync();
    // Frames of the broken stream are ignored; the next key frame is read again.
    expect(reader.read((await fill(3, false))[0]!)).toBeNull();
    expect(reader.read((await fill(4, true))[0]!)).toMatchObject({ seq: 4, rects: [{ r: 4 }] });
    expect(reader.read((await fill(5, false))[0]!)).toMatchObject({ seq: 5, rects: [{ r: 5 }] });
    writer.close();
  });

  it("splits an update over the message cap; every part decodes in order", async () => {
    const writer = new FrameWriter({ native });
    const reader = new FrameReader();
    const W = 600;
    const px = screen(W, 400, 300, 3);
    const rects = [0, 100, 200, 300].map((y) => encodeLossless(px, W, { x: 0, y, w: W, h: 100 }));
    const messages = await writer.write(frame(9, rects, true, W, 400), 200_000);
    expect(messages.length).toBeGreaterThan(1);
    const decoded = messages.map((m) => reader.read(m)!);
    decoded.forEach((f, i) => {
      expect(messages[i]!.byteLength).toBeLessThanOrEqual(200_000);
      expect(f.seq).toBe(9);
      expect((f.flags & FrameFlags.final) !== 0).toBe(i === messages.length - 1);
    });
    const all = decoded.flatMap((f) => f.rects);
    expect(all).toHaveLength(4);
    all.forEach((r, i) => expect(pixelsOf(r)).toEqual(crop(px, W, { x: 0, y: 100 * i, w: W, h: 100 })));
    writer.close();
  });

  it("refuses malformed messages with a ProtocolError", async () => {
    const writer = new FrameWriter({ native });
    const jpeg = { encoding: Encoding.Jpeg, x: 0, y: 0, w: 8, h: 8, data: new Uint8Array([1, 2, 3, 4]) } as const;
    const [good] = await writer.write(frame(1, [jpeg], true));
    const bad: Uint8Array[] = [
      new Uint8Array([AgentMsg.Frame]),
      new Uint8Array([AgentMsg.Pong, FrameFlags.reset, 0]),
      good!.subarray(0, good!.byteLength - 1), // image bytes cut short
      Uint8Array.from([...good!, 9]), // trailing bytes
      Uint8Array.from([AgentMsg.Frame, FrameFlags.reset | FrameFlags.final, 4, 0xde, 0xad, 0xbe, 0xef]), // not deflate
      Uint8Array.from([AgentMsg.Frame, FrameFlags.reset, 0xff, 0xff, 0xff, 0xff]), // length varint runs on
    ];
    for (const m of bad) expect(() => new FrameReader().read(m), `message ${Array.from(m.subarray(0, 8))}`).toThrow(ProtocolError);
    // A rect outside the screen it declares.
    const [outside] = await new FrameWriter({ native }).write(frame(1, [{ encoding: Encoding.Fill, x: 190, y: 0, w: 20, h: 10, r: 0, g: 0, b: 0 }], true));
    expect(() => new FrameReader().read(outside!)).toThrow(/outside the screen/);
    writer.close();
  });

  it("takes an image at its rect's size or smaller (transposed: turned), and refuses a larger one before anyone decodes it", async () => {
    // WebP's three headers: VP8 (lossy), VP8L (lossless), VP8X (with alpha).
    const img = async (w: number, h: number, format: "jpeg" | "png" | "webp" | "webp-lossless" | "webp-alpha") => {
      const s = sharp({ create: { width: w, height: h, channels: format === "webp-alpha" ? 4 : 3, background: { r: 200, g: 10, b: 10, alpha: 0.5 } } });
      const encoded = format === "jpeg" ? s.jpeg() : format === "png" ? s.png() : s.webp({ lossless: format === "webp-lossless" });
      return new Uint8Array(await encoded.toBuffer());
    };
    const read = async (rect: FrameRect) => {
      const [m] = await new FrameWriter({ native }).write(frame(1, [rect], true));
      return new FrameReader().read(m!);
    };
    const at = { x: 0, y: 0, w: 40, h: 20 };
    // What the agent sends: full size, half size (a picture in motion), transposed (h x w).
    expect(await read({ ...at, encoding: Encoding.Jpeg, data: await img(40, 20, "jpeg") })).not.toBeNull();
    expect(await read({ ...at, encoding: Encoding.Jpeg, data: await img(20, 10, "jpeg") })).not.toBeNull();
    expect(await read({ ...at, encoding: Encoding.JpegTransposed, data: await img(20, 40, "jpeg") })).not.toBeNull();
    expect(await read({ ...at, encoding: Encoding.Png, data: await img(40, 20, "png") })).not.toBeNull();
    for (const webp of ["webp", "webp-lossless", "webp-alpha"] as const) {
      expect(await read({ ...at, encoding: Encoding.Webp, data: await img(40, 20, webp) }), webp).not.toBeNull();
      await expect(read({ ...at, encoding: Encoding.Webp, data: await img(40, 21, webp) }), webp).rejects.toThrow(/larger than its rect/);
    }
    // Larger than the rect, turned the wrong way, or no image at all.
    for (const rect of [
      { ...at, encoding: Encoding.Jpeg, data: await img(41, 20, "jpeg") },
      { ...at, encoding: Encoding.Jpeg, data: await img(20, 40, "jpeg") },
      { ...at, encoding: Encoding.JpegTransposed, data: await img(40, 20, "jpeg") },
      { ...at, encoding: Encoding.Png, data: await img(40, 21, "png") },
      { ...at, encoding: Encoding.Webp, data: await img(80, 40, "webp") },
      { ...at, encoding: Encoding.Jpeg, data: await img(40, 20, "png") },
      // A marker without a length (RST0, a stuffed 00) before the frame header: a decoder reads it otherwise than a length.
      { ...at, encoding: Encoding.Jpeg, data: Uint8Array.from([0xff, 0xd8, 0xff, 0xd0, ...(await img(16, 8, "jpeg")).subarray(2)]) },
      { ...at, encoding: Encoding.Jpeg, data: Uint8Array.from([0xff, 0xd8, 0xff, 0x00, 0x00, 0x10, ...(await img(16, 8, "jpeg")).subarray(2)]) },
    ] as FrameRect[]) {
      await expect(read(rect), `${rect.encoding}`).rejects.toThrow(/larger than its rect/);
    }
  });

  it("refuses a key frame larger than any screen, and a new size outside a key frame", async () => {
    const writer = new FrameWriter({ native });
    const reader = new FrameReader();
    // 16384x16384: a 1 GiB canvas for a few bytes.
    const [huge] = await writer.write(frame(1, [{ encoding: Encoding.Fill, x: 0, y: 0, w: 10, h: 10, r: 0, g: 0, b: 0 }], true, 16384, 16384));
    expect(() => reader.read(huge!)).toThrow(/larger than viewers draw/);
    reader.resync();
    // As large as allowed, then an update at another size that is not a key frame.
    const side = Math.floor(Math.sqrt(MAX_SCREEN_PIXELS));
    const fill = { encoding: Encoding.Fill, x: 0, y: 0, w: 10, h: 10, r: 0, g: 0, b: 0 } as const;
    expect(reader.read((await writer.write(frame(2, [fill], true, side, side)))[0]!)).toMatchObject({ width: side, height: side });
    expect(reader.read((await writer.write(frame(3, [fill], false, side, side)))[0]!)).toMatchObject({ seq: 3 });
    const [resized] = await writer.write(frame(4, [fill], false, side - 1, side));
    expect(() => reader.read(resized!)).toThrow(/outside a key frame/);
    writer.close();
  });

  it("starts a new stream, flagged reset, for an update written after close()", async () => {
    const writer = new FrameWriter({ native });
    await writeFill(writer, 1, true);
    const queued = writeFill(writer, 2, false);
    writer.close();
    const [m] = await queued;
    expect(m![1]! & FrameFlags.reset).toBeTruthy();
    expect(new FrameReader().read(m!)).toMatchObject({ seq: 2, rects: [{ r: 2 }] });
    writer.close();
  });
});
