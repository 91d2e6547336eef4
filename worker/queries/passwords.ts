// A new password and what must go with it, as one D1 batch (a transaction): the hash set, the
// user's open recovery links spent (one could set the password again behind their back) and
// their sign-ins ended but the one kept, and on a reset its social sign-in links forgotten.
// Done one by one, a failure between them left a new
// password with the old sign-ins still in, which is what a reset is meant to stop.
import { and, eq, isNull, ne } from "drizzle-orm";
import type { Db } from "../db/client";
import { authSessions, oauthAccounts, passwordResets, users } from "../db/schema";

/**
 * `forgetSocialSignIns`: a reset proves the mailbox and nothing else, so the provider
 * identities linked to the account go (one linked by someone who held the address at the
 * provider before the owner took it back must not keep a way in). Google's links come back by
 * themselves at the next Google sign-in (it vouches for the address); Facebook is connected
 * again from the profile.
 */
export async function replacePassword(
  db: Db,
  userId: string,
  passwordHash: string,
  opts: { now: number; keepTokenHash?: string; forgetSocialSignIns?: boolean },
): Promise<void> {
  const signIns = opts.keepTokenHash === undefined ? eq(authSessions.userId, userId) : and(eq(authSessions.userId, userId), ne(authSessions.tokenHash, opts.keepTokenHash));
  await db.batch([
    db.update(users).set({ passwordHash, mustChangePassword: false }).where(eq(users.id, userId)),
    db.update(passwordResets).set({ usedAt: opts.now }).where(and(eq(passwordResets.userId, userId), isNull(passwordResets.usedAt))),
    db.delete(authSessions).where(signIns),
    ...(opts.forgetSocialSignIns ? [db.delete(oauthAccounts).where(eq(oauthAccounts.userId, userId))] : []),
  ]);
}
