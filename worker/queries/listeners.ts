import { eq, inArray, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { cabinetListeners } from "../db/schema";

/** The user has a cabinet tab listening (again); the first one since the last left sets `since`. */
export async function addListener(db: Db, userId: string, now: number): Promise<void> {
  await db.insert(cabinetListeners).values({ userId, since: now }).onConflictDoNothing();
}

/** The user's last tab went away. */
export async function removeListener(db: Db, userId: string): Promise<void> {
  await db.delete(cabinetListeners).where(eq(cabinetListeners.userId, userId));
}

/** Which of these users have a tab listening. */
export async function listeningAmong(db: Db, userIds: string[]): Promise<string[]> {
  if (userIds.length === 0) return [];
  const rows = await db.select({ userId: cabinetListeners.userId }).from(cabinetListeners).where(inArray(cabinetListeners.userId, userIds)).all();
  return rows.map((r) => r.userId);
}

/**
 * Users who see the computer (its owner and everyone it is shared with) and have a tab
 * listening. Walks the listeners (few) and looks each up in the shares' key, so a computer
 * shared with every account (the demo) costs as little as any other.
 */
export async function listenersWhoSee(db: Db, computerId: string): Promise<string[]> {
  const rows = await db.all<{ user_id: string }>(sql`
    SELECT l.user_id FROM cabinet_listeners l
    WHERE l.user_id = (SELECT owner_id FROM computers WHERE id = ${computerId})
       OR EXISTS (SELECT 1 FROM shares s WHERE s.computer_id = ${computerId} AND s.user_id = l.user_id)`);
  return rows.map((r) => r.user_id);
}
