// Social sign-in links (F1.3): which provider identity (provider, subject) signs in to which
// user. A user has at most one identity per provider when they connect one themselves.
import { and, eq, ne, not, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { oauthAccounts } from "../db/schema";

export type ProviderName = (typeof oauthAccounts.$inferSelect)["provider"];

/** The user an identity signs in to, if it is linked. */
export async function findLinkedUserId(db: Db, provider: ProviderName, subject: string): Promise<string | undefined> {
  const row = await db.select({ userId: oauthAccounts.userId }).from(oauthAccounts).where(and(eq(oauthAccounts.provider, provider), eq(oauthAccounts.subject, subject))).get();
  return row?.userId;
}

/** Links an identity to a user unless it is linked already (to anyone: a racing sign-in may have linked it first). */
export async function linkIdentity(db: Db, provider: ProviderName, subject: string, userId: string, email: string): Promise<void> {
  await db.insert(oauthAccounts).values({ provider, subject, userId, email }).onConflictDoNothing();
}

/**
 * The user connects an identity of theirs: it replaces the one they had with that provider, in
 * one batch (connected again, it keeps its date and takes the address the provider gives now).
 * Returns false when the identity is another user's (nothing changes then).
 */
export async function connectIdentity(db: Db, provider: ProviderName, subject: string, userId: string, email: string): Promise<boolean> {
  const othersIdentity = sql`EXISTS (SELECT 1 FROM oauth_accounts o WHERE o.provider = ${provider} AND o.subject = ${subject} AND o.user_id <> ${userId})`;
  const [, inserted] = await db.batch([
    db.delete(oauthAccounts).where(and(eq(oauthAccounts.userId, userId), eq(oauthAccounts.provider, provider), ne(oauthAccounts.subject, subject), not(othersIdentity))),
    db
      .insert(oauthAccounts)
      .values({ provider, subject, userId, email })
      .onConflictDoUpdate({ target: [oauthAccounts.provider, oauthAccounts.subject], set: { email }, setWhere: eq(oauthAccounts.userId, userId) })
      .returning({ userId: oauthAccounts.userId }),
  ]);
  return inserted.length > 0;
}

/** The identities a user can sign in with, oldest first. */
export async function listConnected(db: Db, userId: string): Promise<{ provider: ProviderName; email: string; createdAt: number }[]> {
  return db
    .select({ provider: oauthAccounts.provider, email: oauthAccounts.email, createdAt: oauthAccounts.createdAt })
    .from(oauthAccounts)
    .where(eq(oauthAccounts.userId, userId))
    .orderBy(oauthAccounts.createdAt)
    .all();
}

export async function disconnectProvider(db: Db, userId: string, provider: ProviderName): Promise<void> {
  await db.delete(oauthAccounts).where(and(eq(oauthAccounts.userId, userId), eq(oauthAccounts.provider, provider)));
}
