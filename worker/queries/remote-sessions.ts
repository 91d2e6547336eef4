import { and, eq, isNull, ne, or, sql, type SQL } from "drizzle-orm";
import type { Db } from "../db/client";
import { remoteSessions } from "../db/schema";

export type RemoteSessionRow = typeof remoteSessions.$inferSelect;

export type NewRemoteSession = {
  id: string;
  computerId: string;
  userId: string | null;
  signInHash: string | null;
  source: RemoteSessionRow["source"];
  viewerIp: string;
  viewerAgent: string;
  startedAt: number;
};

/**
 * Inserts the session only while fewer sessions run on the owner's computers than the owner's
 * plan allows (F8.1), in one statement: counting first and inserting after would let two
 * Connects at the same moment both pass the count, and reading the plan first would cost
 * Connect another round trip. An owner without a plan row has no limit. With `onePerUser`,
 * also only while this user has no session running on this computer. False when refused.
 */
export async function insertRemoteSession(db: Db, row: NewRemoteSession, ownerId: string, opts: { onePerUser?: boolean } = {}): Promise<boolean> {
  const inserted = await db.all<{ id: string }>(sql`
    INSERT INTO remote_sessions (id, computer_id, user_id, sign_in_hash, source, viewer_ip, viewer_agent, started_at, computer_name)
    SELECT ${row.id}, ${row.computerId}, ${row.userId}, ${row.signInHash}, ${row.source}, ${row.viewerIp}, ${row.viewerAgent}, ${row.startedAt},
           (SELECT name FROM computers WHERE id = ${row.computerId})
    WHERE (SELECT count(*) FROM remote_sessions rs JOIN computers c ON c.id = rs.computer_id
           WHERE c.owner_id = ${ownerId} AND rs.ended_at IS NULL)
        < coalesce((SELECT p.max_concurrent_sessions FROM users u JOIN plans p ON p.id = u.plan_id WHERE u.id = ${ownerId}), ${Number.MAX_SAFE_INTEGER})
      ${
        opts.onePerUser
          ? sql`AND NOT EXISTS (SELECT 1 FROM remote_sessions WHERE computer_id = ${row.computerId} AND user_id = ${row.userId} AND ended_at IS NULL)`
          : sql``
      }
    RETURNING id`);
  return inserted.length === 1;
}

/** Completes the history row once; later calls (a second socket closing) change nothing. */
export async function endRemoteSession(db: Db, id: string, at: number): Promise<void> {
  await db
    .update(remoteSessions)
    .set({ endedAt: at })
    .where(and(eq(remoteSessions.id, id), isNull(remoteSessions.endedAt)));
}

/**
 * Removes a session that never got as far as asking the agent (offline, or a failure before
 * the agent was told): an attempt, not a connection, so not history.
 */
export async function deleteRemoteSession(db: Db, id: string): Promise<void> {
  await db.delete(remoteSessions).where(eq(remoteSessions.id, id));
}

export async function findRemoteSession(db: Db, id: string): Promise<RemoteSessionRow | undefined> {
  return db.select().from(remoteSessions).where(eq(remoteSessions.id, id)).get();
}

/** Ids of the sessions still running that match every filter given. */
async function liveIds(db: Db, ...filters: (SQL | undefined)[]): Promise<string[]> {
  const rows = await db
    .select({ id: remoteSessions.id })
    .from(remoteSessions)
    .where(and(isNull(remoteSessions.endedAt), ...filters))
    .all();
  return rows.map((r) => r.id);
}

/** Sessions still running on a computer; only those `userId` is viewing when given. */
export function liveSessionIds(db: Db, computerId: string, userId?: string): Promise<string[]> {
  return liveIds(db, eq(remoteSessions.computerId, computerId), userId === undefined ? undefined : eq(remoteSessions.userId, userId));
}

/** Which of a user's sign-ins: just one, every one but one, or (empty) all of them. */
export type SignIns = { only?: string; except?: string };

/** Sessions still running that `userId` views from the given sign-ins. */
export function liveSessionIdsOfSignIns(db: Db, userId: string, which: SignIns): Promise<string[]> {
  const ofSignIn = which.only
    ? eq(remoteSessions.signInHash, which.only)
    : which.except
      ? or(isNull(remoteSessions.signInHash), ne(remoteSessions.signInHash, which.except))
      : undefined;
  return liveIds(db, eq(remoteSessions.userId, userId), ofSignIn);
}
