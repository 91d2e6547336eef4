/** Where a computer's thumbnail lives in R2: one object per computer, each new one replacing the last. */
export function screenshotKey(computerId: string): string {
  return `screenshots/${computerId}.webp`;
}
