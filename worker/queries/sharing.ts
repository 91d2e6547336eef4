import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { computers, favorites, shares, users } from "../db/schema";

/**
 * Marks or unmarks a favorite. A mark is set only while the user still sees the computer, in
 * the same statement: a share revoked (or a computer removed) since the caller's access check
 * leaves no mark behind (a later share would bring it back) and no foreign-key failure.
 */
export async function setFavorite(db: Db, userId: string, computerId: string, favorite: boolean): Promise<void> {
  if (!favorite) {
    await db.delete(favorites).where(and(eq(favorites.userId, userId), eq(favorites.computerId, computerId)));
    return;
  }
  await db.run(sql`
    INSERT INTO favorites (user_id, computer_id)
    SELECT ${userId}, ${computerId}
    WHERE EXISTS (
      SELECT 1 FROM computers c WHERE c.id = ${computerId}
        AND (c.owner_id = ${userId} OR EXISTS (SELECT 1 FROM shares s WHERE s.computer_id = c.id AND s.user_id = ${userId})))
    ON CONFLICT DO NOTHING`);
}

export type ShareRow = { userId: string; email: string; firstName: string; lastName: string; createdAt: number };

export async function listShares(db: Db, computerId: string): Promise<ShareRow[]> {
  return db
    .select({ userId: shares.userId, email: users.email, firstName: users.firstName, lastName: users.lastName, createdAt: shares.createdAt })
    .from(shares)
    .innerJoin(users, eq(users.id, shares.userId))
    .where(eq(shares.computerId, computerId))
    .orderBy(users.email);
}

/**
 * Shares a computer: its time when made, "exists" when it was shared already, "gone" when the
 * computer went meanwhile (removed since the caller's access check: no foreign-key failure).
 */
export async function insertShare(db: Db, computerId: string, userId: string): Promise<{ createdAt: number } | "exists" | "gone"> {
  const [made] = await db.all<{ created_at: number }>(sql`
    INSERT INTO shares (computer_id, user_id)
    SELECT ${computerId}, ${userId} WHERE EXISTS (SELECT 1 FROM computers WHERE id = ${computerId})
    ON CONFLICT DO NOTHING
    RETURNING created_at`);
  if (made) return { createdAt: made.created_at };
  const existing = await db.select({ u: shares.userId }).from(shares).where(and(eq(shares.computerId, computerId), eq(shares.userId, userId))).get();
  return existing ? "exists" : "gone";
}

/**
 * Ends a share, and the user's favorite mark on the computer with it in the same batch: a
 * mark on a computer they no longer see would come back with a later share of it.
 */
export async function deleteShareOf(db: Db, computerId: string, userId: string): Promise<boolean> {
  const [rows] = await db.batch([
    db
      .delete(shares)
      .where(and(eq(shares.computerId, computerId), eq(shares.userId, userId)))
      .returning({ u: shares.userId }),
    db.delete(favorites).where(and(eq(favorites.computerId, computerId), eq(favorites.userId, userId))),
  ]);
  return rows.length === 1;
}

/** F2.2: every demo computer is shared with a user when their account is activated. */
export async function grantDemoComputers(db: Db, userId: string): Promise<void> {
  await db.run(sql`
    INSERT OR IGNORE INTO shares (computer_id, user_id)
    SELECT id, ${userId} FROM computers WHERE is_demo = 1 AND owner_id != ${userId}`);
}

/**
 * Who each of an owner's computers is shared with (user -> computer ids), in one query.
 * Demo computers are left out: they are shared with every account.
 */
export async function sharesOfOwner(db: Db, ownerId: string): Promise<Map<string, string[]>> {
  const rows = await db
    .select({ userId: shares.userId, computerId: shares.computerId })
    .from(shares)
    .innerJoin(computers, eq(computers.id, shares.computerId))
    .where(and(eq(computers.ownerId, ownerId), eq(computers.isDemo, false)))
    .all();
  const byUser = new Map<string, string[]>();
  for (const r of rows) byUser.set(r.userId, [...(byUser.get(r.userId) ?? []), r.computerId]);
  return byUser;
}
