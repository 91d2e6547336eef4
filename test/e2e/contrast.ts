// Text contrast as WCAG 2.x defines it (1.4.3, AA): 4.5:1 for text, 3:1 for large text
// (24 px, or 18.66 px bold). Read from the page as the browser computed it: each element with
// text of its own, its colour over the backgrounds behind it, composited down to the first
// opaque one (white at the root), faded by its and its ancestors' opacity; an empty field's
// placeholder counts as its text. Disabled controls and text not shown are exempt, as in WCAG.
import type { Page } from "playwright-core";

export type LowContrast = { text: string; ratio: number; color: string; background: string };

/** The visible texts of `page` below AA contrast, with what they measured. */
export function lowContrastText(page: Page): Promise<LowContrast[]> {
  return page.evaluate(() => {
    type Rgba = [number, number, number, number];
    const parse = (css: string): Rgba => {
      const n = css.match(/[\d.]+/g)?.map(Number) ?? [0, 0, 0, 0];
      return [n[0] ?? 0, n[1] ?? 0, n[2] ?? 0, n[3] ?? 1];
    };
    const over = (top: Rgba, below: Rgba): Rgba => {
      const a = top[3];
      return [top[0] * a + below[0] * (1 - a), top[1] * a + below[1] * (1 - a), top[2] * a + below[2] * (1 - a), 1];
    };
    const luminance = ([r, g, b]: Rgba) => {
      const lin = (c: number) => ((c /= 255) <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
      return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
    };
    /**
     * What the text may stand on: one colour, or each stop of a gradient behind it (the text
     * must read on all of them); null over a picture, which no colour describes.
     */
    const backgrounds = (el: Element): Rgba[] | null => {
      const layers: Rgba[] = [];
      let base: Rgba[] = [[255, 255, 255, 1]];
      for (let e: Element | null = el; e; e = e.parentElement) {
        const style = getComputedStyle(e);
        if (style.backgroundImage.includes("url(")) return null;
        const stops = style.backgroundImage.includes("gradient") ? (style.backgroundImage.match(/rgba?\([^)]*\)/g) ?? []).map(parse) : [];
        if (stops.length > 0 && stops.every((c) => c[3] >= 1)) {
          base = stops;
          break;
        }
        const c = parse(style.backgroundColor);
        if (c[3] > 0) layers.push(c);
        if (c[3] >= 1) break;
      }
      return base.map((b) => layers.reduceRight<Rgba>((below, top) => over(top, below), b));
    };
    /** The element's opacity times its ancestors': text in a faded part of the page is that much fainter. */
    const opacity = (el: Element): number => {
      let o = 1;
      for (let e: Element | null = el; e; e = e.parentElement) o *= Number(getComputedStyle(e).opacity);
      return o;
    };
    const out: { text: string; ratio: number; color: string; background: string }[] = [];
    for (const el of Array.from(document.querySelectorAll("body *"))) {
      let own = Array.from(el.childNodes).filter((n) => n.nodeType === Node.TEXT_NODE).map((n) => n.textContent ?? "").join("").trim();
      // An empty field shows its placeholder, in the placeholder's colour.
      const field = el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement ? el : null;
      if (field && field.type !== "hidden") own = field.value || field.placeholder;
      // aria-hidden text is still seen: it counts.
      if (!own || !(el instanceof HTMLElement) || el.closest("script, style, noscript")) continue;
      if ((el as HTMLButtonElement).disabled || el.closest(":disabled")) continue;
      const style = getComputedStyle(el);
      const faded = opacity(el);
      if (style.visibility !== "visible" || el.getClientRects().length === 0 || faded === 0) continue;
      const color = parse(field && !field.value ? getComputedStyle(el, "::placeholder").color : style.color);
      color[3] *= faded;
      // Visually hidden text (clipped to 1 px for screen readers) is not seen.
      const box = el.getBoundingClientRect();
      if (box.width <= 1 || box.height <= 1) continue;
      const size = parseFloat(style.fontSize);
      const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
      for (const bg of backgrounds(el) ?? []) {
        const fg = over(color, bg);
        const [l1, l2] = [luminance(fg), luminance(bg)].sort((a, b) => b - a) as [number, number];
        const ratio = (l1 + 0.05) / (l2 + 0.05);
        if (ratio < (large ? 3 : 4.5)) {
          out.push({ text: own.slice(0, 40), ratio: Math.round(ratio * 100) / 100, color: `rgba(${color.map((c, i) => (i < 3 ? Math.round(c) : c.toFixed(2))).join(", ")})`, background: `rgb(${bg.slice(0, 3).map(Math.round).join(", ")})` });
          break;
        }
      }
    }
    return out;
  });
}
