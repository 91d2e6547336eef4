// Top right of the list (F2.13–F2.15): sort, grouping, line/tile, auto-refresh, refresh.
import type { Signal } from "@preact/signals";
import { t, type Key } from "../i18n/i18n";
import { ListViewIcon, RefreshIcon, SearchIcon, TileViewIcon } from "../ui/icons";
import type { ComputersModel } from "./computers-model";
import { groupOptions, sortOptions } from "./list-layout";

function Select<T extends string>({ label, value, options }: { label: string; value: Signal<T>; options: { value: T; label: Key }[] }) {
  return (
    <label class="select-control">
      <span class="select-label">{label}</span>
      <select value={value.value} onChange={(event) => (value.value = event.currentTarget.value as T)}>
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {t(option.label)}
          </option>
        ))}
      </select>
    </label>
  );
}

export function ListControls({ computers }: { computers: ComputersModel }) {
  const view = computers.view.value;
  return (
    <div class="list-controls" role="toolbar" aria-label={t("computers.controls.label")} data-tour="list-controls">
      <Select label={t("computers.controls.sort")} value={computers.sort} options={sortOptions} />
      <Select label={t("computers.controls.group")} value={computers.groupBy} options={groupOptions} />
      <div class="segmented" role="group" aria-label={t("computers.controls.view")}>
        <button
          type="button"
          class="segmented-option"
          aria-pressed={view === "line"}
          aria-label={t("computers.controls.lineView")}
          title={t("computers.controls.lineView")}
          onClick={() => (computers.view.value = "line")}
        >
          <ListViewIcon />
        </button>
        <button
          type="button"
          class="segmented-option"
          aria-pressed={view === "tile"}
          aria-label={t("computers.controls.tileView")}
          title={t("computers.controls.tileView")}
          onClick={() => (computers.view.value = "tile")}
        >
          <TileViewIcon />
        </button>
      </div>
      <label class="switch" title={t("computers.controls.autoRefreshHint")}>
        <input type="checkbox" checked={computers.autoRefresh.value} onChange={computers.toggleAutoRefresh} />
        <span class="switch-track" aria-hidden="true" />
        {t("computers.controls.autoRefresh")}
      </label>
      <button
        type="button"
        class="icon-button icon-button-bordered"
        aria-label={t("computers.controls.refresh")}
        title={t("computers.controls.refreshNow")}
        onClick={() => void computers.load()}
      >
        <RefreshIcon />
      </button>
    </div>
  );
}

export function SearchBox({ computers }: { computers: ComputersModel }) {
  return (
    <label class="search-box">
      <SearchIcon />
      <input
        type="search"
        placeholder={t("computers.controls.searchPlaceholder")}
        aria-label={t("computers.controls.searchLabel")}
        value={computers.filter.value}
        onInput={(event) => (computers.filter.value = event.currentTarget.value)}
      />
    </label>
  );
}
