// The signed-in user's computers (F2.1): loaded on demand, refreshed every 30 s while the
// list is on screen (F2.13), sorted and grouped for the line view.
import { computed, createModel, effect, signal } from "@preact/signals";
import type { Computer } from "../../../protocol/api";
import { errorMessage } from "../api/client";
import type { ComputersService } from "./computers-service";

export type LoadState = "idle" | "loading" | "loaded" | "error";

export const AUTO_REFRESH_MS = 30_000;

const collator = new Intl.Collator(undefined, { sensitivity: "base", numeric: true });

export type ComputerGroup = { name: string; computers: Computer[] };

export const ComputersModel = createModel((service: ComputersService) => {
  const computers = signal<Computer[]>([]);
  const state = signal<LoadState>("idle");
  const error = signal<string | null>(null);
  const autoRefresh = signal(true);
  /** Bumped by the list page while it is shown; the timer runs only then. */
  const viewers = signal(0);
  /** "now" for relative times; advanced by the refresh timer so "5 min ago" stays true. */
  const now = signal(Date.now());

  /** Groups by name (case-insensitive, ungrouped last), computers by name inside each (F2.14). */
  const groups = computed<ComputerGroup[]>(() => {
    const byGroup = new Map<string, Computer[]>();
    for (const computer of computers.value) {
      const key = computer.group.trim();
      const list = byGroup.get(key) ?? [];
      list.push(computer);
      byGroup.set(key, list);
    }
    return [...byGroup.entries()]
      .sort(([a], [b]) => (a === "" ? 1 : b === "" ? -1 : collator.compare(a, b)))
      .map(([name, list]) => ({ name, computers: list.sort((a, b) => collator.compare(a.name, b.name)) }));
  });
  const onlineCount = computed(() => computers.value.filter((c) => c.online).length);

  let inFlight: Promise<void> | null = null;
  function load(): Promise<void> {
    // A refresh while one is running would only race it.
    inFlight ??= (async () => {
      if (state.value !== "loaded") state.value = "loading";
      try {
        computers.value = await service.list();
        state.value = "loaded";
        error.value = null;
      } catch (caught) {
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

  async function rename(id: string, name: string): Promise<void> {
    const updated = await service.update(id, { name });
    computers.value = computers.value.map((c) => (c.id === id ? updated : c));
  }

  async function remove(id: string): Promise<void> {
    await service.remove(id);
    computers.value = computers.value.filter((c) => c.id !== id);
  }

  /** The list page calls this while mounted; the returned function stops watching. */
  function watch(): () => void {
    viewers.value++;
    void load();
    return () => {
      viewers.value--;
    };
  }

  function toggleAutoRefresh(): void {
    autoRefresh.value = !autoRefresh.value;
  }

  /** Forget everything (on sign-out), so the next user never sees this one's list. */
  function reset(): void {
    computers.value = [];
    state.value = "idle";
    error.value = null;
  }

  // Owned by the model, so disposing the model stops the timer.
  effect(() => {
    if (viewers.value === 0 || !autoRefresh.value) return;
    const timer = setInterval(() => {
      if (document.visibilityState === "visible") void load();
    }, AUTO_REFRESH_MS);
    return () => clearInterval(timer);
  });

  return {
    computers,
    state,
    error,
    autoRefresh,
    now,
    groups,
    onlineCount,
    load,
    rename,
    remove,
    watch,
    toggleAutoRefresh,
    reset,
  };
});

export type ComputersModel = InstanceType<typeof ComputersModel>;
