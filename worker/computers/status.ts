// Computer status (F2.7) from presence and the owner's plan (F8.1). Pure: the clock is an
// argument, so the 10-day rule is tested by passing a time, not by waiting.
import type { Computer } from "../../protocol/api";
import type { VisibleComputer } from "../queries/computers";

export const RESTRICTED_DAYS = 10;
const DAY_MS = 24 * 3600_000;

export type PlanFacts = Pick<VisibleComputer, "online" | "installed" | "isDemo" | "createdAt" | "rankInOwner" | "ownerMaxComputers">;

/**
 * A computer beyond the owner's plan limit (the newest ones, by when they were added) is
 * Restricted for 10 days from when it was added, then Disabled. Within the limit the status
 * is presence: Online, Not installed (online, agent not installed) or Offline. The demo
 * computer is never limited.
 */
export function computerStatus(c: PlanFacts, now: number): { status: Computer["status"]; restrictedUntil: number | null } {
  if (!c.isDemo && c.rankInOwner > c.ownerMaxComputers) {
    const until = c.createdAt + RESTRICTED_DAYS * DAY_MS;
    return now < until ? { status: "restricted", restrictedUntil: until } : { status: "disabled", restrictedUntil: null };
  }
  if (!c.online) return { status: "offline", restrictedUntil: null };
  return { status: c.installed || c.isDemo ? "online" : "not_installed", restrictedUntil: null };
}
