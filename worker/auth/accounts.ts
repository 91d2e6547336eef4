// Account rules (F1.1, F1.2, F1.4), free of HTTP: routes call these and shape responses.
import type { Db } from "../db/client";
import { ApiError } from "../errors";
import { newId, randomToken, sha256Hex } from "../lib/bytes";
import type { Language } from "../../protocol/languages";
import { mailLanguage } from "../mail/language";
import type { MailMessage, MailTransport } from "../mail/message";
import { mailTransport } from "../mail/transport";
import { alreadyRegisteredMail, welcomeMail } from "../mail/templates";
import { insertAuthSession } from "../queries/auth-sessions";
import { replacePassword } from "../queries/passwords";
import { grantDemoComputers } from "../queries/sharing";
import { activateUser, deleteUnusedUser, findUserByEmail, insertUser, normalizeEmail, setPasswordHash, updateProfile, type UserRow } from "../queries/users";
import { settleAll } from "../lib/settle";
import { SESSION_TTL_MS } from "./session-cookie";
import { dummyPasswordHash, generatePassword, hashPassword, verifyPassword } from "./password";
import { beginPasswordAttempt } from "./login-throttle";
import { endSignIns } from "./sign-out";

/**
 * Registrations per address per hour. A real user sends one, perhaps a second when the
 * first mail is slow or lands in spam; three covers that, and stops anyone else from
 * flooding the mailbox or resetting a pending account's password over and over.
 */
const REGISTRATIONS_PER_HOUR = 3;

export function passwordIterations(env: Env): number {
  const n = Number(env.PASSWORD_ITERATIONS);
  return Number.isInteger(n) && n >= 10_000 ? n : 100_000;
}

/**
 * Registers an address and e-mails a generated password. The caller answers the same
 * whatever the address's state, so nobody learns which addresses have accounts; a mail that
 * cannot be sent is a 502 mail_failed in every state alike (see send()).
 * `language` is the one the registering browser prefers: a new account keeps it as its
 * profile language (F1.7) and its mail is written in it; an existing account's mail is in
 * the language it chose, if any.
 */
export async function register(env: Env, db: Db, email: string, cabinetUrl: string, language: Language): Promise<void> {
  // Each call mails the address and may replace a pending account's password, so an
  // address takes only a few per hour; past that the call does nothing at all (the caller
  // still answers the same, so the limit reveals nothing about the address).
  const limiter = env.RATE_LIMITER.getByName(`register:${normalizeEmail(email)}`);
  const takenAt = Date.now();
  if ((await limiter.take(REGISTRATIONS_PER_HOUR, 3600_000, takenAt)) > 0) return;
  try {
    await registerTaken(env, db, email, cabinetUrl, language);
  } catch (err) {
    // A mail that did not go changed nothing: it must not use up one of the hour's tries.
    if (err instanceof ApiError && err.code === "mail_failed") await settleAll("give back a registration", [limiter.giveBack(takenAt)]);
    throw err;
  }
}

async function registerTaken(env: Env, db: Db, email: string, cabinetUrl: string, language: Language): Promise<void> {
  const iterations = passwordIterations(env);
  const password = generatePassword();
  const passwordHash = await hashPassword(password, iterations);
  const mail = mailTransport(env, db);
  const id = newId();
  if (await insertUser(db, { id, email, passwordHash })) {
    await updateProfile(db, id, { language });
    try {
      await send(mail, welcomeMail(email, password, cabinetUrl, language), "welcome");
    } catch (err) {
      // Nobody knows the password it was made with: without its mail the account is as if
      // it had never been registered, and the next try starts afresh. Only while it still
      // has that password: a registration of the same address at the same moment may have
      // mailed another one for it since.
      await settleAll("forget an account whose welcome mail failed", [deleteUnusedUser(db, id, passwordHash)]);
      throw err;
    }
    return;
  }
  const existing = await findUserByEmail(db, email);
  const existingLanguage = mailLanguage(existing?.language, language);
  if (existing?.status === "pending") {
    // Never signed in: the first mail may be lost, so a new password replaces the old one,
    // once its mail is on the way: a mail that fails leaves the last one mailed working.
    await send(mail, welcomeMail(email, password, cabinetUrl, existingLanguage), "welcome");
    await setPasswordHash(db, existing.id, passwordHash, true);
  } else {
    await send(mail, alreadyRegisteredMail(email, cabinetUrl, existingLanguage), "already registered");
  }
}

/**
 * Sends, or answers 502 mail_failed: the person can try again later. Every branch of
 * register() sends one mail, so a failing transport answers the same whether or not the
 * address has an account. The cause is logged for the operator, without the address.
 */
async function send(mail: MailTransport, message: MailMessage, kind: string): Promise<void> {
  try {
    await mail.send(message);
  } catch (err) {
    console.error(JSON.stringify({ event: "mail_failed", kind, error: String(err) }));
    throw new ApiError("mail_failed", "The e-mail could not be sent. Try again in a few minutes.");
  }
}

export type SignIn = { user: UserRow; token: string };

/**
 * Checks an e-mail and password, for the cabinet and for an agent signing in alike. An
 * unknown address and a wrong password give the same error after the same work, and both
 * count against the rate limits. The first success activates a pending account (F1.1).
 */
export async function verifyCredentials(env: Env, db: Db, input: { email: string; password: string; ip: string }): Promise<UserRow> {
  const iterations = passwordIterations(env);
  const user = await findUserByEmail(db, input.email);
  const attempt = await beginPasswordAttempt(env, input.email, user?.passwordHash, input.ip);
  const check = await verifyPassword(input.password, user?.passwordHash ?? (await dummyPasswordHash(iterations)), iterations);
  if (!user || !check.ok) throw new ApiError("invalid_credentials", "The e-mail address or the password is not correct.");
  await attempt.succeeded();
  if (user.status === "pending") {
    const now = Date.now();
    await activateAccount(db, user.id, now);
    user.status = "active";
    user.activatedAt = now;
  }
  if (check.needsRehash) await setPasswordHash(db, user.id, await hashPassword(input.password, iterations), user.mustChangePassword);
  return user;
}

/**
 * Activates a pending account, by whichever path proves it first (first login, a password
 * reset, a social sign-in), and gives it the demo computers (F2.2) then; a no-op for an
 * account that is already active, so a race between two paths grants once.
 */
export async function activateAccount(db: Db, userId: string, at: number): Promise<void> {
  if (await activateUser(db, userId, at)) await grantDemoComputers(db, userId);
}

/** Signs a browser in: credentials checked, then a session whose token only the cookie holds. */
export async function login(
  env: Env,
  db: Db,
  input: { email: string; password: string; ip: string; userAgent: string },
): Promise<SignIn> {
  const user = await verifyCredentials(env, db, input);
  return { user, token: await openSession(db, user.id, input) };
}

/** A new signed-in session; returns the token for the cookie (D1 keeps only its hash). */
export async function openSession(db: Db, userId: string, from: { ip: string; userAgent: string }): Promise<string> {
  const token = randomToken();
  await insertAuthSession(db, {
    tokenHash: await sha256Hex(token),
    userId,
    expiresAt: Date.now() + SESSION_TTL_MS,
    userAgent: from.userAgent,
    ip: from.ip,
  });
  return token;
}

/**
 * The signed-in user's current password, asked again before what a stolen cookie must not do
 * (a password change, deleting the account, connecting a sign-in provider). Counted against
 * the same limits as signing in. Throws 403 wrong_password.
 */
export async function confirmPassword(env: Env, user: UserRow, password: string, ip: string, wrong = "The current password is not correct."): Promise<void> {
  const attempt = await beginPasswordAttempt(env, user.email, user.passwordHash, ip);
  const check = await verifyPassword(password, user.passwordHash, passwordIterations(env));
  if (!check.ok) throw new ApiError("wrong_password", wrong);
  await attempt.succeeded();
}

/** F1.2 / F1.8: needs the current password; other browsers are signed out. */
export async function changePassword(
  env: Env,
  db: Db,
  user: UserRow,
  input: { currentPassword: string; newPassword: string; keepTokenHash: string; ip: string },
): Promise<void> {
  await confirmPassword(env, user, input.currentPassword, input.ip);
  if (input.newPassword === input.currentPassword) {
    throw new ApiError("weak_password", "Choose a new password that differs from the current one.");
  }
  // With it, in one write: recovery links asked for before (one would set the password again
  // behind the user's back) spent, and the other browsers signed out.
  await replacePassword(db, user.id, await hashPassword(input.newPassword, passwordIterations(env)), { now: Date.now(), keepTokenHash: input.keepTokenHash });
  await endSignIns(env, db, user.id, { except: input.keepTokenHash }, "the password was changed");
}
