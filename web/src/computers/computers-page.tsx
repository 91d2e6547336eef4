import { useEffect } from "preact/hooks";
import type { ComputersModel } from "./computers-model";
import { ComputersIcon, RefreshIcon } from "../ui/icons";
import { useTitle } from "../ui/use-title";
import { ComputerRow } from "./computer-row";

function EmptyState() {
  return (
    <div class="empty-state">
      <div class="empty-icon">
        <ComputersIcon />
      </div>
      <h2>No computers yet</h2>
      <p>
        To add a computer, run the Edgedesk agent on it and sign in with this account on the agent's second tab. The
        computer then shows up here, ready to connect.
      </p>
    </div>
  );
}

export function ComputersPage({ computers }: { computers: ComputersModel }) {
  useTitle("Computers");
  useEffect(() => computers.watch(), [computers]);

  const state = computers.state.value;
  const total = computers.computers.value.length;

  return (
    <div class="page">
      <header class="page-header">
        <div>
          <h1>Computers</h1>
          <p class="page-lead">
            {state === "loaded" && total > 0
              ? `${total} ${total === 1 ? "computer" : "computers"}, ${computers.onlineCount.value} online`
              : "Your computers, one click away."}
          </p>
        </div>
        <div class="page-actions">
          <label class="switch" title="Refresh the list every 30 seconds">
            <input type="checkbox" checked={computers.autoRefresh.value} onChange={computers.toggleAutoRefresh} />
            <span class="switch-track" aria-hidden="true" />
            Auto-refresh
          </label>
          <button type="button" class="button button-secondary" onClick={() => void computers.load()}>
            <RefreshIcon />
            Refresh
          </button>
        </div>
      </header>

      {computers.error.value && state === "loaded" && (
        <div class="notice notice-warning" role="status">
          Could not refresh the list: {computers.error.value}
        </div>
      )}

      {state === "error" ? (
        <div class="card card-padded load-error" role="alert">
          <p>{computers.error.value}</p>
          <button type="button" class="button button-secondary" onClick={() => void computers.load()}>
            Try again
          </button>
        </div>
      ) : state !== "loaded" ? (
        <div class="card loading" aria-busy="true">
          <div class="skeleton" />
          <div class="skeleton" />
          <div class="skeleton" />
        </div>
      ) : total === 0 ? (
        <EmptyState />
      ) : (
        <div class="card computer-list">
          <div class="computer-list-head" aria-hidden="true">
            <span class="col-status">Status</span>
            <span class="col-os">OS</span>
            <span class="col-name">Name</span>
            <span class="col-seen">Last seen</span>
            <span class="col-actions" />
          </div>
          {computers.groups.value.map((group) => (
            <section class="computer-group" key={group.name} aria-label={group.name || "Ungrouped"}>
              {(computers.groups.value.length > 1 || group.name !== "") && <h2 class="group-title">{group.name || "No group"}</h2>}
              <ul class="computer-rows">
                {group.computers.map((computer) => (
                  <ComputerRow key={computer.id} computer={computer} computers={computers} />
                ))}
              </ul>
            </section>
          ))}
        </div>
      )}
    </div>
  );
}
