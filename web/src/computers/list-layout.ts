// How the list is ordered and cut into sections (F2.14): favorites always first, then the
// chosen grouping, each section sorted by the chosen key. Pure functions over plain data, so
// the model can run them in a computed signal and hand the same object back when nothing moved.
import type { Computer, ComputerStatus } from "../../../protocol/api";
import { locale, t, type Key } from "../i18n/i18n";
import { statusLabel } from "./status";

export type SortKey = "name" | "last-connection" | "added";
export type GroupKey = "none" | "alpha" | "status" | "time" | "group";
export type ViewKey = "line" | "tile";

/** The choices of the Sort and Group selects; `label` is a catalog key. */
export const sortOptions: { value: SortKey; label: Key }[] = [
  { value: "name", label: "computers.sort.name" },
  { value: "last-connection", label: "computers.sort.lastConnection" },
  { value: "added", label: "computers.sort.added" },
];

export const groupOptions: { value: GroupKey; label: Key }[] = [
  { value: "group", label: "computers.grouping.group" },
  { value: "alpha", label: "computers.grouping.alpha" },
  { value: "status", label: "computers.grouping.status" },
  { value: "time", label: "computers.grouping.time" },
  { value: "none", label: "computers.grouping.none" },
];

/** One heading (in the UI's language: the sections are rebuilt when it switches) and the ids under it, in display order. */
export type Section = { key: string; label: string; ids: readonly string[] };

export const FAVORITES_KEY = "favorites";
/** The only section when there is no grouping and no favorite. */
export const ALL_KEY = "all";
export const NO_GROUP_KEY = "group:";

// Names and groups sort the way the UI's language sorts ("Ä" with "A" in German).
let collator = new Intl.Collator(undefined, { sensitivity: "base", numeric: true });
let collatorLocale = "";
function sortFor(current: string): void {
  if (current === collatorLocale) return;
  collatorLocale = current;
  collator = new Intl.Collator(current, { sensitivity: "base", numeric: true });
}

const time = (iso: string | null): number => (iso ? Date.parse(iso) : Number.NEGATIVE_INFINITY);

const byName = (a: Computer, b: Computer) => collator.compare(a.name, b.name) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

const comparators: Record<SortKey, (a: Computer, b: Computer) => number> = {
  name: byName,
  // Most recent first; never connected last.
  "last-connection": (a, b) => time(b.lastConnectedAt) - time(a.lastConnectedAt) || byName(a, b),
  // Newest first.
  added: (a, b) => time(b.createdAt) - time(a.createdAt) || byName(a, b),
};

/** The order status sections appear in: what can be used now first. */
const statusOrder: ComputerStatus[] = ["online", "not_installed", "restricted", "disabled", "offline"];

const DAY_MS = 86_400_000;

type Bucket = { key: string; label: string; rank: number | string };

function letterOf(name: string): Bucket {
  // "Émile" files under E, like the dictionary; digits and symbols under "#", after Z.
  const first = name.trim().normalize("NFD").charAt(0).toLocaleUpperCase();
  if (first && /\p{L}/u.test(first)) return { key: `alpha:${first}`, label: first, rank: first };
  return { key: "alpha:#", label: "#", rank: "\uffff" };
}

function timeBucket(lastConnectedAt: string | null, now: number): Bucket {
  if (!lastConnectedAt) return { key: "time:never", label: t("computers.sections.never"), rank: 3 };
  const at = Date.parse(lastConnectedAt);
  const midnight = new Date(now);
  midnight.setHours(0, 0, 0, 0);
  if (at >= midnight.getTime()) return { key: "time:today", label: t("computers.sections.today"), rank: 0 };
  if (at >= midnight.getTime() - 6 * DAY_MS) return { key: "time:week", label: t("computers.sections.thisWeek"), rank: 1 };
  return { key: "time:earlier", label: t("computers.sections.earlier"), rank: 2 };
}

function bucketOf(computer: Computer, groupBy: GroupKey, now: number): Bucket {
  switch (groupBy) {
    case "alpha":
      return letterOf(computer.name);
    case "status":
      return { key: `status:${computer.status}`, label: statusLabel(computer.status), rank: statusOrder.indexOf(computer.status) };
    case "time":
      return timeBucket(computer.lastConnectedAt, now);
    case "group": {
      const name = computer.group.trim();
      // Free text: "office" and "Office" are one group; no group goes last.
      return name ? { key: `group:${name.toLocaleLowerCase()}`, label: name, rank: name } : { key: NO_GROUP_KEY, label: t("computers.sections.noGroup"), rank: "\uffff" };
    }
    case "none":
      return { key: ALL_KEY, label: t("computers.sections.all"), rank: 0 };
  }
}

function compareRank(a: number | string, b: number | string): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  if (a === "\uffff" || b === "\uffff") return a === b ? 0 : a === "\uffff" ? 1 : -1;
  return collator.compare(String(a), String(b));
}

export function matchesFilter(computer: Computer, query: string): boolean {
  if (!query) return true;
  const { ip, city, country } = computer.location;
  return [computer.name, computer.group, ip, city, country, computer.access === "shared" ? computer.ownerName : ""].some((field) =>
    field.toLocaleLowerCase().includes(query),
  );
}

/** Sections in display order: Favorites first (when any), then the grouping's sections. */
export function buildSections(computers: readonly Computer[], sort: SortKey, groupBy: GroupKey, now: number, filter = ""): Section[] {
  const query = filter.trim().toLocaleLowerCase();
  sortFor(locale.value);
  const compare = comparators[sort];
  const favorites: Computer[] = [];
  const buckets = new Map<string, { bucket: Bucket; computers: Computer[] }>();
  for (const computer of computers) {
    if (!matchesFilter(computer, query)) continue;
    if (computer.favorite) {
      favorites.push(computer);
      continue;
    }
    const bucket = bucketOf(computer, groupBy, now);
    const entry = buckets.get(bucket.key);
    if (entry) entry.computers.push(computer);
    else buckets.set(bucket.key, { bucket, computers: [computer] });
  }
  const sections: Section[] = [];
  if (favorites.length > 0) sections.push({ key: FAVORITES_KEY, label: t("computers.sections.favorites"), ids: favorites.sort(compare).map((c) => c.id) });
  const ordered = [...buckets.values()].sort((a, b) => compareRank(a.bucket.rank, b.bucket.rank));
  for (const { bucket, computers: list } of ordered) {
    sections.push({ key: bucket.key, label: bucket.label, ids: list.sort(compare).map((c) => c.id) });
  }
  return sections;
}

function sameIds(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * `next` with every section that did not change replaced by the previous object, or
 * `previous` itself when nothing changed: the page then does not re-render at all, and a
 * section that did not move keeps its identity.
 */
export function reuseSections(previous: Section[] | undefined, next: Section[]): Section[] {
  if (!previous) return next;
  const byKey = new Map(previous.map((s) => [s.key, s]));
  let changed = previous.length !== next.length;
  const merged = next.map((section, index) => {
    const old = byKey.get(section.key);
    if (old && old.label === section.label && sameIds(old.ids, section.ids)) {
      if (previous[index] !== old) changed = true;
      return old;
    }
    changed = true;
    return section;
  });
  return changed ? merged : previous;
}

/** Headings help only when there is more than one section or the one section says something. */
export function showsHeadings(sections: readonly Section[]): boolean {
  if (sections.length !== 1) return sections.length > 1;
  const only = sections[0]!.key;
  return only !== ALL_KEY && only !== NO_GROUP_KEY;
}
