import { useModel } from "@preact/signals";
import { useRef } from "preact/hooks";
import type { Computer } from "../../../protocol/api";
import { MoreIcon } from "../ui/icons";
import { formatAbsolute, formatRelative } from "../ui/time";
import { useDismiss } from "../ui/use-dismiss";
import { ComputerRowModel } from "./computer-row-model";
import type { ComputersModel } from "./computers-model";
import { OsIcon } from "./os-icon";
import { StatusBadge } from "./status";

function LastSeen({ computer, now }: { computer: Computer; now: number }) {
  if (computer.online) return <span class="last-seen last-seen-now">Now</span>;
  if (!computer.lastSeenAt) return <span class="last-seen muted">Never</span>;
  return (
    <time class="last-seen" dateTime={computer.lastSeenAt} title={formatAbsolute(computer.lastSeenAt)}>
      {formatRelative(computer.lastSeenAt, now)}
    </time>
  );
}

/** One line of the line view (F2.6): status, OS icon, name, last seen, actions. */
export function ComputerRow({ computer, computers }: { computer: Computer; computers: ComputersModel }) {
  const row = useModel(() => new ComputerRowModel(computers, computer.id, computer.name));
  const menuRef = useRef<HTMLDivElement>(null);
  useDismiss(menuRef, row.menuOpen);
  const isOwner = computer.access === "owner";

  return (
    <li class="computer-row" data-computer-id={computer.id}>
      <div class="col-status">
        <StatusBadge status={computer.status} />
      </div>
      <div class="col-os">
        <OsIcon os={computer.os} />
      </div>
      <div class="col-name">
        {row.mode.value === "rename" ? (
          <form
            class="inline-form"
            onSubmit={(event) => {
              event.preventDefault();
              void row.saveName();
            }}
          >
            <input
              aria-label="Computer name"
              value={row.draftName.value}
              onInput={(event) => (row.draftName.value = event.currentTarget.value)}
              maxLength={64}
              required
              autoFocus
            />
            <button type="submit" class="button button-primary button-small" disabled={row.pending.value}>
              Save
            </button>
            <button type="button" class="button button-ghost button-small" onClick={row.cancel}>
              Cancel
            </button>
          </form>
        ) : (
          <>
            <strong class="computer-name">{computer.name}</strong>
            <span class="computer-meta">
              {computer.isDemo && <span class="tag">Demo</span>}
              {!isOwner && <span class="tag tag-shared">Shared by {computer.ownerEmail}</span>}
              {computer.location.city || computer.location.country ? (
                <span>{[computer.location.city, computer.location.country].filter(Boolean).join(", ")}</span>
              ) : null}
            </span>
          </>
        )}
        {row.mode.value === "confirm-remove" && (
          <div class="inline-confirm" role="group" aria-label="Confirm removal">
            <span>{isOwner ? "Remove this computer from your account?" : "Remove this shared computer from your list?"}</span>
            <button type="button" class="button button-danger button-small" disabled={row.pending.value} onClick={row.confirmRemove}>
              Remove
            </button>
            <button type="button" class="button button-ghost button-small" onClick={row.cancel}>
              Cancel
            </button>
          </div>
        )}
        {row.error.value && (
          <p class="row-error" role="alert">
            {row.error.value}
          </p>
        )}
      </div>
      <div class="col-seen">
        <LastSeen computer={computer} now={computers.now.value} />
      </div>
      <div class="col-actions" ref={menuRef}>
        {computer.online && computer.status !== "disabled" ? (
          // F2.9: one click opens the connection window in its own tab.
          <a class="button button-primary button-small" href={`/connect/${computer.id}`} target="_blank" rel="noopener" data-testid="connect">
            Connect
          </a>
        ) : (
          <button type="button" class="button button-secondary button-small" disabled title="The computer is offline">
            Connect
          </button>
        )}
        <button
          type="button"
          class="icon-button"
          aria-label={`Actions for ${computer.name}`}
          aria-haspopup="menu"
          aria-expanded={row.menuOpen.value}
          onClick={row.toggleMenu}
        >
          <MoreIcon />
        </button>
        {row.menuOpen.value && (
          <div class="menu" role="menu">
            {isOwner && (
              <button type="button" role="menuitem" class="menu-item" onClick={() => row.startRename(computer.name)}>
                Rename…
              </button>
            )}
            <button type="button" role="menuitem" class="menu-item menu-item-danger" onClick={row.startRemove}>
              {isOwner ? "Remove…" : "Remove from my list…"}
            </button>
          </div>
        )}
      </div>
    </li>
  );
}
