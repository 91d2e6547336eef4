// The languages Edgedesk speaks, and how a list of preferences (a browser's
// navigator.languages, a request's Accept-Language) picks one of them. Shared by the web app
// (the UI's language) and the Worker (the language of an e-mail).

export const LANGUAGES = ["en", "de"] as const;
export type Language = (typeof LANGUAGES)[number];
export const DEFAULT_LANGUAGE: Language = "en";

export function isLanguage(value: unknown): value is Language {
  return typeof value === "string" && (LANGUAGES as readonly string[]).includes(value);
}

/** "de-AT" -> "de"; anything unsupported -> null. */
export function languageOf(tag: string): Language | null {
  const primary = tag.trim().toLowerCase().split(/[-_]/)[0] ?? "";
  return isLanguage(primary) ? primary : null;
}

/** The first supported language in a list ordered by preference, else English. */
export function pickLanguage(tags: readonly string[]): Language {
  for (const tag of tags) {
    const language = languageOf(tag);
    if (language) return language;
  }
  return DEFAULT_LANGUAGE;
}

/**
 * An Accept-Language header's tags, most preferred first ("de-DE,de;q=0.9,en;q=0.8" ->
 * ["de-DE", "de", "en"]). Tags with q=0 are refused by the client, so they are left out.
 */
export function acceptLanguageTags(header: string | null | undefined): string[] {
  if (!header) return [];
  return header
    .split(",")
    .slice(0, 32)
    .map((part, index) => {
      const [tag = "", ...params] = part.trim().split(";");
      const q = params.map((p) => /^\s*q\s*=\s*([0-9.]+)\s*$/i.exec(p)?.[1]).find(Boolean);
      return { tag: tag.trim(), q: q === undefined ? 1 : Number(q), index };
    })
    .filter((entry) => entry.tag && entry.tag !== "*" && Number.isFinite(entry.q) && entry.q > 0)
    // Stable: equal weights keep the header's order.
    .sort((a, b) => b.q - a.q || a.index - b.index)
    .map((entry) => entry.tag);
}

/** German when the header prefers German to English, else English. */
export function languageFromAcceptLanguage(header: string | null | undefined): Language {
  return pickLanguage(acceptLanguageTags(header));
}
