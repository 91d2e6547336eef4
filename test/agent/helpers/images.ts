// Synthetic screens for encoder tests.

/** UI-like content: flat areas and a few colours, which must travel losslessly. */
export function uiImage(width: number, height: number, seed = 1): Uint8Array {
  const palette = [
    [250, 250, 250],
    [20, 20, 30],
    [40, 120, 220],
    [230, 60, 60],
    [90, 200, 120],
  ] as const;
  const data = new Uint8Array(width * height * 4);
  let s = seed;
  const rand = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      // Large flat panels, with "glyph" noise in the band 100..300.
      let c: readonly number[] = palette[(Math.floor(x / 200) + Math.floor(y / 150)) % 3]!;
      if (y >= 100 && y < 300 && rand() < 0.3) c = palette[1 + Math.floor(rand() * 4)]!;
      const o = (y * width + x) * 4;
      data[o] = c[0]!;
      data[o + 1] = c[1]!;
      data[o + 2] = c[2]!;
      data[o + 3] = 255;
    }
  }
  return data;
}

/** Photo-like content: smooth, many colours. */
export function photoImage(width: number, height: number, phase = 0): Uint8Array {
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 4;
      data[o] = 128 + 100 * Math.sin((x + phase) / 37) * Math.cos(y / 23);
      data[o + 1] = 128 + 90 * Math.sin((x * y + phase) / 5000);
      data[o + 2] = 128 + 60 * Math.sin(Math.hypot(x - width / 2, y - height / 2) / 13);
      data[o + 3] = 255;
    }
  }
  return data;
}

/** Terminal-like text: dark background, light "glyph" rows of 13 px, one per line number. */
export function terminalImage(width: number, height: number, firstLine: number): Uint8Array {
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    const line = firstLine + Math.floor(y / 13);
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 4;
      // A pattern that depends on the line number, so every line differs from its neighbours.
      const on = y % 13 > 1 && y % 13 < 11 && x < 40 + ((line * 37) % (width - 80)) && ((x * 7 + line * 13 + (y % 13) * 3) % 5 < 2);
      data[o] = data[o + 1] = data[o + 2] = on ? 220 : 16;
      data[o + 3] = 255;
    }
  }
  return data;
}

/**
 * A picture with a palette's worth of colours per tile (8 levels per channel: 33-256 in
 * most 64 px tiles): what a cartoon or a posterised video frame looks like.
 * `phase` animates it without any displacement a move search could find.
 */
export function posterImage(width: number, height: number, phase = 0): Uint8Array {
  const data = photoImage(width, height, phase * 7);
  for (let i = 0; i < data.length; i += 4) {
    for (let k = 0; k < 3; k++) data[i + k] = (data[i + k]! >> 5) * 36;
  }
  return data;
}
