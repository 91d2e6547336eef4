// Regenerates the PWA icons in web/public from web/public/favicon.svg (run by hand after the
// logo changes: `node web/src/pwa/generate-icons.mjs`). The PNGs are committed so the build
// needs no image tooling.
//   icon-192.png, icon-512.png   the logo on a transparent background ("any")
//   icon-maskable-512.png        the logo inside the 80 % safe zone on a full-bleed tile ("maskable")
//   apple-touch-icon.png         180 px, opaque (iOS ignores transparency)
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import sharp from "sharp";

const publicDir = fileURLToPath(new URL("../../public/", import.meta.url));
const svg = readFileSync(new URL("favicon.svg", `file://${publicDir}`));
const background = "#ffffff";

async function logo(size) {
  return sharp(svg, { density: Math.ceil((72 * size) / 32) }).resize(size, size).png().toBuffer();
}

async function tile(size, logoFraction, file) {
  const inner = Math.round(size * logoFraction);
  await sharp({ create: { width: size, height: size, channels: 4, background } })
    .composite([{ input: await logo(inner), gravity: "centre" }])
    .png({ compressionLevel: 9 })
    .toFile(`${publicDir}${file}`);
}

for (const size of [192, 512]) {
  await sharp(await logo(size)).png({ compressionLevel: 9 }).toFile(`${publicDir}icon-${size}.png`);
}
await tile(512, 0.6, "icon-maskable-512.png");
await tile(180, 0.8, "apple-touch-icon.png");
console.log(`icons written to ${publicDir}`);
