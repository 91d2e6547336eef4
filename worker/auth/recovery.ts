// Password recovery (F1.5): an e-mailed link with a single-use token that expires in an
// hour. The request answers the same whether or not the address has an account.
import type { Db } from "../db/client";
import { ApiError } from "../errors";
import { randomToken, sha256Hex } from "../lib/bytes";
import type { Language } from "../../protocol/languages";
import { mailLanguage } from "../mail/language";
import { mailTransport } from "../mail/transport";
import { recoveryMail } from "../mail/templates";
import { insertPasswordReset, spendPasswordReset } from "../queries/password-resets";
import { replacePassword } from "../queries/passwords";
import { findUserByEmail, normalizeEmail, type UserRow } from "../queries/users";
import { activateAccount, passwordIterations } from "./accounts";
import { hashPassword } from "./password";
import { endSignIns } from "./sign-out";
import { settleAll } from "../lib/settle";

export const RESET_TTL_MS = 60 * 60_000;
/** Recovery mails per address per hour: enough for a typo, too few to flood a mailbox. */
const MAILS_PER_HOUR = 3;

/**
 * Decides whether a recovery link goes out, and hands the sending to `later`, which runs it
 * after the answer: every address costs the same before the answer (a look-up and a limiter),
 * where a mail's round trip to the SMTP server would tell a known address by the answer's time.
 * `requestLanguage` words the mail for an account that chose no language (Accept-Language).
 */
export async function requestRecovery(
  env: Env,
  db: Db,
  email: string,
  cabinetUrl: string,
  requestLanguage: Language,
  later: (work: Promise<void>) => void,
): Promise<void> {
  const [user, wait] = await Promise.all([
    findUserByEmail(db, email),
    env.RATE_LIMITER.getByName(`recover:${normalizeEmail(email)}`).take(MAILS_PER_HOUR, 3600_000),
  ]);
  if (user && wait === 0) later(sendRecoveryLink(env, db, user, cabinetUrl, requestLanguage));
}

/** Stores a new link's token and mails the link; never rejects (nobody is left to tell). */
async function sendRecoveryLink(env: Env, db: Db, user: UserRow, cabinetUrl: string, requestLanguage: Language): Promise<void> {
  const token = randomToken();
  try {
    await insertPasswordReset(db, { tokenHash: await sha256Hex(token), userId: user.id, expiresAt: Date.now() + RESET_TTL_MS });
    const link = `${cabinetUrl}/reset-password?token=${encodeURIComponent(token)}`;
    await mailTransport(env, db).send(recoveryMail(user.email, link, mailLanguage(user.language, requestLanguage)));
  } catch (err) {
    // The answer went long ago (and an unknown address sends nothing, so it could not have
    // said): the operator reads the cause in the log.
    console.error(JSON.stringify({ event: "mail_failed", kind: "recovery", userId: user.id, error: String(err) }));
  }
}

/**
 * Sets the new password if the token is live; the token and every other link of the user
 * are spent (the others would otherwise set the password again), and every session ends.
 */
export async function resetPassword(env: Env, db: Db, token: string, newPassword: string): Promise<void> {
  const now = Date.now();
  // Spending the token is the check: only one request can flip used_at from NULL.
  const userId = await spendPasswordReset(db, await sha256Hex(token), now);
  if (!userId) throw new ApiError("invalid_token", "This recovery link is invalid, used or expired. Ask for a new one.");
  // Whoever knew the old password is signed out with the same write that sets the new one.
  await replacePassword(db, userId, await hashPassword(newPassword, passwordIterations(env)), { now, forgetSocialSignIns: true });
  // Failed sign-ins need no clearing: they count against the password they guessed at
  // (login-throttle.ts), and that is gone.
  await endSignIns(env, db, userId, {}, "the password was reset");
  // A pending account is now proven, and gets what a first login would have given it. The
  // reset itself is done: a failure here is logged, and the first login activates too.
  await settleAll("activate the account after a reset", [activateAccount(db, userId, now)]);
}
