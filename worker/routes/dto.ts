// Rows -> API objects. The only place that decides what a client sees of a row.
import type { Computer, User } from "../../protocol/api";
import { iso } from "../lib/request";
import type { VisibleComputer } from "../queries/computers";
import type { UserRow } from "../queries/users";

export function toUserDto(u: UserRow): User {
  return {
    id: u.id,
    email: u.email,
    status: u.status,
    mustChangePassword: u.mustChangePassword,
    firstName: u.firstName,
    lastName: u.lastName,
    planId: u.planId,
    createdAt: iso(u.createdAt)!,
  };
}

export function computerStatus(c: VisibleComputer): Computer["status"] {
  if (!c.online) return "offline";
  return c.installed || c.isDemo ? "online" : "not_installed";
}

export function toComputerDto(c: VisibleComputer): Computer {
  return {
    id: c.id,
    name: c.name,
    os: c.os,
    status: computerStatus(c),
    online: c.online,
    group: c.groupName,
    access: c.access,
    ownerEmail: c.ownerEmail,
    agentVersion: c.agentVersion,
    publicAccess: c.publicAccess,
    location: { ip: c.publicIp, city: c.city, country: c.country },
    isDemo: c.isDemo,
    lastSeenAt: iso(c.lastSeenAt),
    lastConnectedAt: iso(c.lastConnectedAt),
    createdAt: iso(c.createdAt)!,
  };
}
