import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { computers, favorites, shares, users } from "../db/schema";

export async function setFavorite(db: Db, userId: string, computerId: string, favorite: boolean): Promise<void> {
  if (favorite) await db.insert(favorites).values({ userId, computerId }).onConflictDoNothing();
  else await db.delete(favorites).where(and(eq(favorites.userId, userId), eq(favorites.computerId, computerId)));
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

/** False when the share already existed. */
export async function insertShare(db: Db, computerId: string, userId: string): Promise<boolean> {
  const rows = await db.insert(shares).values({ computerId, userId }).onConflictDoNothing().returning({ u: shares.userId });
  return rows.length === 1;
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
