// The UI's language: one i18next instance, the English catalog built in, German fetched the
// first time it is needed. `language` is a signal and t() reads it, so every component that
// shows a text re-renders when the language switches; no reload is needed.
import { computed, signal } from "@preact/signals";
import i18next from "i18next";
import { DEFAULT_LANGUAGE, isLanguage, pickLanguage, type Language } from "../../../protocol/languages";
import { readStored, writeStored } from "../ui/local-store";
import type { Catalog, Key, Values } from "./catalog";
import { en } from "./en";

export type { Key, Values } from "./catalog";
export type { Language } from "../../../protocol/languages";

const i18n = i18next.createInstance();
void i18n.init({
  lng: DEFAULT_LANGUAGE,
  fallbackLng: DEFAULT_LANGUAGE,
  resources: { en: { translation: en } },
  // Resources are in memory: initialise synchronously, so t() works before the first render.
  initAsync: false,
  // Preact escapes what it renders; escaping here too would show "&amp;" in names.
  interpolation: { escapeValue: false },
});

/** Every language but English arrives as its own chunk, fetched on first use. */
const loaders: Partial<Record<Language, () => Promise<Catalog>>> = {
  de: () => import("./de").then((m) => m.de),
};

/** The language on screen. */
export const language = signal<Language>(DEFAULT_LANGUAGE);

/**
 * The locale for dates and numbers: the browser's own variant of the UI language when it has
 * one (en-GB writes dates differently from en-US), else the bare language.
 */
export const locale = computed(() => {
  const lang = language.value;
  const tags = typeof navigator === "undefined" ? [] : navigator.languages ?? [navigator.language];
  return tags.find((tag) => tag.toLowerCase().split("-")[0] === lang) ?? lang;
});

/** The connection window opens in its own tab without the cabinet's user: it reads this. */
const STORAGE_KEY = "edgedesk.language";

/** Kept for the connection window, which opens without the cabinet (no storage: it follows the browser). */
function remember(lang: Language): void {
  writeStored(STORAGE_KEY, lang);
}

/** The language this browser's cabinet last showed, if any. */
export function rememberedLanguage(): Language | null {
  const stored = readStored(STORAGE_KEY);
  return isLanguage(stored) ? stored : null;
}

/** The browser's preferred supported language (navigator.languages), else English. */
export function browserLanguage(): Language {
  const tags = navigator.languages?.length ? navigator.languages : [navigator.language];
  return pickLanguage(tags);
}

/** A profile's language; "" (or anything unknown) follows the browser. */
export function languageFor(profileLanguage: string | null | undefined): Language {
  return isLanguage(profileLanguage) ? profileLanguage : browserLanguage();
}

let requested: Language = DEFAULT_LANGUAGE;

/**
 * Switches the UI, loading the catalog first if needed. Resolves once the new language is on
 * screen. If loading fails (offline, no cached chunk) the UI stays in the current language.
 */
export async function setLanguage(next: Language): Promise<void> {
  requested = next;
  const load = loaders[next];
  if (load && !i18n.hasResourceBundle(next, "translation")) {
    try {
      i18n.addResourceBundle(next, "translation", await load());
    } catch (error) {
      console.warn(`Edgedesk: the ${next} texts could not be loaded`, error);
      return;
    }
  }
  // A later call asked for another language while this one was loading: that one wins.
  if (requested !== next) return;
  await i18n.changeLanguage(next);
  document.documentElement.lang = next;
  remember(next);
  language.value = next;
}

/** The text for `key` in the current language, with {{values}} filled in. */
export function t(key: Key, values?: Values): string {
  // Read the signal so the calling component (or computed) re-runs on a switch.
  void language.value;
  return i18n.t(key, values ?? {});
}

/** For keys built at run time (e.g. from an API error code): whether the catalog has it. */
export function hasKey(key: string): key is Key {
  return i18n.exists(key, { lng: DEFAULT_LANGUAGE });
}
