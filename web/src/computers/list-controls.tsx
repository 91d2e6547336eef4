// Top right of the list (F2.13–F2.15): sort, grouping, line/tile, auto-refresh, refresh.
import type { Signal } from "@preact/signals";
import { ListViewIcon, RefreshIcon, SearchIcon, TileViewIcon } from "../ui/icons";
import type { ComputersModel } from "./computers-model";
import { groupOptions, sortOptions } from "./list-layout";

function Select<T extends string>({ label, value, options }: { label: string; value: Signal<T>; options: { value: T; label: string }[] }) {
  return (
    <label class="select-control">
      <span class="select-label">{label}</span>
      <select value={value.value} onChange={(event) => (value.value = event.currentTarget.value as T)}>
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </label>
  );
}

export function ListControls({ computers }: { computers: ComputersModel }) {
  const view = computers.view.value;
  return (
    <div class="list-controls" role="toolbar" aria-label="List options">
      <Select label="Sort" value={computers.sort} options={sortOptions} />
      <Select label="Group" value={computers.groupBy} options={groupOptions} />
      <div class="segmented" role="group" aria-label="View">
        <button
          type="button"
          class="segmented-option"
          aria-pressed={view === "line"}
          aria-label="Line view"
          title="Line view"
          onClick={() => (computers.view.value = "line")}
        >
          <ListViewIcon />
        </button>
        <button
          type="button"
          class="segmented-option"
          aria-pressed={view === "tile"}
          aria-label="Tile view"
          title="Tile view"
          onClick={() => (computers.view.value = "tile")}
        >
          <TileViewIcon />
        </button>
      </div>
      <label class="switch" title="Refresh the list every 30 seconds">
        <input type="checkbox" checked={computers.autoRefresh.value} onChange={computers.toggleAutoRefresh} />
        <span class="switch-track" aria-hidden="true" />
        Auto-refresh
      </label>
      <button type="button" class="icon-button icon-button-bordered" aria-label="Refresh" title="Refresh now" onClick={() => void computers.load()}>
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
        placeholder="Find by name, group or location"
        aria-label="Find computers"
        value={computers.filter.value}
        onInput={(event) => (computers.filter.value = event.currentTarget.value)}
      />
    </label>
  );
}
