// The connection history (F5): one server-side page at a time, filtered by computer and period.
import { batch, computed, createModel, effect, signal } from "@preact/signals";
import type { Computer, HistoryEntry } from "../../../protocol/api";
import { errorMessage } from "../api/client";
import { t } from "../i18n/i18n";
import { effectiveTimeZone } from "../ui/time";
import { startOfDay } from "./zone-day";
import type { HistoryService } from "./history-service";

export const PAGE_SIZE = 25;

export const HistoryModel = createModel((service: HistoryService) => {
  const entries = signal<HistoryEntry[]>([]);
  const total = signal(0);
  /** The page asked for; `shownPage` is the one on screen (they differ while a page loads). */
  const page = signal(1);
  const shownPage = signal(1);
  const computerId = signal("");
  /** Calendar days (yyyy-mm-dd) in the profile's zone; "to" includes its whole day. */
  const from = signal("");
  const to = signal("");
  const loading = signal(false);
  const loaded = signal(false);
  const error = signal<string | null>(null);
  const actionError = signal<string | null>(null);
  const ending = signal<ReadonlySet<string>>(new Set());
  /** The active session whose End waits for a second click: ending drops whoever is connected. */
  const confirmingEnd = signal<string | null>(null);
  /** The session whose End button gets the focus back once its confirmation is cancelled. */
  const refocusEnd = signal<string | null>(null);
  const computers = signal<Computer[]>([]);

  const pageCount = computed(() => Math.max(1, Math.ceil(total.value / PAGE_SIZE)));
  const range = computed(() => {
    if (total.value === 0) return null;
    const first = (shownPage.value - 1) * PAGE_SIZE + 1;
    return { first, last: Math.min(total.value, first + entries.value.length - 1), total: total.value };
  });
  const filtered = computed(() => Boolean(computerId.value || from.value || to.value));
  const periodError = computed(() => (from.value && to.value && from.value > to.value ? t("history.periodError") : null));

  let requestNumber = 0;
  async function load(): Promise<void> {
    if (periodError.peek()) return;
    const mine = ++requestNumber;
    const zone = effectiveTimeZone();
    loading.value = true;
    error.value = null;
    try {
      const result = await service.list({
        computerId: computerId.peek() || undefined,
        from: from.peek() ? startOfDay(from.peek(), zone) : undefined,
        to: to.peek() ? startOfDay(to.peek(), zone, 1) : undefined,
        page: page.peek(),
        pageSize: PAGE_SIZE,
      });
      if (mine !== requestNumber) return;
      // A page beyond the end (rows ended elsewhere, a narrower filter): show the last one.
      if (result.entries.length === 0 && result.total > 0 && page.peek() > 1) {
        page.value = Math.ceil(result.total / PAGE_SIZE);
        return;
      }
      batch(() => {
        entries.value = result.entries;
        total.value = result.total;
        shownPage.value = result.page;
        loaded.value = true;
        // A confirmation for a session no longer shown, or no longer running, is dropped.
        const asked = confirmingEnd.peek();
        if (asked && !result.entries.some((e) => e.id === asked && e.active)) confirmingEnd.value = null;
      });
    } catch (caught) {
      if (mine === requestNumber) error.value = errorMessage(caught);
    } finally {
      if (mine === requestNumber) loading.value = false;
    }
  }

  // Any change of the filters or the page reloads; a filter change goes back to page 1.
  effect(() => {
    void computerId.value;
    void from.value;
    void to.value;
    page.value = 1;
  });
  effect(() => {
    void page.value;
    void computerId.value;
    void from.value;
    void to.value;
    void load();
  });

  void service.computers().then(
    (list) => (computers.value = [...list].sort((a, b) => a.name.localeCompare(b.name))),
    () => undefined,
  );

  function askEnd(id: string): void {
    actionError.value = null;
    confirmingEnd.value = id;
  }

  function cancelEnd(): void {
    refocusEnd.value = confirmingEnd.peek();
    confirmingEnd.value = null;
  }

  async function end(id: string): Promise<void> {
    confirmingEnd.value = null;
    actionError.value = null;
    ending.value = new Set([...ending.peek(), id]);
    try {
      await service.end(id);
      await load();
    } catch (caught) {
      actionError.value = errorMessage(caught);
    } finally {
      const next = new Set(ending.peek());
      next.delete(id);
      ending.value = next;
    }
  }

  function clearFilters(): void {
    batch(() => {
      computerId.value = "";
      from.value = "";
      to.value = "";
    });
  }

  return {
    entries,
    total,
    page,
    pageCount,
    range,
    computerId,
    from,
    to,
    filtered,
    periodError,
    loading,
    loaded,
    error,
    actionError,
    ending,
    confirmingEnd,
    refocusEnd,
    computers,
    load,
    askEnd,
    cancelEnd,
    end,
    clearFilters,
    previous: () => page.value > 1 && (page.value -= 1),
    next: () => page.value < pageCount.value && (page.value += 1),
  };
});

export type HistoryModel = InstanceType<typeof HistoryModel>;
