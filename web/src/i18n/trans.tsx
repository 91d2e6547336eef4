// A text with elements inside it ("Signed in as <0>{{email}}</0>"): the catalog keeps the
// sentence whole, so each language can put the element where its grammar wants it.
import { cloneElement, type ComponentChildren, type VNode } from "preact";
import { t, type Key, type Values } from "./i18n";

const MARKER = /<(\d+)>([\s\S]*?)<\/\1>|<(\d+)\/>/g;

/** Splits a translated text at its <n>…</n> and <n/> markers and puts `parts[n]` there. */
export function renderMarked(text: string, parts: readonly VNode[]): ComponentChildren[] {
  const out: ComponentChildren[] = [];
  let last = 0;
  for (const match of text.matchAll(MARKER)) {
    if (match.index > last) out.push(text.slice(last, match.index));
    const index = Number(match[1] ?? match[3]);
    const part = parts[index];
    if (part) out.push(match[1] === undefined ? cloneElement(part, { key: index }) : cloneElement(part, { key: index }, match[2]));
    else out.push(match[2] ?? "");
    last = match.index + match[0].length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

export function Trans({ k, values, parts }: { k: Key; values?: Values; parts: readonly VNode[] }) {
  return <>{renderMarked(t(k, values), parts)}</>;
}
