// The API answers in English (its messages are also what the OpenAPI document and other
// clients see). The web app shows its own words instead: by the error's code, and for
// validation errors sentence by sentence through the `serverText` section of the catalog.
import { en } from "./en";
import { language, t, type Key } from "./i18n";

const sentences = Object.entries(en.serverText) as [keyof typeof en.serverText, string][];

/** `text` with every sentence the catalog knows put into the UI's language. */
export function translateServerText(text: string): { text: string; translated: boolean } {
  let out = text;
  let translated = false;
  for (const [name, english] of sentences) {
    if (!out.includes(english)) continue;
    out = out.replaceAll(english, t(`serverText.${name}` as Key));
    translated = true;
  }
  return { text: out, translated };
}

/**
 * A message for an alert the page shows from its own address (the login page's ?error=, which
 * the Worker's sign-in redirects set): only if it is made of sentences the Worker sends,
 * translated; anything else, `general`. Taken as written, a crafted link would show any words
 * as an error on Edgedesk's own page ("Your account is locked, call ...").
 */
export function knownServerText(text: string, general: string): string {
  let rest = text;
  for (const [, english] of sentences) rest = rest.replaceAll(english, "");
  if (rest.trim() !== "" || text.trim() === "") return general;
  return translateServerText(text).text;
}

/** "name: A name cannot be empty. group: …" -> "A name cannot be empty. …" (field names are the API's, not words). */
export function withoutFieldNames(message: string): string {
  return message.replace(/(^|\s)[A-Za-z][\w.]*: /g, "$1");
}

/**
 * A validation message from the API for the user: as is in English; in another language its
 * known sentences translated, or, when none is known, a general request to check the input.
 */
export function localValidationText(text: string): string {
  if (language.value === "en") return text;
  const result = translateServerText(text);
  return result.translated ? result.text : t("apiErrors.invalidInput");
}
