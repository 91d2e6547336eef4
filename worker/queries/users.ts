import { and, eq } from "drizzle-orm";
import type { Db } from "../db/client";
import { users } from "../db/schema";

export type UserRow = typeof users.$inferSelect;

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export async function findUserByEmail(db: Db, email: string): Promise<UserRow | undefined> {
  return db.select().from(users).where(eq(users.email, normalizeEmail(email))).get();
}

export async function findUserById(db: Db, id: string): Promise<UserRow | undefined> {
  return db.select().from(users).where(eq(users.id, id)).get();
}

/** Returns false when the e-mail is already taken (the unique index decides, so two racing sign-ups cannot both win). */
export async function insertUser(db: Db, row: { id: string; email: string; passwordHash: string }): Promise<boolean> {
  const inserted = await db
    .insert(users)
    .values({ ...row, email: normalizeEmail(row.email) })
    .onConflictDoNothing({ target: users.email })
    .returning({ id: users.id });
  return inserted.length === 1;
}

/**
 * Activates a pending account; true only for the call that changed the row, so whatever
 * comes with activation (the demo computer, F2.2) happens once, whichever path got there.
 */
export async function activateUser(db: Db, id: string, at: number): Promise<boolean> {
  const changed = await db
    .update(users)
    .set({ status: "active", activatedAt: at })
    .where(and(eq(users.id, id), eq(users.status, "pending")))
    .returning({ id: users.id });
  return changed.length === 1;
}

/** Whether the cabinet makes the user replace the e-mailed password before anything else (F1.2). */
export async function setMustChangePassword(db: Db, id: string, mustChangePassword: boolean): Promise<void> {
  await db.update(users).set({ mustChangePassword }).where(eq(users.id, id));
}

export type ProfilePatch = Partial<Pick<UserRow, "firstName" | "lastName" | "country" | "language" | "timeZone" | "timeFormat" | "tourDone">>;

export async function updateProfile(db: Db, id: string, patch: ProfilePatch): Promise<void> {
  const set = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
  if (Object.keys(set).length > 0) await db.update(users).set(set).where(eq(users.id, id));
}

export async function deleteUser(db: Db, id: string): Promise<void> {
  await db.delete(users).where(eq(users.id, id));
}

/** Deletes an account that never signed in, if it still has this password hash. */
export async function deleteUnusedUser(db: Db, id: string, passwordHash: string): Promise<void> {
  await db.delete(users).where(and(eq(users.id, id), eq(users.passwordHash, passwordHash), eq(users.status, "pending")));
}

export async function setPasswordHash(db: Db, id: string, passwordHash: string, mustChangePassword: boolean): Promise<void> {
  await db.update(users).set({ passwordHash, mustChangePassword }).where(eq(users.id, id));
}
