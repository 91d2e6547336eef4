// The signed-in user's computers (F2.1): loaded on demand, refreshed every 30 s while the
// list is on screen (F2.13), kept current between refreshes by the account's live feed, and
// sorted and grouped for display (F2.14).
//
// Each computer lives in its own signal, so a change to one (a status pushed by the server, a
// star toggled) re-renders that one row or tile only. The sections (which ids go under which
// heading, in what order) are a computed signal that hands back the same object when a change
// did not move anything, so the page itself does not re-render either.
import { batch, computed, createModel, effect, signal, type Signal } from "@preact/signals";
import type { AccountEvent, Computer } from "../../../protocol/api";
import { errorMessage } from "../api/client";
import { subscribeToAccountEvents, type EventsState } from "./account-events";
import type { ComputersService } from "./computers-service";
import { buildSections, reuseSections, type GroupKey, type Section, type SortKey, type ViewKey } from "./list-layout";
import { loadPreferences, savePreferences } from "./list-preferences";

export type LoadState = "idle" | "loading" | "loaded" | "error";
export type DialogKind = "settings" | "sharing" | "system-info";
export type OpenDialog = { kind: DialogKind; id: string };

export const AUTO_REFRESH_MS = 30_000;
/** Relative times ("5 min ago") are re-read this often even when nothing else changes. */
const CLOCK_MS = 60_000;

/** Server objects are plain JSON: equal text means nothing to re-render. */
const sameComputer = (a: Computer, b: Computer) => a === b || JSON.stringify(a) === JSON.stringify(b);

export const ComputersModel = createModel((service: ComputersService) => {
  const entries = signal<ReadonlyMap<string, Signal<Computer>>>(new Map());
  const state = signal<LoadState>("idle");
  const error = signal<string | null>(null);
  /** What `error` is about: loading the list, or a favorite that did not stick. */
  const errorSource = signal<"load" | "favorite">("load");
  const preferences = loadPreferences();
  const autoRefresh = signal(preferences.autoRefresh);
  const sort = signal<SortKey>(preferences.sort);
  const groupBy = signal<GroupKey>(preferences.groupBy);
  const view = signal<ViewKey>(preferences.view);
  /** The search box; not kept across visits. */
  const filter = signal("");
  /** Bumped by the list page while it is shown; the timers and the live feed run only then. */
  const viewers = signal(0);
  /** "now" for relative times and the "last used" grouping. */
  const now = signal(Date.now());
  const live = signal<EventsState>("closed");
  const dialog = signal<OpenDialog | null>(null);

  const computers = computed<Computer[]>(() => {
    const list: Computer[] = [];
    for (const entry of entries.value.values()) list.push(entry.value);
    return list;
  });

  let previousSections: Section[] | undefined;
  const sections = computed<Section[]>(() => {
    // Only the "last used" grouping depends on the clock; the others ignore its ticks.
    const clock = groupBy.value === "time" ? now.value : 0;
    previousSections = reuseSections(previousSections, buildSections(computers.value, sort.value, groupBy.value, clock, filter.value));
    return previousSections;
  });

  const total = computed(() => entries.value.size);
  const onlineCount = computed(() => computers.value.filter((c) => c.online).length);
  /** Existing groups, for the settings dialog's suggestions. */
  const groupNames = computed(() => {
    const seen = new Map<string, string>();
    for (const c of computers.value) {
      const name = c.group.trim();
      if (name && !seen.has(name.toLocaleLowerCase())) seen.set(name.toLocaleLowerCase(), name);
    }
    return [...seen.values()].sort((a, b) => a.localeCompare(b, undefined, { sensitivity: "base" }));
  });
  const restrictedCount = computed(() => computers.value.filter((c) => c.access === "owner" && (c.status === "restricted" || c.status === "disabled")).length);

  /**
   * Live events are numbered; a list response never overwrites a computer that an event
   * changed after that list was requested (the event is newer than the list's snapshot).
   */
  let eventCount = 0;
  const touchedAt = new Map<string, number>();

  function entry(id: string): Signal<Computer> | undefined {
    return entries.peek().get(id);
  }

  function upsert(computer: Computer): void {
    const existing = entry(computer.id);
    if (existing) {
      if (!sameComputer(existing.peek(), computer)) existing.value = computer;
      return;
    }
    const next = new Map(entries.peek());
    next.set(computer.id, signal(computer));
    entries.value = next;
  }

  function drop(id: string): void {
    if (!entries.peek().has(id)) return;
    const next = new Map(entries.peek());
    next.delete(id);
    entries.value = next;
  }

  function replaceAll(list: Computer[], requestedAt: number): void {
    batch(() => {
      const previous = entries.peek();
      const next = new Map<string, Signal<Computer>>();
      let membershipChanged = false;
      for (const computer of list) {
        const existing = previous.get(computer.id);
        const newer = (touchedAt.get(computer.id) ?? -1) > requestedAt;
        if (existing) {
          if (!newer && !sameComputer(existing.peek(), computer)) existing.value = computer;
          next.set(computer.id, existing);
        } else if (!newer) {
          // Unless an event removed it after the list was read.
          next.set(computer.id, signal(computer));
          membershipChanged = true;
        }
      }
      for (const [id, existing] of previous) {
        if (next.has(id)) continue;
        // Added by an event after the list was read: keep it.
        if ((touchedAt.get(id) ?? -1) > requestedAt) next.set(id, existing);
        else membershipChanged = true;
      }
      if (membershipChanged) entries.value = next;
    });
  }

  function applyEvent(event: AccountEvent): void {
    eventCount++;
    if (event.type === "computer") {
      touchedAt.set(event.computer.id, eventCount);
      upsert(event.computer);
    } else {
      touchedAt.set(event.id, eventCount);
      drop(event.id);
      if (dialog.peek()?.id === event.id) dialog.value = null;
    }
  }

  let inFlight: Promise<void> | null = null;
  function load(): Promise<void> {
    // A refresh while one is running would only race it.
    inFlight ??= (async () => {
      if (state.value !== "loaded") state.value = "loading";
      const requestedAt = eventCount;
      try {
        const list = await service.list();
        batch(() => {
          replaceAll(list, requestedAt);
          state.value = "loaded";
          error.value = null;
        });
      } catch (caught) {
        errorSource.value = "load";
        error.value = errorMessage(caught);
        // Keep showing the last good list when only a refresh failed.
        if (state.value !== "loaded") state.value = "error";
      } finally {
        now.value = Date.now();
        inFlight = null;
      }
    })();
    return inFlight;
  }

  /** Saves settings (F2.10) and shows the server's answer at once. */
  async function update(id: string, changes: Parameters<ComputersService["update"]>[1]): Promise<Computer> {
    const updated = await service.update(id, changes);
    upsert(updated);
    return updated;
  }

  async function remove(id: string): Promise<void> {
    await service.remove(id);
    drop(id);
  }

  /** The star (F2.14): moves at once, and back if the server says no. */
  async function toggleFavorite(id: string): Promise<void> {
    const current = entry(id)?.peek();
    if (!current) return;
    const favorite = !current.favorite;
    upsert({ ...current, favorite });
    try {
      upsert(await service.setFavorite(id, favorite));
    } catch (caught) {
      const now = entry(id)?.peek();
      if (now) upsert({ ...now, favorite: !favorite });
      errorSource.value = "favorite";
      error.value = errorMessage(caught);
    }
  }

  /** The list page calls this while mounted; the returned function stops watching. */
  function watch(): () => void {
    viewers.value++;
    void load();
    return () => {
      viewers.value--;
      // The search is not kept across visits: coming back shows the whole list.
      if (viewers.value === 0) filter.value = "";
    };
  }

  function toggleAutoRefresh(): void {
    autoRefresh.value = !autoRefresh.value;
  }

  function openDialog(kind: DialogKind, id: string): void {
    dialog.value = { kind, id };
  }

  function closeDialog(): void {
    dialog.value = null;
  }

  /** Forget everything (on sign-out), so the next user never sees this one's list. */
  function reset(): void {
    batch(() => {
      entries.value = new Map();
      state.value = "idle";
      error.value = null;
      dialog.value = null;
      filter.value = "";
    });
    touchedAt.clear();
  }

  // The effects below are owned by the model, so disposing it stops them.
  effect(() => {
    savePreferences({ sort: sort.value, groupBy: groupBy.value, view: view.value, autoRefresh: autoRefresh.value });
  });

  effect(() => {
    if (viewers.value === 0 || !autoRefresh.value) return;
    const timer = setInterval(() => {
      if (document.visibilityState === "visible") void load();
    }, AUTO_REFRESH_MS);
    return () => clearInterval(timer);
  });

  effect(() => {
    if (viewers.value === 0) return;
    const timer = setInterval(() => (now.value = Date.now()), CLOCK_MS);
    return () => clearInterval(timer);
  });

  effect(() => {
    if (viewers.value === 0) return;
    return subscribeToAccountEvents({
      onEvent: applyEvent,
      // What changed while the feed was down is not replayed: read the list again.
      onOpen: (reconnected) => {
        if (reconnected) void load();
      },
      onState: (next) => (live.value = next),
      // Signed out elsewhere (or the account deleted): the list's 401 takes the page to login.
      onEnded: () => void load(),
    });
  });

  return {
    entries,
    computers,
    sections,
    state,
    error,
    errorSource,
    autoRefresh,
    sort,
    groupBy,
    view,
    filter,
    now,
    live,
    dialog,
    total,
    onlineCount,
    groupNames,
    restrictedCount,
    load,
    update,
    remove,
    toggleFavorite,
    applyEvent,
    watch,
    toggleAutoRefresh,
    openDialog,
    closeDialog,
    reset,
  };
});

export type ComputersModel = InstanceType<typeof ComputersModel>;
