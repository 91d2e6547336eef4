// The list's view choices (sort, grouping, line/tile, auto-refresh), kept in localStorage so
// the page opens the way the user left it. Anything unreadable falls back to the defaults.
import { groupOptions, sortOptions, type GroupKey, type SortKey, type ViewKey } from "./list-layout";

export type ListPreferences = { sort: SortKey; groupBy: GroupKey; view: ViewKey; autoRefresh: boolean };

export const PREFERENCES_KEY = "edgedesk.computers.view";

export const defaultPreferences: ListPreferences = { sort: "name", groupBy: "group", view: "line", autoRefresh: true };

function storage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    // Storage can be switched off (privacy settings); the choices then last for the tab only.
    return null;
  }
}

export function loadPreferences(): ListPreferences {
  let stored: Partial<Record<keyof ListPreferences, unknown>> = {};
  try {
    const raw = storage()?.getItem(PREFERENCES_KEY);
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
  try {
    storage()?.setItem(PREFERENCES_KEY, JSON.stringify(preferences));
  } catch {
    // Full or blocked storage: keep working with the choices in memory.
  }
}
