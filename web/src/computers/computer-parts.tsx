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
import { t } from "../i18n/i18n";
import { GlobeIcon, InfoIcon, SettingsIcon, ShareIcon, TrashIcon } from "../ui/icons";
import { formatAbsolute, formatRelative } from "../ui/time";
import { useDismiss } from "../ui/use-dismiss";
import type { ComputerRowModel } from "./computer-row-model";
import type { ComputersModel, DialogKind } from "./computers-model";

/** A relative time that follows the clock; only this text re-renders when the clock ticks. */
export function RelativeTime({ iso, now, never }: { iso: string | null; now: ReadonlySignal<number>; never?: string }) {
  if (!iso) return <span class="muted">{never ?? t("common.never")}</span>;
  return (
    <time dateTime={iso} title={formatAbsolute(iso)}>
      {formatRelative(iso, now.value)}
    </time>
  );
}

export function FavoriteButton({ computer, computers }: { computer: Computer; computers: ComputersModel }) {
  const label = t(computer.favorite ? "computers.favoriteRemove" : "computers.favoriteAdd", { name: computer.name });
  return (
    <button
      type="button"
      class={`star-button${computer.favorite ? " is-favorite" : ""}`}
      aria-pressed={computer.favorite}
      aria-label={label}
      title={t(computer.favorite ? "computers.favoriteRemoveShort" : "computers.favoriteAddShort")}
      onClick={() => void computers.toggleFavorite(computer.id)}
    />
  );
}

function connectBlocker(computer: Computer): string | null {
  if (computer.status === "disabled") {
    return t(computer.access === "owner" ? "computers.blockedDisabledOwner" : "computers.blockedDisabledShared");
  }
  if (!computer.online) return t("computers.blockedOffline");
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
          {t("computers.connect")}
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
      {t("computers.connect")}
    </a>
  );
}

/** Public IP, city and country as the Worker saw the agent's connection (F2.6). */
export function locationParts(computer: Computer): { ip: string; place: string } {
  const { ip, city, country } = computer.location;
  return { ip: ip || t("common.unknown"), place: [city, country].filter(Boolean).join(", ") || t("common.unknown") };
}

/** F2.11: the clickable mark of a computer open to people outside the account. */
export function PublicAccessMark({ computer, computers }: { computer: Computer; computers: ComputersModel }) {
  if (!computer.publicAccess) return null;
  if (computer.access !== "owner") {
    return (
      <span class="public-mark" title={t("computers.publicOn")} role="img" aria-label={t("computers.publicLabel")}>
        <GlobeIcon />
      </span>
    );
  }
  return (
    <button
      type="button"
      class="public-mark"
      title={t("computers.publicManage")}
      aria-label={t("computers.publicManageLabel", { name: computer.name })}
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
      {computer.isDemo && <span class="tag">{t("computers.demo")}</span>}
      {computer.access === "shared" && (
        <span class="tag tag-shared" title={computer.ownerEmail}>
          {t("computers.sharedBy", { name: computer.ownerName || computer.ownerEmail })}
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
  // The menu item goes away as the dialog opens: focus first moves to the menu's button, which
  // the dialog then hands focus back to when it closes (not to the top of the page).
  const open = (kind: DialogKind) => {
    ref.current?.parentElement?.querySelector<HTMLElement>(".more-button")?.focus();
    row.open(kind);
  };
  return (
    <div class="menu" role="menu" aria-label={t("computers.actionsFor", { name: computer.name })} ref={ref}>
      <button type="button" role="menuitem" class="menu-item" onClick={() => open("system-info")}>
        <InfoIcon />
        {t("computers.menuSystemInfo")}
      </button>
      {isOwner && (
        <button type="button" role="menuitem" class="menu-item" onClick={() => open("settings")}>
          <SettingsIcon />
          {t("computers.menuSettings")}
        </button>
      )}
      {isOwner && (
        <button type="button" role="menuitem" class="menu-item" onClick={() => open("sharing")}>
          <ShareIcon />
          {t("computers.menuSharing")}
        </button>
      )}
      <div class="menu-separator" role="separator" />
      <button type="button" role="menuitem" class="menu-item menu-item-danger" onClick={row.startRemove}>
        <TrashIcon />
        {t(isOwner ? "computers.menuRemove" : "computers.menuRemoveShared")}
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
        aria-label={t("computers.actionsFor", { name: computer.name })}
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
        <div class="inline-confirm" role="group" aria-label={t("computers.confirmRemoval")}>
          <span>{t(computer.access === "owner" ? "computers.confirmRemoveOwn" : "computers.confirmRemoveShared")}</span>
          <span class="inline-confirm-actions">
            <button type="button" class="button button-danger button-small" disabled={row.pending.value} onClick={row.confirmRemove}>
              {t("computers.remove")}
            </button>
            <button type="button" class="button button-ghost button-small" onClick={row.cancel}>
              {t("common.cancel")}
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
