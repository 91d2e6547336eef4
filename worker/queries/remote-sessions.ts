import { and, eq, isNull } from "drizzle-orm";
import type { Db } from "../db/client";
import { remoteSessions } from "../db/schema";

export type RemoteSessionRow = typeof remoteSessions.$inferSelect;

export async function insertRemoteSession(
  db: Db,
  row: { id: string; computerId: string; userId: string | null; source: RemoteSessionRow["source"]; viewerIp: string; viewerAgent: string; startedAt: number },
): Promise<void> {
  await db.insert(remoteSessions).values(row);
}

/** Completes the history row once; later calls (a second socket closing) change nothing. */
export async function endRemoteSession(db: Db, id: string, at: number): Promise<void> {
  await db
    .update(remoteSessions)
    .set({ endedAt: at })
    .where(and(eq(remoteSessions.id, id), isNull(remoteSessions.endedAt)));
}

export async function findRemoteSession(db: Db, id: string): Promise<RemoteSessionRow | undefined> {
  return db.select().from(remoteSessions).where(eq(remoteSessions.id, id)).get();
}

/** Sessions still running on a computer; only those `userId` is viewing when given. */
export async function liveSessionIds(db: Db, computerId: string, userId?: string): Promise<string[]> {
  const rows = await db
    .select({ id: remoteSessions.id })
    .from(remoteSessions)
    .where(
      and(
        eq(remoteSessions.computerId, computerId),
        isNull(remoteSessions.endedAt),
        userId === undefined ? undefined : eq(remoteSessions.userId, userId),
      ),
    )
    .all();
  return rows.map((r) => r.id);
}
