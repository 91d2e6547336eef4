import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { computers } from "../db/schema";

export type ComputerRow = typeof computers.$inferSelect;
export type Access = "owner" | "shared";

/** A computer as one user sees it: never the sealed credentials or the agent secret hash. */
export type VisibleComputer = Pick<
  ComputerRow,
  | "id"
  | "ownerId"
  | "name"
  | "os"
  | "agentVersion"
  | "groupName"
  | "online"
  | "installed"
  | "publicAccess"
  | "allowNonAdminConfig"
  | "publicIp"
  | "city"
  | "country"
  | "screenshotAt"
  | "lastSeenAt"
  | "lastConnectedAt"
  | "isDemo"
  | "createdAt"
> & {
  ownerEmail: string;
  ownerName: string;
  access: Access;
  favorite: boolean;
  hasCredentials: boolean;
  hasSystemInfo: boolean;
  /** 1 for the owner's oldest computer; above the plan's limit means Restricted/Disabled (F2.7). */
  rankInOwner: number;
  ownerMaxComputers: number;
};

type RawVisible = {
  /** The user the list is for (from the `me` row, also when they see nothing). */
  me_id: string;
  /** NULL only on the single row of a user who sees no computer. */
  id: string | null;
  owner_id: string;
  name: string;
  os: ComputerRow["os"];
  agent_version: string;
  group_name: string;
  online: number;
  installed: number;
  public_access: number;
  allow_non_admin_config: number;
  public_ip: string;
  city: string;
  country: string;
  screenshot_at: number | null;
  last_seen_at: number | null;
  last_connected_at: number | null;
  is_demo: number;
  created_at: number;
  owner_email: string;
  owner_first_name: string;
  owner_last_name: string;
  favorite: number;
  has_credentials: number;
  has_system_info: number;
  rank_in_owner: number;
  owner_max_computers: number;
};

/**
 * The visible computers of a user, in one statement however many there are (the list is the
 * cabinet's hottest read). The rank of each computer among its owner's computers is computed
 * over all of that owner's computers (not only the visible ones), so a shared computer gets
 * the same plan status for everyone.
 */
function visibleSql(me: Me, onlyId?: string) {
  // `me` is the user's id, given or looked up from a live session inside the same statement.
  const meSql = "userId" in me ? sql`SELECT ${me.userId} AS id` : sql`SELECT user_id AS id FROM auth_sessions WHERE token_hash = ${me.tokenHash} AND expires_at > ${me.now}`;
  const userId = sql`(SELECT id FROM me)`;
  return sql`
    WITH me AS (${meSql}),
    owners AS (
      SELECT id AS owner_id FROM me
      UNION SELECT c.owner_id FROM shares s JOIN computers c ON c.id = s.computer_id WHERE s.user_id = ${userId}
    ),
    ranked AS (
      SELECT id, row_number() OVER (PARTITION BY owner_id ORDER BY created_at, id) AS rank_in_owner
      FROM computers WHERE owner_id IN (SELECT owner_id FROM owners)
    ),
    list AS (
    SELECT c.id, c.owner_id, c.name, c.os, c.agent_version, c.group_name, c.online, c.installed,
           c.public_access, c.allow_non_admin_config, c.public_ip, c.city, c.country, c.screenshot_at,
           c.last_seen_at, c.last_connected_at, c.is_demo, c.created_at,
           u.email AS owner_email, u.first_name AS owner_first_name, u.last_name AS owner_last_name,
           EXISTS (SELECT 1 FROM favorites f WHERE f.user_id = ${userId} AND f.computer_id = c.id) AS favorite,
           c.credentials_sealed IS NOT NULL AS has_credentials,
           c.system_info IS NOT NULL AS has_system_info,
           r.rank_in_owner, p.max_computers AS owner_max_computers
    FROM computers c
    JOIN ranked r ON r.id = c.id
    JOIN users u ON u.id = c.owner_id
    JOIN plans p ON p.id = u.plan_id
    WHERE (c.owner_id = ${userId} OR EXISTS (SELECT 1 FROM shares s WHERE s.computer_id = c.id AND s.user_id = ${userId}))
      ${onlyId ? sql`AND c.id = ${onlyId}` : sql``}
    )
    -- One row with a NULL id when "me" sees nothing; none at all when the session is not live.
    SELECT me.id AS me_id, list.* FROM me LEFT JOIN list ON 1 = 1
    ORDER BY lower(list.name), list.id`;
}

/** The rows of visibleSql: the user's id, and the computers (none when only the NULL row came). */
function fromRows(rows: RawVisible[]): { userId: string; computers: VisibleComputer[] } | undefined {
  const userId = rows[0]?.me_id;
  if (!userId) return undefined;
  const computers: VisibleComputer[] = [];
  for (const r of rows) if (isComputerRow(r)) computers.push(fromRaw(r, userId));
  return { userId, computers };
}

function isComputerRow(r: RawVisible): r is RawVisible & { id: string } {
  return r.id !== null;
}

function fromRaw(r: RawVisible & { id: string }, userId: string): VisibleComputer {
  const ownerName = `${r.owner_first_name} ${r.owner_last_name}`.trim();
  return {
    id: r.id,
    ownerId: r.owner_id,
    name: r.name,
    os: r.os,
    agentVersion: r.agent_version,
    groupName: r.group_name,
    online: r.online === 1,
    installed: r.installed === 1,
    publicAccess: r.public_access === 1,
    allowNonAdminConfig: r.allow_non_admin_config === 1,
    publicIp: r.public_ip,
    city: r.city,
    country: r.country,
    screenshotAt: r.screenshot_at,
    lastSeenAt: r.last_seen_at,
    lastConnectedAt: r.last_connected_at,
    isDemo: r.is_demo === 1,
    createdAt: r.created_at,
    ownerEmail: r.owner_email,
    ownerName: ownerName || r.owner_email,
    access: r.owner_id === userId ? "owner" : "shared",
    favorite: r.favorite === 1,
    hasCredentials: r.has_credentials === 1,
    hasSystemInfo: r.has_system_info === 1,
    rankInOwner: r.rank_in_owner,
    ownerMaxComputers: r.owner_max_computers,
  };
}

/** Whose computers: a known user, or the user of a live session (looked up in the same statement). */
type Me = { userId: string } | { tokenHash: string; now: number };

/** Every computer the user may reach: owned or shared with them, sorted by name. */
export async function listVisibleComputers(db: Db, userId: string): Promise<VisibleComputer[]> {
  return fromRows(await db.all<RawVisible>(visibleSql({ userId })))?.computers ?? [];
}

/**
 * The user of a live session and every computer they may reach, in ONE statement and so one
 * D1 round trip: the list is the cabinet's hottest read, and a round trip to D1 costs more
 * than the query. Undefined when the session is not live (expired, signed out, unknown).
 */
export async function sessionComputers(db: Db, tokenHash: string, now: number): Promise<{ userId: string; computers: VisibleComputer[] } | undefined> {
  return fromRows(await db.all<RawVisible>(visibleSql({ tokenHash, now })));
}

/**
 * The single access check for a computer: every route and every ticket goes through it.
 * Returns undefined both for "does not exist" and "not yours", so the two look the same.
 */
export async function findVisibleComputer(db: Db, userId: string, computerId: string): Promise<VisibleComputer | undefined> {
  return fromRows(await db.all<RawVisible>(visibleSql({ userId }, computerId)))?.computers[0];
}

export type ComputerPatch = Partial<Pick<ComputerRow, "name" | "groupName" | "allowNonAdminConfig" | "publicAccess" | "credentialsSealed">>;

export async function updateComputer(db: Db, id: string, patch: ComputerPatch): Promise<void> {
  const set = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
  if (Object.keys(set).length === 0) return;
  await db.update(computers).set(set).where(eq(computers.id, id));
}

export async function deleteComputer(db: Db, id: string): Promise<void> {
  await db.delete(computers).where(eq(computers.id, id));
}

export async function insertComputer(
  db: Db,
  row: { id: string; ownerId: string; name: string; os: ComputerRow["os"]; agentVersion?: string; agentSecretHash?: string; isDemo?: boolean; installed?: boolean },
): Promise<void> {
  // Milliseconds (the column default has only seconds): the plan's limit ranks computers by when they were added.
  await db.insert(computers).values({ ...row, createdAt: Date.now() });
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
  presence: { online: boolean; at: number; location?: { ip: string; city: string; country: string }; agentVersion?: string },
): Promise<void> {
  const loc = presence.location;
  await db
    .update(computers)
    .set({
      online: presence.online,
      lastSeenAt: presence.at,
      ...(loc ? { publicIp: loc.ip, city: loc.city, country: loc.country } : {}),
      ...(presence.agentVersion ? { agentVersion: presence.agentVersion } : {}),
    })
    .where(eq(computers.id, id));
}

/** Marks the computer offline if D1 still says online; whether it did (nothing to tell otherwise). */
export async function markOfflineIfOnline(db: Db, id: string, at: number): Promise<boolean> {
  const changed = await db
    .update(computers)
    .set({ online: false, lastSeenAt: at })
    .where(and(eq(computers.id, id), eq(computers.online, true)))
    .returning({ id: computers.id });
  return changed.length > 0;
}

/** Facts the agent reports about itself in its hello. */
export async function setAgentFacts(
  db: Db,
  id: string,
  facts: { os: ComputerRow["os"]; agentVersion: string; installed: boolean },
): Promise<boolean> {
  // Whether the row was there: false once the computer is gone.
  return (await db.update(computers).set(facts).where(eq(computers.id, id)).returning({ id: computers.id })).length > 0;
}

export async function touchLastConnected(db: Db, id: string, at: number): Promise<void> {
  await db.update(computers).set({ lastConnectedAt: at }).where(eq(computers.id, id));
}

/** What a connection needs beyond what the viewer sees: the sealed credentials and the agent setting. */
export async function findComputerSecrets(
  db: Db,
  computerId: string,
): Promise<Pick<ComputerRow, "credentialsSealed" | "allowNonAdminConfig" | "isDemo"> | undefined> {
  return db
    .select({ credentialsSealed: computers.credentialsSealed, allowNonAdminConfig: computers.allowNonAdminConfig, isDemo: computers.isDemo })
    .from(computers)
    .where(eq(computers.id, computerId))
    .get();
}

export async function setSystemInfo(db: Db, id: string, json: string): Promise<boolean> {
  return (await db.update(computers).set({ systemInfo: json }).where(eq(computers.id, id)).returning({ id: computers.id })).length > 0;
}

export async function findSystemInfo(db: Db, id: string): Promise<string | undefined> {
  const row = await db.select({ s: computers.systemInfo }).from(computers).where(eq(computers.id, id)).get();
  return row?.s ?? undefined;
}

export async function setScreenshot(db: Db, id: string, key: string, at: number): Promise<boolean> {
  return (await db.update(computers).set({ screenshotKey: key, screenshotAt: at }).where(eq(computers.id, id)).returning({ id: computers.id })).length > 0;
}

export async function findScreenshotKey(db: Db, id: string): Promise<string | undefined> {
  const row = await db.select({ k: computers.screenshotKey }).from(computers).where(eq(computers.id, id)).get();
  return row?.k ?? undefined;
}
