// The full-screen moving image for the session bench: a small X client that maps an
// override-redirect window over the whole screen and paints a panning photo-like picture
// into it at a fixed frame rate, like a video player would.
//   node bench/session/painter.mjs :DISPLAY [fps] [cache-file] [pan|cuts]
//   node bench/session/painter.mjs --render WIDTHxHEIGHT cache-file   (only renders the picture)
// The picture (smooth gradients, hard-edged shapes and a little grain) is rendered once
// and uploaded with PutImage into a pixmap wider than the screen; each frame copies a
// window of it (CopyArea), shifted 8 px from the last, so every pixel changes every frame
// while painting costs this process almost nothing. In "cuts" mode the screen is 16 bands,
// each showing the picture at its own pseudo-random offset that changes every frame: no one
// displacement explains the change, as in a video (what move detection cannot help with).
// Prints "ready" once the first frame
// is on the screen; on SIGTERM prints "frames N seconds S" and exits (the X server then
// destroys the window and the windows below get Expose events and redraw).
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import x11 from "x11";

const display = process.argv[2];
const fps = Number(process.argv[3] ?? 30);
/** The picture takes a second or more to render: later runs read it from here. */
const cacheFile = process.argv[4];
const mode = process.argv[5] === "cuts" ? "cuts" : "pan";
const BANDS = 16;
/** A well-mixed 32-bit hash (murmur3's finalizer): offsets that share no common shift. */
function mix(n) {
  let h = Math.imul(n ^ (n >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
const STEP = 8;
const SPAN = 480;

function texture(tw, h) {
  const bgrx = Buffer.alloc(tw * h * 4);
  let seed = 12345;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16) / 65536;
  const shapes = Array.from({ length: 60 }, () => ({
    x: rnd() * tw,
    y: rnd() * h,
    r: 20 + rnd() * 120,
    c: [rnd() * 255, rnd() * 255, rnd() * 255],
    round: rnd() < 0.5,
  }));
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < tw; x++) {
      let r = 120 + 70 * Math.sin(x / 97 + y / 143) + 40 * Math.sin(Math.hypot(x - 700, y - 420) / 37);
      let g = 110 + 60 * Math.sin(x / 211 - y / 89) + 50 * Math.cos(y / 57);
      let b = 130 + 80 * Math.cos((x + y) / 173) + 30 * Math.sin(x / 23);
      for (const s of shapes) {
        const dx = x - s.x;
        const dy = y - s.y;
        if (s.round ? dx * dx + dy * dy < s.r * s.r : Math.abs(dx) < s.r && Math.abs(dy) < s.r * 0.6) {
          [r, g, b] = s.c;
          break;
        }
      }
      const grain = (rnd() - 0.5) * 12;
      const o = (y * tw + x) * 4;
      bgrx[o] = Math.max(0, Math.min(255, b + grain));
      bgrx[o + 1] = Math.max(0, Math.min(255, g + grain));
      bgrx[o + 2] = Math.max(0, Math.min(255, r + grain));
    }
  }
  return bgrx;
}

if (process.argv[2] === "--render") {
  const [w, h] = process.argv[3].split("x").map(Number);
  writeFileSync(process.argv[4], texture(w + SPAN, h));
  process.exit(0);
}

const client = x11.createClient({ display }, (err, d) => {
  if (err) {
    process.stderr.write(`painter: ${err.message}\n`);
    process.exit(1);
  }
  const X = d.client;
  const screen = d.screen[0];
  const W = screen.pixel_width;
  const H = screen.pixel_height;
  const TW = W + SPAN;
  const roundTrip = () => new Promise((resolve) => X.GetInputFocus(() => resolve()));

  const pixmap = X.AllocID();
  X.CreatePixmap(pixmap, screen.root, 24, TW, H);
  const gc = X.AllocID();
  X.CreateGC(gc, pixmap, {});
  let img;
  if (cacheFile && existsSync(cacheFile)) img = readFileSync(cacheFile);
  if (!img || img.length !== TW * H * 4) {
    img = texture(TW, H);
    if (cacheFile) writeFileSync(cacheFile, img);
  }
  const rows = 16;
  for (let y = 0; y < H; y += rows) {
    const n = Math.min(rows, H - y);
    X.PutImage(2, pixmap, gc, TW, n, 0, y, 0, 24, img.subarray(y * TW * 4, (y + n) * TW * 4));
  }
  const win = X.AllocID();
  X.CreateWindow(win, screen.root, 0, 0, W, H, 0, 0, 0, 0, { overrideRedirect: 1, backgroundPixel: 0 });
  X.MapWindow(win);

  let frames = 0;
  let started = 0;
  let stopping = false;
  const paint = () => {
    if (mode === "cuts") {
      for (let b = 0; b < BANDS; b++) {
        const y0 = Math.floor((b * H) / BANDS);
        const y1 = Math.floor(((b + 1) * H) / BANDS);
        const off = mix(frames * BANDS + b) % SPAN;
        X.CopyArea(pixmap, win, gc, off, y0, 0, y0, W, y1 - y0);
      }
      frames++;
      return;
    }
    const k = frames % ((2 * SPAN) / STEP);
    const off = k * STEP <= SPAN ? k * STEP : 2 * SPAN - k * STEP;
    X.CopyArea(pixmap, win, gc, off, 0, 0, 0, W, H);
    frames++;
  };
  process.once("SIGTERM", () => (stopping = true));

  void (async () => {
    await roundTrip();
    paint();
    await roundTrip();
    process.stdout.write("ready\n");
    started = performance.now();
    const period = 1000 / fps;
    while (!stopping) {
      const due = started + frames * period;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      if (stopping) break;
      paint();
      await roundTrip();
    }
    process.stdout.write(`frames ${frames} seconds ${((performance.now() - started) / 1000).toFixed(3)}\n`);
    X.terminate?.();
    process.exit(0);
  })();
});
client.on("error", (e) => {
  process.stderr.write(`painter: X error ${e.message}\n`);
});
