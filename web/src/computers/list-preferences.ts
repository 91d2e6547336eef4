// The list's view choices (sort, grouping, line/tile, auto-refresh), kept in localStorage so
// the page opens the way the user left it. Anything unreadable falls back to the defaults.
import { readStored, writeStored } from "../ui/local-store";
import { groupOptions, sortOptions, type GroupKey, type SortKey, type ViewKey } from "./list-layout";

export type ListPreferences = { sort: SortKey; groupBy: GroupKey; view: ViewKey; autoRefresh: boolean };

export const PREFERENCES_KEY = "edgedesk.computers.view";

export const defaultPreferences: ListPreferences = { sort: "name", groupBy: "group", view: "line", autoRefresh: true };

export function loadPreferences(): ListPreferences {
  let stored: Partial<Record<keyof ListPreferences, unknown>> = {};
  try {
    const raw = readStored(PREFERENCES_KEY);
    if (raw) stored = JSON.parse(raw) as typeof stored;
  } catch {
    stored = {};
  }
  const pick = <T>(value: unknown, allowed: readonly T[], fallback: T): T => (allowed.includes(value as T) ? (value as T) : fallback);
  return {
    sort: pick(stored.sort, sortOptions.map((o) => o.value), defaultPreferences.sort),
    groupBy: pick(stored.groupBy, groupOptions.map((o) => o.value), defaultPreferences.groupBy),
    view: pick<ViewKey>(stored.view, ["line", "tile"], defaultPreferences.view),
    autoRefresh: typeof stored.autoRefresh === "boolean" ? stored.autoRefresh : defaultPreferences.autoRefresh,
  };
}

export function savePreferences(preferences: ListPreferences): void {
  writeStored(PREFERENCES_KEY, JSON.stringify(preferences));
}
