import type { Computer, ComputerStatus } from "../../../protocol/api";
import { formatAbsolute, formatDate } from "../ui/time";

/** F2.7: how each status reads, and what it means (shown as a tooltip). */
export const statusInfo: Record<ComputerStatus, { label: string; description: string }> = {
  online: { label: "Online", description: "Connected and available." },
  offline: { label: "Offline", description: "Not available right now." },
  not_installed: {
    label: "Not installed",
    description: "The agent runs without being installed: connectable, but access is lost when the computer restarts.",
  },
  restricted: {
    label: "Restricted",
    description: "Connectable for now: the plan's computer limit is exceeded, so this computer is disabled 10 days after it was added.",
  },
  disabled: { label: "Disabled", description: "Blocked for connections because the plan's computer limit is exceeded." },
};

function statusTitle(computer: Pick<Computer, "status" | "restrictedUntil">): string {
  const info = statusInfo[computer.status];
  if (computer.status === "restricted" && computer.restrictedUntil) {
    return `${info.description} Disabled from ${formatAbsolute(computer.restrictedUntil)}.`;
  }
  return info.description;
}

export function StatusBadge({ computer }: { computer: Pick<Computer, "status" | "restrictedUntil" | "online"> }) {
  const { status } = computer;
  const info = statusInfo[status];
  // Restricted and Disabled say nothing about presence; the dot still does.
  const presence = status === "restricted" || status === "disabled" ? (computer.online ? " is-online" : " is-offline") : "";
  return (
    <span class={`status status-${status}${presence}`} title={statusTitle(computer)}>
      <span class="status-dot" aria-hidden="true" />
      <span class="status-label">{info.label}</span>
    </span>
  );
}

/** "until <date>" under a Restricted status (F2.7). */
export function RestrictedUntil({ computer }: { computer: Pick<Computer, "status" | "restrictedUntil"> }) {
  if (computer.status !== "restricted" || !computer.restrictedUntil) return null;
  return (
    <time class="status-until" dateTime={computer.restrictedUntil} title={formatAbsolute(computer.restrictedUntil)}>
      until {formatDate(computer.restrictedUntil)}
    </time>
  );
}
