// The choices of the profile form: countries by ISO code with their names, IANA time zones.

/** Codes that Intl.DisplayNames knows but that are not countries (or are reserved). */
const NOT_COUNTRIES = new Set(["AC", "CP", "DG", "EA", "EU", "EZ", "IC", "QO", "TA", "UN", "XA", "XB", "ZZ"]);

/** Old codes (DD, UK, SU…) are aliases of current ones and would list a country twice. */
function isCanonical(code: string): boolean {
  try {
    return Intl.getCanonicalLocales(`und-${code}`)[0] === `und-${code}`;
  } catch {
    return false;
  }
}

export type Option = { value: string; label: string };

/** Every ISO 3166-1 alpha-2 region this browser can name, sorted by name. */
export function countryOptions(locale?: string): Option[] {
  const names = new Intl.DisplayNames(locale ? [locale] : undefined, { type: "region", fallback: "none" });
  const options: Option[] = [];
  for (let a = 65; a <= 90; a++) {
    for (let b = 65; b <= 90; b++) {
      const code = String.fromCharCode(a, b);
      if (NOT_COUNTRIES.has(code) || !isCanonical(code)) continue;
      let name: string | undefined;
      try {
        name = names.of(code);
      } catch {
        name = undefined;
      }
      if (name && name !== code) options.push({ value: code, label: name });
    }
  }
  return options.sort((x, y) => x.label.localeCompare(y.label, locale));
}

/** The browser's IANA zones (plus UTC, which some engines leave out). */
export function timeZoneOptions(): string[] {
  const zones = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];
  return zones.includes("UTC") ? zones : ["UTC", ...zones];
}

export function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}
