// Which language an e-mail is written in: the recipient's stored profile language, else the
// language the request that caused it prefers (Accept-Language), else English.
import type { Context } from "hono";
import { isLanguage, languageFromAcceptLanguage, type Language } from "../../protocol/languages";

/** The language the request's Accept-Language header prefers (German if it prefers de, else English). */
export function requestLanguage(c: Context): Language {
  return languageFromAcceptLanguage(c.req.header("Accept-Language"));
}

/** The profile's language when the user chose one (F1.7); "" follows `fallback`. */
export function mailLanguage(storedLanguage: string | null | undefined, fallback: Language): Language {
  return isLanguage(storedLanguage) ? storedLanguage : fallback;
}
