import { useModel, type ReadonlySignal } from "@preact/signals";
import type { Computer } from "../../../protocol/api";
import { ComputerRowModel } from "./computer-row-model";
import { ActionsMenu, ConnectButton, FavoriteButton, locationParts, PublicAccessMark, RelativeTime, RemoveConfirm, Tags } from "./computer-parts";
import type { ComputersModel } from "./computers-model";
import { OsIcon } from "./os-icon";
import { formatAbsolute } from "../ui/time";
import { RestrictedUntil, StatusBadge } from "./status";

type ItemProps = { entry: ReadonlySignal<Computer>; computers: ComputersModel };

function Thumbnail({ computer }: { computer: Computer }) {
  if (!computer.screenshotUrl) {
    return (
      <div class={`thumb-placeholder g-${computer.os}`} aria-hidden="true">
        No screenshot yet
      </div>
    );
  }
  return (
    <img
      class="thumb-image"
      src={computer.screenshotUrl}
      alt={`Screen of ${computer.name}`}
      loading="lazy"
      decoding="async"
      width={480}
      height={300}
      title={computer.screenshotAt ? `Screenshot taken ${formatAbsolute(computer.screenshotAt)}` : undefined}
    />
  );
}

/** One tile of the tile view (F2.6, F2.15): the screenshot with the status on it, then the name and location. */
export function ComputerTile({ entry, computers }: ItemProps) {
  const computer = entry.value;
  const row = useModel(() => new ComputerRowModel(computers, computer.id));
  const { ip, place } = locationParts(computer);

  return (
    <li class={`computer-tile${row.menuOpen.value ? " has-menu" : ""}`} data-computer-id={computer.id}>
      <div class="tile-thumb">
        {Thumbnail({ computer })}
        <div class="tile-status">
          {StatusBadge({ computer })}
          {RestrictedUntil({ computer })}
        </div>
        <div class="tile-corner">
          {PublicAccessMark({ computer, computers })}
          {FavoriteButton({ computer, computers })}
        </div>
      </div>
      <div class="tile-body">
        <div class="tile-title">
          {OsIcon({ os: computer.os, onOpen: () => computers.openDialog("system-info", computer.id) })}
          <div class="tile-name">
            <strong class="computer-name" title={computer.name}>
              {computer.name}
            </strong>
            <span class="tile-location" title={`${ip} · ${place}`}>
              {ip} · {place}
            </span>
          </div>
          {ActionsMenu({ computer, row })}
        </div>
        <span class="computer-meta">
          {Tags({ computer })}
        </span>
        {RemoveConfirm({ computer, row })}
        <div class="tile-footer">
          <span class="tile-used">
            Last connection: <RelativeTime iso={computer.lastConnectedAt} now={computers.now} />
          </span>
          {ConnectButton({ computer })}
        </div>
      </div>
    </li>
  );
}
