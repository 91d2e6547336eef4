import { and, eq, gt, ne } from "drizzle-orm";
import type { Db } from "../db/client";
import { authSessions, users } from "../db/schema";
import type { UserRow } from "./users";

export async function insertAuthSession(
  db: Db,
  row: { tokenHash: string; userId: string; expiresAt: number; userAgent: string; ip: string },
): Promise<void> {
  await db.insert(authSessions).values(row);
}

/** The user behind a live (unexpired) session token hash, in one query. */
export async function findUserBySessionHash(db: Db, tokenHash: string, now: number): Promise<UserRow | undefined> {
  const row = await db
    .select({ user: users })
    .from(authSessions)
    .innerJoin(users, eq(users.id, authSessions.userId))
    .where(and(eq(authSessions.tokenHash, tokenHash), gt(authSessions.expiresAt, now)))
    .get();
  return row?.user;
}

/** Signs one browser out; the user it belonged to, if it existed. */
export async function deleteAuthSession(db: Db, tokenHash: string): Promise<string | undefined> {
  const [row] = await db.delete(authSessions).where(eq(authSessions.tokenHash, tokenHash)).returning({ userId: authSessions.userId });
  return row?.userId;
}

/** Sign out every other browser, e.g. after a password change. */
export async function deleteOtherAuthSessions(db: Db, userId: string, keepTokenHash: string): Promise<void> {
  await db.delete(authSessions).where(and(eq(authSessions.userId, userId), ne(authSessions.tokenHash, keepTokenHash)));
}

export async function deleteAllAuthSessions(db: Db, userId: string): Promise<void> {
  await db.delete(authSessions).where(eq(authSessions.userId, userId));
}
