// Times as the cabinet shows them: relative for the glance, absolute in the tooltip. Absolute
// times follow the profile's time zone and 12/24 h format (F1.7), else the browser's, and are
// written the way the UI's language writes them ("25 Nov 2026" / "25.11.2026").
import { computed, signal } from "@preact/signals";
import { locale, t } from "../i18n/i18n";

export type TimePreferences = { timeZone: string; timeFormat: "12h" | "24h" | "" };

/** Set from the signed-in user's profile; components that format times re-render when it changes. */
export const timePreferences = signal<TimePreferences>({ timeZone: "", timeFormat: "" });

function formatter(options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const { timeZone, timeFormat } = timePreferences.value;
  const lang = locale.value;
  const hour12: Intl.DateTimeFormatOptions =
    (options.timeStyle || options.hour) && timeFormat ? { hourCycle: timeFormat === "12h" ? "h12" : "h23" } : {};
  try {
    return new Intl.DateTimeFormat(lang, { ...options, ...hour12, ...(timeZone ? { timeZone } : {}) });
  } catch {
    // A zone this browser does not know: the browser's own.
    return new Intl.DateTimeFormat(lang, { ...options, ...hour12 });
  }
}

const relative = computed(() => new Intl.RelativeTimeFormat(locale.value, { numeric: "auto" }));
const absolute = computed(() => formatter({ dateStyle: "medium", timeStyle: "short" }));
const dateOnly = computed(() => formatter({ dateStyle: "medium" }));
const timeOnly = computed(() => formatter({ timeStyle: "short" }));

const steps: [Intl.RelativeTimeFormatUnit, number][] = [
  ["second", 60],
  ["minute", 60],
  ["hour", 24],
  ["day", 7],
  ["week", 4.345],
  ["month", 12],
  ["year", Number.POSITIVE_INFINITY],
];

export function formatRelative(iso: string, now: number): string {
  let amount = (Date.parse(iso) - now) / 1000;
  if (Math.abs(amount) < 45) return t("common.justNow");
  for (const [unit, size] of steps) {
    if (Math.abs(amount) < size) return relative.value.format(Math.trunc(amount), unit);
    amount /= size;
  }
  return absolute.value.format(new Date(iso));
}

export function formatAbsolute(iso: string): string {
  return absolute.value.format(new Date(iso));
}

export function formatDate(iso: string): string {
  return dateOnly.value.format(new Date(iso));
}

export function formatTime(iso: string): string {
  return timeOnly.value.format(new Date(iso));
}

/** The zone absolute times are shown in: the profile's, else the browser's. */
export function effectiveTimeZone(): string {
  return timePreferences.value.timeZone || Intl.DateTimeFormat().resolvedOptions().timeZone;
}
