// The pieces a row (line view) and a tile (tile view) share: the star, the Connect button,
// the location, the sharing marks, the actions menu and the removal confirmation.
//
// A list of 1,000 computers renders each of these 1,000 times, so the hook-free ones are
// called as plain functions (`{FavoriteButton({ ... })}`), not mounted as components: no
// component instance, no signal subscription of their own. Only RelativeTime (it follows the
// clock) and the open menu are components.
import type { ReadonlySignal } from "@preact/signals";
import type { RefObject } from "preact";
import { useMemo, useRef } from "preact/hooks";
import type { Computer } from "../../../protocol/api";
import { GlobeIcon, InfoIcon, SettingsIcon, ShareIcon, TrashIcon } from "../ui/icons";
import { formatAbsolute, formatRelative } from "../ui/time";
import { useDismiss } from "../ui/use-dismiss";
import type { ComputerRowModel } from "./computer-row-model";
import type { ComputersModel } from "./computers-model";

/** A relative time that follows the clock; only this text re-renders when the clock ticks. */
export function RelativeTime({ iso, now, never = "Never" }: { iso: string | null; now: ReadonlySignal<number>; never?: string }) {
  if (!iso) return <span class="muted">{never}</span>;
  return (
    <time dateTime={iso} title={formatAbsolute(iso)}>
      {formatRelative(iso, now.value)}
    </time>
  );
}

export function FavoriteButton({ computer, computers }: { computer: Computer; computers: ComputersModel }) {
  const label = computer.favorite ? `Remove ${computer.name} from favorites` : `Add ${computer.name} to favorites`;
  return (
    <button
      type="button"
      class={`star-button${computer.favorite ? " is-favorite" : ""}`}
      aria-pressed={computer.favorite}
      aria-label={label}
      title={computer.favorite ? "Remove from favorites" : "Add to favorites"}
      onClick={() => void computers.toggleFavorite(computer.id)}
    />
  );
}

function connectBlocker(computer: Computer): string | null {
  if (computer.status === "disabled") {
    return computer.access === "owner"
      ? "Disabled: your plan's computer limit is exceeded. Remove a computer or change the plan to connect."
      : "Disabled: the owner's plan limit is exceeded.";
  }
  if (!computer.online) return "The computer is offline";
  return null;
}

/** F2.9: one click opens the connection window in its own tab. */
export function ConnectButton({ computer, block = false }: { computer: Computer; block?: boolean }) {
  const blocker = connectBlocker(computer);
  const size = block ? "" : " button-small";
  if (blocker) {
    // A disabled button gets no hover in some browsers: the wrapper carries the tooltip.
    return (
      <span class={`connect-blocked${block ? " connect-block" : ""}`} title={blocker}>
        <button type="button" class={`button button-secondary${size}`} disabled title={blocker}>
          Connect
        </button>
      </span>
    );
  }
  return (
    <a
      class={`button button-primary${size}${block ? " connect-block" : ""}`}
      href={`/connect/${computer.id}`}
      target="_blank"
      rel="noopener"
      data-testid="connect"
    >
      Connect
    </a>
  );
}

/** Public IP, city and country as the Worker saw the agent's connection (F2.6). */
export function locationParts(computer: Computer): { ip: string; place: string } {
  const { ip, city, country } = computer.location;
  return { ip: ip || "unknown", place: [city, country].filter(Boolean).join(", ") || "unknown" };
}

/** F2.11: the clickable mark of a computer open to people outside the account. */
export function PublicAccessMark({ computer, computers }: { computer: Computer; computers: ComputersModel }) {
  if (!computer.publicAccess) return null;
  if (computer.access !== "owner") {
    return (
      <span class="public-mark" title="Public access is on" role="img" aria-label="Public access">
        <GlobeIcon />
      </span>
    );
  }
  return (
    <button
      type="button"
      class="public-mark"
      title="Public access is on: manage sharing"
      aria-label={`Public access to ${computer.name}: manage sharing`}
      onClick={() => computers.openDialog("sharing", computer.id)}
    >
      <GlobeIcon />
    </button>
  );
}

/** The group tag is always there; the list hides it with CSS while grouped by group. */
export function Tags({ computer }: { computer: Computer }) {
  return (
    <>
      {computer.isDemo && <span class="tag">Demo</span>}
      {computer.access === "shared" && (
        <span class="tag tag-shared" title={computer.ownerEmail}>
          Shared by {computer.ownerName || computer.ownerEmail}
        </span>
      )}
      {computer.group && <span class="tag tag-group">{computer.group}</span>}
    </>
  );
}

function MenuPopup({ row, computer }: { row: ComputerRowModel; computer: Computer }) {
  const ref = useRef<HTMLDivElement>(null);
  // Clicks inside the menu's container (the toggle included) do not dismiss it.
  const container = useMemo<RefObject<HTMLElement | null>>(() => ({ get current() { return ref.current?.parentElement ?? null; } }), []);
  // Mounted only while open, so a thousand closed menus listen to nothing.
  useDismiss(container, row.menuOpen);
  const isOwner = computer.access === "owner";
  return (
    <div class="menu" role="menu" aria-label={`Actions for ${computer.name}`} ref={ref}>
      <button type="button" role="menuitem" class="menu-item" onClick={() => row.open("system-info")}>
        <InfoIcon />
        System information
      </button>
      {isOwner && (
        <button type="button" role="menuitem" class="menu-item" onClick={() => row.open("settings")}>
          <SettingsIcon />
          Settings…
        </button>
      )}
      {isOwner && (
        <button type="button" role="menuitem" class="menu-item" onClick={() => row.open("sharing")}>
          <ShareIcon />
          Sharing…
        </button>
      )}
      <div class="menu-separator" role="separator" />
      <button type="button" role="menuitem" class="menu-item menu-item-danger" onClick={row.startRemove}>
        <TrashIcon />
        {isOwner ? "Remove…" : "Remove from my list…"}
      </button>
    </div>
  );
}

export function ActionsMenu({ computer, row }: { computer: Computer; row: ComputerRowModel }) {
  return (
    <div class="actions-menu">
      <button
        type="button"
        class="icon-button more-button"
        aria-label={`Actions for ${computer.name}`}
        aria-haspopup="menu"
        aria-expanded={row.menuOpen.value}
        onClick={row.toggleMenu}
      />
      {row.menuOpen.value && <MenuPopup row={row} computer={computer} />}
    </div>
  );
}

export function RemoveConfirm({ computer, row }: { computer: Computer; row: ComputerRowModel }) {
  return (
    <>
      {row.mode.value === "confirm-remove" && (
        <div class="inline-confirm" role="group" aria-label="Confirm removal">
          <span>
            {computer.access === "owner" ? "Remove this computer from your account?" : "Remove this shared computer from your list?"}
          </span>
          <span class="inline-confirm-actions">
            <button type="button" class="button button-danger button-small" disabled={row.pending.value} onClick={row.confirmRemove}>
              Remove
            </button>
            <button type="button" class="button button-ghost button-small" onClick={row.cancel}>
              Cancel
            </button>
          </span>
        </div>
      )}
      {row.error.value && (
        <p class="row-error" role="alert">
          {row.error.value}
        </p>
      )}
    </>
  );
}
