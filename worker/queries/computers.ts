import { and, eq, or, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { computers, shares, users } from "../db/schema";

export type ComputerRow = typeof computers.$inferSelect;
export type Access = "owner" | "shared";

/** The columns a viewer may see: never the sealed credentials or the agent secret hash. */
const visible = {
  id: computers.id,
  ownerId: computers.ownerId,
  name: computers.name,
  os: computers.os,
  agentVersion: computers.agentVersion,
  groupName: computers.groupName,
  online: computers.online,
  installed: computers.installed,
  publicAccess: computers.publicAccess,
  publicIp: computers.publicIp,
  city: computers.city,
  country: computers.country,
  lastSeenAt: computers.lastSeenAt,
  lastConnectedAt: computers.lastConnectedAt,
  isDemo: computers.isDemo,
  createdAt: computers.createdAt,
  ownerEmail: users.email,
};

export type VisibleComputer = Pick<ComputerRow, Exclude<keyof typeof visible, "ownerEmail">> & {
  ownerEmail: string;
  access: Access;
};

function accessOf(ownerId: string, userId: string): Access {
  return ownerId === userId ? "owner" : "shared";
}

/**
 * Every computer the user may reach: owned or shared with them. One query however many
 * computers there are (the list is the cabinet's hottest read).
 */
export async function listVisibleComputers(db: Db, userId: string): Promise<VisibleComputer[]> {
  const rows = await db
    .select(visible)
    .from(computers)
    .innerJoin(users, eq(users.id, computers.ownerId))
    .leftJoin(shares, and(eq(shares.computerId, computers.id), eq(shares.userId, userId)))
    .where(or(eq(computers.ownerId, userId), eq(shares.userId, userId)))
    .orderBy(sql`lower(${computers.name})`);
  return rows.map((r) => ({ ...r, access: accessOf(r.ownerId, userId) }));
}

/**
 * The single access check for a computer: every route and every ticket goes through it.
 * Returns undefined both for "does not exist" and "not yours", so the two look the same.
 */
export async function findVisibleComputer(db: Db, userId: string, computerId: string): Promise<VisibleComputer | undefined> {
  const row = await db
    .select(visible)
    .from(computers)
    .innerJoin(users, eq(users.id, computers.ownerId))
    .leftJoin(shares, and(eq(shares.computerId, computers.id), eq(shares.userId, userId)))
    .where(and(eq(computers.id, computerId), or(eq(computers.ownerId, userId), eq(shares.userId, userId))))
    .get();
  return row && { ...row, access: accessOf(row.ownerId, userId) };
}

export async function updateComputer(db: Db, id: string, patch: { name?: string; groupName?: string }): Promise<void> {
  const set = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
  if (Object.keys(set).length === 0) return;
  await db.update(computers).set(set).where(eq(computers.id, id));
}

export async function deleteComputer(db: Db, id: string): Promise<void> {
  await db.delete(computers).where(eq(computers.id, id));
}

/** Removes the user's own share of someone else's computer (a shared user "removes" it from their list). */
export async function deleteShare(db: Db, computerId: string, userId: string): Promise<void> {
  await db.delete(shares).where(and(eq(shares.computerId, computerId), eq(shares.userId, userId)));
}

export async function insertComputer(
  db: Db,
  row: { id: string; ownerId: string; name: string; os: ComputerRow["os"]; agentVersion?: string; agentSecretHash?: string; isDemo?: boolean },
): Promise<void> {
  await db.insert(computers).values(row);
}

/** What the Worker needs to authenticate an agent's socket. */
export async function findAgentSecretHash(db: Db, computerId: string): Promise<string | undefined> {
  const row = await db.select({ h: computers.agentSecretHash }).from(computers).where(eq(computers.id, computerId)).get();
  return row?.h ?? undefined;
}

/** Presence, written by the ComputerHub when the agent's control socket opens and closes. */
export async function setComputerPresence(
  db: Db,
  id: string,
  presence: { online: boolean; at: number; location?: { ip: string; city: string; country: string } },
): Promise<void> {
  const loc = presence.location;
  await db
    .update(computers)
    .set({
      online: presence.online,
      lastSeenAt: presence.at,
      ...(loc ? { publicIp: loc.ip, city: loc.city, country: loc.country } : {}),
    })
    .where(eq(computers.id, id));
}

/** Facts the agent reports about itself in its hello. */
export async function setAgentFacts(
  db: Db,
  id: string,
  facts: { os: ComputerRow["os"]; agentVersion: string; installed: boolean },
): Promise<void> {
  await db.update(computers).set(facts).where(eq(computers.id, id));
}

export async function touchLastConnected(db: Db, id: string, at: number): Promise<void> {
  await db.update(computers).set({ lastConnectedAt: at }).where(eq(computers.id, id));
}
