// Pixel layout conversion at capture time, so everything downstream sees RGBA.

/** One little-endian BGRX word (B | G<<8 | R<<16) as R | G<<8 | B<<16. */
export function rgbOfBgrx(p: number): number {
  return ((p >>> 16) & 0xff) | (p & 0xff00) | ((p & 0xff) << 16);
}

/**
 * 32-bit X pixels with red in bits 16-23 and blue in bits 0-7 (the usual TrueColor
 * visual; in LSBFirst byte order that is B,G,R,X in memory) -> RGBA with alpha 255.
 */
export function bgrxToRgba(src: Uint8Array, dst: Uint8Array, pixels: number): void {
  // Word-wise when both buffers are 4-byte aligned (the usual case): one pass, no per-byte work.
  if (src.byteOffset % 4 === 0 && dst.byteOffset % 4 === 0) {
    const s = new Uint32Array(src.buffer, src.byteOffset, pixels);
    const d = new Uint32Array(dst.buffer, dst.byteOffset, pixels);
    for (let i = 0; i < pixels; i++) {
      const p = s[i]!;
      d[i] = rgbOfBgrx(p) | 0xff000000;
    }
    return;
  }
  for (let i = 0, o = 0; i < pixels; i++, o += 4) {
    dst[o] = src[o + 2]!;
    dst[o + 1] = src[o + 1]!;
    dst[o + 2] = src[o]!;
    dst[o + 3] = 255;
  }
}

/** Same for visuals with red in the low bits (R,G,B,X in memory): only alpha needs setting. */
export function rgbxToRgba(src: Uint8Array, dst: Uint8Array, pixels: number): void {
  dst.set(src.subarray(0, pixels * 4));
  for (let o = 3; o < pixels * 4; o += 4) dst[o] = 255;
}

/** Pixels copied as they are (the encoder takes this layout natively). */
export function copyPixels(src: Uint8Array, dst: Uint8Array, pixels: number): void {
  dst.set(src.subarray(0, pixels * 4));
}
