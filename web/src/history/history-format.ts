// How one history row reads: durations, sources, browsers, and the period filter's dates.
import type { HistoryEntry } from "../../../protocol/api";
import { t } from "../i18n/i18n";

export function formatDuration(seconds: number): string {
  if (seconds < 60) return t("history.durationSeconds", { s: seconds });
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return t("history.durationMinutes", { m: minutes, s: String(seconds % 60).padStart(2, "0") });
  const hours = Math.floor(minutes / 60);
  return t("history.durationHours", { h: hours, m: String(minutes % 60).padStart(2, "0") });
}

export function sourceLabel(source: HistoryEntry["source"]): string {
  return t(`history.sources.${source}`);
}

/** "Chrome 126 on Windows" from a user agent string; the raw string when it is unfamiliar. */
export function describeBrowser(agent: string): string {
  if (!agent) return t("history.unknownBrowser");
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
  const name = `${browser[0]} ${browser[1]}`;
  return system ? t("history.browserOn", { browser: name, system }) : name;
}
