import { and, eq, gt } from "drizzle-orm";
import type { Db } from "../db/client";
import { authSessions, plans, users } from "../db/schema";
import type { PlanRow } from "./plans";
import type { UserRow } from "./users";

export async function insertAuthSession(
  db: Db,
  row: { tokenHash: string; userId: string; expiresAt: number; userAgent: string; ip: string },
): Promise<void> {
  await db.insert(authSessions).values(row);
}

/** The user behind a live (unexpired) session token hash, in one query. */
export async function findUserBySessionHash(db: Db, tokenHash: string, now: number): Promise<UserRow | undefined> {
  return (await findSignedIn(db, tokenHash, now))?.user;
}

/**
 * The user behind a live session and their plan, in one query: every signed-in request looks
 * the session up, and with the plan at hand GET /me (the cabinet's first call) needs no
 * second round trip to D1.
 */
export async function findSignedIn(db: Db, tokenHash: string, now: number): Promise<{ user: UserRow; plan: PlanRow } | undefined> {
  return db
    .select({ user: users, plan: plans })
    .from(authSessions)
    .innerJoin(users, eq(users.id, authSessions.userId))
    .innerJoin(plans, eq(plans.id, users.planId))
    .where(and(eq(authSessions.tokenHash, tokenHash), gt(authSessions.expiresAt, now)))
    .get();
}

/** Signs one browser out; the user it belonged to, if it existed. */
export async function deleteAuthSession(db: Db, tokenHash: string): Promise<string | undefined> {
  const [row] = await db.delete(authSessions).where(eq(authSessions.tokenHash, tokenHash)).returning({ userId: authSessions.userId });
  return row?.userId;
}

/** Signs out every browser of a user. */
export async function deleteAllAuthSessions(db: Db, userId: string): Promise<void> {
  await db.delete(authSessions).where(eq(authSessions.userId, userId));
}
