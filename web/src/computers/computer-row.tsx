import { useModel, type ReadonlySignal } from "@preact/signals";
import type { Computer } from "../../../protocol/api";
import { Trans } from "../i18n/trans";
import { ComputerRowModel } from "./computer-row-model";
import {
  ActionsMenu,
  ConnectButton,
  FavoriteButton,
  locationParts,
  PublicAccessMark,
  RelativeTime,
  RemoveConfirm,
  Tags,
} from "./computer-parts";
import type { ComputersModel } from "./computers-model";
import { OsIcon } from "./os-icon";
import { RestrictedUntil, StatusBadge } from "./status";

type ItemProps = { entry: ReadonlySignal<Computer>; computers: ComputersModel };

function LastSeen({ computer, now }: { computer: Computer; now: ReadonlySignal<number> }) {
  if (computer.online || !computer.lastSeenAt) return null;
  return (
    <span class="status-sub">
      <Trans k="computers.seen" parts={[<RelativeTime iso={computer.lastSeenAt} now={now} />]} />
    </span>
  );
}

/**
 * One line of the line view (F2.6): status, OS icon, name, location, last connection,
 * actions. It reads its own computer's signal, so it re-renders when that computer changes
 * and never because another one did.
 */
export function ComputerRow({ entry, computers }: ItemProps) {
  const computer = entry.value;
  const row = useModel(() => new ComputerRowModel(computers, computer.id));
  const { ip, place } = locationParts(computer);
  const openInfo = () => computers.openDialog("system-info", computer.id);

  return (
    <li class={`computer-row${row.menuOpen.value ? " has-menu" : ""}`} data-computer-id={computer.id}>
      <div class="col-status">
        {StatusBadge({ computer })}
        {RestrictedUntil({ computer })}
        {LastSeen({ computer, now: computers.now })}
      </div>
      <div class="col-os">
        {OsIcon({ os: computer.os, onOpen: openInfo })}
      </div>
      <div class="col-name">
        <div class="name-line">
          {FavoriteButton({ computer, computers })}
          <strong class="computer-name">{computer.name}</strong>
          {PublicAccessMark({ computer, computers })}
        </div>
        <span class="computer-meta">
          {Tags({ computer })}
        </span>
        {RemoveConfirm({ computer, row })}
      </div>
      <div class="col-location">
        <span class="location-ip">{ip}</span>
        <span class="location-place">{place}</span>
      </div>
      <div class="col-seen">
        <span class="last-connection">
          <RelativeTime iso={computer.lastConnectedAt} now={computers.now} />
        </span>
      </div>
      <div class="col-actions">
        {ConnectButton({ computer })}
        {ActionsMenu({ computer, row })}
      </div>
    </li>
  );
}
