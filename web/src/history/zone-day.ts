// The period filter's days in the profile's time zone (F5.4, F1.7): where a calendar day
// begins, as an instant the API can compare with a session's start.

/** Milliseconds between UTC and `timeZone` at `instant` (positive east of Greenwich). */
function zoneOffset(instant: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(new Date(instant));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"), get("second")) - Math.floor(instant / 1000) * 1000;
}

/** The calendar day ("2026-07-03") `instant` falls on in `timeZone`. */
function dayIn(instant: number, timeZone: string): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date(instant));
}

/**
 * The instant a calendar day ("2026-07-03") begins in `timeZone`, as ISO; `addDays` moves the
 * day. Local midnight, or where the clocks skip midnight (Santiago, Beirut, Havana in spring)
 * the first instant after the jump: of the two guesses (the offset at the wall time, then at
 * the first guess), the earlier one that falls on that day. The second guess alone landed at
 * 23:00 the day before on such days.
 */
export function startOfDay(date: string, timeZone: string, addDays = 0): string {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  const wall = Date.UTC(y, m - 1, d + addDays);
  const day = new Date(wall).toISOString().slice(0, 10);
  const first = wall - zoneOffset(wall, timeZone);
  const second = wall - zoneOffset(first, timeZone);
  const onTheDay = [first, second].filter((c) => dayIn(c, timeZone) === day).sort((a, b) => a - b);
  return new Date(onTheDay[0] ?? second).toISOString();
}
