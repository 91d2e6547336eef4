// How one history row reads: durations, sources, browsers, and the period filter's dates.
import type { HistoryEntry } from "../../../protocol/api";

export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${String(seconds % 60).padStart(2, "0")} s`;
  const hours = Math.floor(minutes / 60);
  return `${hours} h ${String(minutes % 60).padStart(2, "0")} min`;
}

export const sourceLabels: Record<HistoryEntry["source"], string> = {
  cabinet: "Cabinet",
  permalink: "Permanent link",
  support: "Support invitation",
  shared: "Shared access",
};

/** "Chrome 126 on Windows" from a user agent string; the raw string when it is unfamiliar. */
export function describeBrowser(agent: string): string {
  if (!agent) return "Unknown browser";
  const browsers: [string, RegExp][] = [
    ["Edge", /Edg(?:e|A|iOS)?\/(\d+)/],
    ["Opera", /OPR\/(\d+)/],
    ["Firefox", /Firefox\/(\d+)/],
    ["Chrome", /(?:Chrome|CriOS)\/(\d+)/],
    ["Safari", /Version\/(\d+)[\d.]* .*Safari\//],
  ];
  const systems: [string, RegExp][] = [
    ["Android", /Android/],
    ["iOS", /iPhone|iPad|iPod/],
    ["Windows", /Windows/],
    ["macOS", /Mac OS X|Macintosh/],
    ["ChromeOS", /CrOS/],
    ["Linux", /Linux/],
  ];
  const browser = browsers.map(([name, re]) => [name, agent.match(re)?.[1]] as const).find(([, version]) => version);
  const system = systems.find(([, re]) => re.test(agent))?.[0];
  if (!browser) return agent.length > 60 ? `${agent.slice(0, 57)}…` : agent;
  return `${browser[0]} ${browser[1]}${system ? ` on ${system}` : ""}`;
}

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

/** The instant a calendar day ("2026-07-03") begins in `timeZone`, as ISO; `addDays` moves the day. */
export function startOfDay(date: string, timeZone: string, addDays = 0): string {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  const wall = Date.UTC(y, m - 1, d + addDays);
  let instant = wall - zoneOffset(wall, timeZone);
  // Once more, for days where the offset changes between the guess and the answer.
  instant = wall - zoneOffset(instant, timeZone);
  return new Date(instant).toISOString();
}
