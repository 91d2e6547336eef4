import { useModel, type ReadonlySignal } from "@preact/signals";
import type { Computer } from "../../../protocol/api";
import { t } from "../i18n/i18n";
import { Trans } from "../i18n/trans";
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
        {t("computers.noScreenshot")}
      </div>
    );
  }
  return (
    <img
      class="thumb-image"
      src={computer.screenshotUrl}
      alt={t("computers.screenOf", { name: computer.name })}
      loading="lazy"
      decoding="async"
      width={480}
      height={300}
      title={computer.screenshotAt ? t("computers.screenshotTaken", { time: formatAbsolute(computer.screenshotAt) }) : undefined}
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
            <Trans k="computers.lastConnection" parts={[<RelativeTime iso={computer.lastConnectedAt} now={computers.now} />]} />
          </span>
          {ConnectButton({ computer })}
        </div>
      </div>
    </li>
  );
}
