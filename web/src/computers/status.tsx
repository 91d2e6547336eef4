import type { Computer, ComputerStatus } from "../../../protocol/api";
import { t } from "../i18n/i18n";
import { formatAbsolute, formatDate } from "../ui/time";

/** F2.7: how each status reads. */
export function statusLabel(status: ComputerStatus): string {
  return t(`computers.status.${status}`);
}

/** F2.7: what each status means (shown as a tooltip). */
export function statusDescription(status: ComputerStatus): string {
  return t(`computers.status.${status}Text`);
}

function statusTitle(computer: Pick<Computer, "status" | "restrictedUntil">): string {
  const description = statusDescription(computer.status);
  if (computer.status === "restricted" && computer.restrictedUntil) {
    return `${description} ${t("computers.status.disabledFrom", { date: formatAbsolute(computer.restrictedUntil) })}`;
  }
  return description;
}

export function StatusBadge({ computer }: { computer: Pick<Computer, "status" | "restrictedUntil" | "online"> }) {
  const { status } = computer;
  // Restricted and Disabled say nothing about presence; the dot still does.
  const presence = status === "restricted" || status === "disabled" ? (computer.online ? " is-online" : " is-offline") : "";
  return (
    <span class={`status status-${status}${presence}`} title={statusTitle(computer)}>
      <span class="status-dot" aria-hidden="true" />
      <span class="status-label">{statusLabel(status)}</span>
    </span>
  );
}

/** "until <date>" under a Restricted status (F2.7). */
export function RestrictedUntil({ computer }: { computer: Pick<Computer, "status" | "restrictedUntil"> }) {
  if (computer.status !== "restricted" || !computer.restrictedUntil) return null;
  return (
    <time class="status-until" dateTime={computer.restrictedUntil} title={formatAbsolute(computer.restrictedUntil)}>
      {t("computers.status.until", { date: formatDate(computer.restrictedUntil) })}
    </time>
  );
}
