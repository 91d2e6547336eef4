// Password recovery links (F1.5): only the SHA-256 of each token is stored.
import { and, eq, gt, inArray, isNull } from "drizzle-orm";
import type { Db } from "../db/client";
import { passwordResets } from "../db/schema";

export async function insertPasswordReset(db: Db, row: { tokenHash: string; userId: string; expiresAt: number }): Promise<void> {
  await db.insert(passwordResets).values(row);
}

/**
 * Spends a live token together with every other unused link of the same user, in one
 * statement: a password set through one link must not leave the others able to set it
 * again, and of two links used at once only one can win. Returns the user, or undefined
 * when the token is unknown, used or expired.
 */
export async function spendPasswordReset(db: Db, tokenHash: string, now: number): Promise<string | undefined> {
  const owner = db
    .select({ userId: passwordResets.userId })
    .from(passwordResets)
    .where(and(eq(passwordResets.tokenHash, tokenHash), isNull(passwordResets.usedAt), gt(passwordResets.expiresAt, now)));
  const spent = await db
    .update(passwordResets)
    .set({ usedAt: now })
    .where(and(isNull(passwordResets.usedAt), inArray(passwordResets.userId, owner)))
    .returning({ tokenHash: passwordResets.tokenHash, userId: passwordResets.userId });
  return spent.find((r) => r.tokenHash === tokenHash)?.userId;
}
