// Rows -> API objects. The only place that decides what a client sees of a row.
// (userWithPlan reads the plan it needs; everything else here is pure.)
import type { Computer, User } from "../../protocol/api";
import { computerStatus } from "../computers/status";
import { iso } from "../lib/request";
import type { VisibleComputer } from "../queries/computers";
import { findPlan, type PlanRow } from "../queries/plans";
import type { Db } from "../db/client";
import type { UserRow } from "../queries/users";

/** The user with their plan, as /api/me and login answer. */
export async function userWithPlan(db: Db, u: UserRow): Promise<User> {
  const plan = await findPlan(db, u.planId);
  if (!plan) throw new Error(`user ${u.id} has unknown plan ${u.planId}`);
  return toUserDto(u, plan);
}

export function toUserDto(u: UserRow, plan: PlanRow): User {
  return {
    id: u.id,
    email: u.email,
    status: u.status,
    mustChangePassword: u.mustChangePassword,
    firstName: u.firstName,
    lastName: u.lastName,
    country: u.country,
    language: u.language,
    timeZone: u.timeZone,
    timeFormat: u.timeFormat,
    tourDone: u.tourDone,
    planId: u.planId,
    plan: { id: plan.id, name: plan.name, maxComputers: plan.maxComputers, maxConcurrentSessions: plan.maxConcurrentSessions },
    createdAt: iso(u.createdAt)!,
  };
}

export function toComputerDto(c: VisibleComputer, now = Date.now()): Computer {
  const { status, restrictedUntil } = computerStatus(c, now);
  return {
    id: c.id,
    name: c.name,
    os: c.os,
    status,
    online: c.online,
    group: c.groupName,
    access: c.access,
    ownerEmail: c.ownerEmail,
    ownerName: c.ownerName,
    favorite: c.favorite,
    restrictedUntil: iso(restrictedUntil),
    agentVersion: c.agentVersion,
    publicAccess: c.publicAccess,
    location: { ip: c.publicIp, city: c.city, country: c.country },
    isDemo: c.isDemo,
    // The timestamp in the URL makes each thumbnail its own cacheable resource.
    screenshotUrl: c.screenshotAt ? `/api/computers/${c.id}/screenshot?v=${c.screenshotAt}` : null,
    screenshotAt: iso(c.screenshotAt),
    hasSystemInfo: c.hasSystemInfo,
    settings: { allowNonAdminConfig: c.allowNonAdminConfig, hasCredentials: c.hasCredentials },
    lastSeenAt: iso(c.lastSeenAt),
    lastConnectedAt: iso(c.lastConnectedAt),
    createdAt: iso(c.createdAt)!,
  };
}
