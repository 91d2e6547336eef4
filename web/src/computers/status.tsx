import type { ComputerStatus } from "../../../protocol/api";

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
    description: "Connectable, but access will be restricted 10 days after the computer was added (plan limits exceeded).",
  },
  disabled: { label: "Disabled", description: "Blocked for connections because the plan's limits are exceeded." },
};

export function StatusBadge({ status }: { status: ComputerStatus }) {
  const info = statusInfo[status];
  return (
    <span class={`status status-${status}`} title={info.description}>
      <span class="status-dot" aria-hidden="true" />
      {info.label}
    </span>
  );
}
