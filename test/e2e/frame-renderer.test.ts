// The connection window's FrameRenderer in Chromium, fed the agent's own encoder output: a
// picture in motion arrives as JPEGs at half size (decision 41), which the window must draw
// scaled up to their rects, then sharp again once the picture holds still. Bundled on its own
// with esbuild (no backend needed), so the test is deterministic: no race with the agent's
// refresh of a picture that stopped.
import { build } from "esbuild";
import type { Browser, Page } from "playwright-core";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FrameEncoder } from "../../agent/encode/frame-encoder";
import { FrameWriter } from "../../agent/stream/frame-writer";
import { Encoding, FrameFlags, isJpeg, type FrameRect } from "../../protocol/stream";
import { Canvas, firstDifference, psnr } from "../agent/helpers/compose";
import { posterImage } from "../agent/helpers/images";
import { launchBrowser, repoRoot } from "./harness";

const [W, H] = [640, 384];
let browser: Browser;
let page: Page;

/** Draws one update's messages in the page and answers once its final part is on the canvas. */
async function draw(messages: Uint8Array[]): Promise<void> {
  await page.evaluate(
    (parts) =>
      new Promise<void>((done) => {
        const w = window as unknown as { renderer: { push(m: ArrayBuffer): void }; drawn: (() => void) | undefined };
        w.drawn = done;
        for (const p of parts) w.renderer.push(Uint8Array.from(atob(p), (c) => c.charCodeAt(0)).buffer);
      }),
    messages.map((m) => Buffer.from(m).toString("base64")),
  );
}

/** The page's canvas as RGBA. */
async function canvasRgba(): Promise<Uint8Array> {
  const b64 = await page.evaluate(() => {
    const c = document.querySelector("canvas")!;
    const data = c.getContext("2d")!.getImageData(0, 0, c.width, c.height).data;
    let s = "";
    for (let i = 0; i < data.length; i += 0x8000) s += String.fromCharCode(...data.subarray(i, i + 0x8000));
    return btoa(s);
  });
  return new Uint8Array(Buffer.from(b64, "base64"));
}

beforeAll(async () => {
  const bundle = await build({
    stdin: {
      contents: `import { FrameRenderer } from "./web/src/viewer/frame-renderer";
        const canvas = document.createElement("canvas");
        document.body.append(canvas);
        window.tooLarge = 0;
        window.renderer = new FrameRenderer(canvas, () => window.drawn?.(), () => {}, () => { throw new Error("desync"); }, () => window.tooLarge++);`,
      resolveDir: repoRoot,
      loader: "ts",
    },
    bundle: true,
    format: "iife",
    write: false,
    logLevel: "silent",
    absWorkingDir: repoRoot,
  });
  browser = await launchBrowser();
  page = await browser.newPage();
  const errors: Error[] = [];
  page.on("pageerror", (e) => errors.push(e));
  await page.setContent("<!doctype html><body></body>");
  await page.addScriptTag({ content: bundle.outputFiles[0]!.text });
  expect(errors).toEqual([]);
});

afterAll(async () => {
  await browser?.close();
});

describe("the connection window's frame renderer", () => {
  it("draws a half-size JPEG of a picture in motion scaled to its rect, and the sharp picture once it holds still", async () => {
    const encoder = new FrameEncoder(W, H);
    const writer = new FrameWriter();
    const reference = new Canvas(W, H);
    const whole = { x: 0, y: 0, w: W, h: H };
    let halfSeen = false;
    const send = async (rects: FrameRect[], seq: number, full: boolean) => {
      const messages = await writer.write({ seq, flags: full ? FrameFlags.full : 0, width: W, height: H, rects });
      await reference.applyMessages(messages);
      await draw(messages);
    };
    for (let k = 0; k <= 5; k++) {
      const img = posterImage(W, H, k);
      encoder.put(whole, { width: W, height: H, data: img });
      const rects = await encoder.encode([whole], k === 0);
      // The half-size pictures are what this test is about: make sure they are there.
      for (const r of rects) {
        if (!isJpeg(r.encoding) || !("data" in r)) continue;
        const { width } = await sharp(r.data).metadata();
        if (width === (r.w + 1) >> 1 && r.w > 1) halfSeen = true;
      }
      await send(rects, k + 1, k === 0);
      const canvas = await canvasRgba();
      // Chromium scales as the reference viewer does (bilinear; the two differ in rounding only).
      expect(psnr(canvas, reference.data), `update ${k}`).toBeGreaterThanOrEqual(35);
      // And it is the picture: a half-size image drawn at its own size would leave most of
      // the rect showing the update before (under 15 dB here).
      expect(psnr(canvas, img), `update ${k}`).toBeGreaterThanOrEqual(24);
    }
    expect(halfSeen).toBe(true);
    // Held still: the refresh sends the poster losslessly, and the canvas is exact.
    await send(await encoder.encode(encoder.refreshRegions(0)), 7, false);
    expect(firstDifference(await canvasRgba(), posterImage(W, H, 5))).toBe(-1);
  });

  it("keeps its canvas and asks for no key frame when one is larger than any screen; a smaller one draws again", async () => {
    // 16384x16384 declared in a few bytes: a 1 GiB canvas if taken at its word. Another key
    // frame would be as large, so a Refresh (the desync path, which throws here) would loop.
    const [huge] = await new FrameWriter().write({ seq: 1, flags: FrameFlags.full, width: 16384, height: 16384, rects: [{ encoding: Encoding.Fill, x: 0, y: 0, w: 8, h: 8, r: 1, g: 2, b: 3 }] });
    const after = await page.evaluate((b64) => {
      const w = window as unknown as { renderer: { push(m: ArrayBuffer): void }; tooLarge: number };
      w.renderer.push(Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)).buffer);
      const c = document.querySelector("canvas")!;
      return { tooLarge: w.tooLarge, width: c.width, height: c.height };
    }, Buffer.from(huge!).toString("base64"));
    expect(after).toEqual({ tooLarge: 1, width: W, height: H });
    // A monitor chosen: its key frame, a new stream, draws at its size.
    const small = await new FrameWriter().write({ seq: 2, flags: FrameFlags.full, width: 320, height: 200, rects: [{ encoding: Encoding.Fill, x: 0, y: 0, w: 320, h: 200, r: 9, g: 8, b: 7 }] });
    await draw(small);
    const rgba = await canvasRgba();
    expect([rgba.length, ...rgba.subarray(0, 3)]).toEqual([320 * 200 * 4, 9, 8, 7]);
  });

  it("after reset (a Retry's new connection) a new stream draws at once, though the old one stopped inside an update", async () => {
    // The old stream: an update of several messages (split at 1 MiB), of which only the first came.
    const noise = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 2654435761 + seed) >>> 24);
    const rects: FrameRect[] = [0, 1, 2, 3].map((k) => ({ encoding: Encoding.Raw, x: (k % 2) * 320, y: (k >> 1) * 192, w: 320, h: 192, rgb: noise(320 * 192 * 3, k) }));
    const old = await new FrameWriter().write({ seq: 1, flags: FrameFlags.full, width: 640, height: 384, rects: [...rects, ...rects, ...rects] });
    expect(old.length).toBeGreaterThan(1);
    // The new connection's stream: its key frame, a fill.
    const fresh = await new FrameWriter().write({ seq: 1, flags: FrameFlags.full, width: 320, height: 200, rects: [{ encoding: Encoding.Fill, x: 0, y: 0, w: 320, h: 200, r: 4, g: 5, b: 6 }] });
    const b64 = (m: Uint8Array) => Buffer.from(m).toString("base64");
    await page.evaluate(
      ([first, next]) =>
        new Promise<void>((done, fail) => {
          const w = window as unknown as { renderer: { push(m: ArrayBuffer): void; reset(): void }; drawn: (() => void) | undefined };
          const bytes = (s: string) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0)).buffer;
          w.drawn = () => fail(new Error("the old stream's unfinished update was drawn"));
          w.renderer.push(bytes(first!));
          w.renderer.reset();
          w.drawn = done;
          // Without the reset, the reader refuses this key frame (a desync: the harness throws).
          for (const m of next!) w.renderer.push(bytes(m));
        }),
      [b64(old[0]!), fresh.map(b64)] as const,
    );
    const rgba = await canvasRgba();
    expect([rgba.length, ...rgba.subarray(0, 3)]).toEqual([320 * 200 * 4, 4, 5, 6]);
  });

  it("refuses more pictures in flight than flow control lets an agent send: the seventh screen of JPEGs still decoding asks for a key frame", async () => {
    const jpeg = new Uint8Array(await sharp({ create: { width: W, height: H, channels: 3, background: { r: 30, g: 90, b: 150 } } }).jpeg().toBuffer());
    const writer = new FrameWriter();
    const messages: Uint8Array[] = [];
    for (let seq = 1; seq <= 7; seq++) messages.push(...(await writer.write({ seq, flags: seq === 1 ? FrameFlags.full : 0, width: W, height: H, rects: [{ encoding: Encoding.Jpeg, x: 0, y: 0, w: W, h: H, data: jpeg }] })));
    expect(messages.length).toBe(7);
    // All pushed at once, as a flood arrives: none has decoded yet.
    const taken = await page.evaluate(
      (parts) => {
        const w = window as unknown as { renderer: { push(m: ArrayBuffer): void }; drawn: (() => void) | undefined };
        w.drawn = undefined;
        let n = 0;
        try {
          for (const p of parts) {
            w.renderer.push(Uint8Array.from(atob(p), (c) => c.charCodeAt(0)).buffer);
            n++;
          }
        } catch (err) {
          if ((err as Error).message !== "desync") throw err;
        }
        return n;
      },
      messages.map((m) => Buffer.from(m).toString("base64")),
    );
    expect(taken).toBe(6);
    // The six draw (and free their room); the stream waits for its next key frame.
    await expect
      .poll(async () => {
        const rgba = await canvasRgba();
        return rgba.length === W * H * 4 && [30, 90, 150].every((c, i) => Math.abs(rgba[i]! - c) <= 4);
      })
      .toBe(true);
  });
});
