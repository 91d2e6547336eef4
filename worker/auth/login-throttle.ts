import { rateLimited } from "../errors";

/** Failed logins allowed per window before the next attempt must wait. */
export const LOGIN_LIMITS = {
  perAccount: { limit: 5, windowMs: 15 * 60_000 },
  perIp: { limit: 20, windowMs: 15 * 60_000 },
} as const;

/** An address's failed sign-ins. */
function accountLimiter(env: Env, email: string) {
  return env.RATE_LIMITER.getByName(`login-account:${email}`);
}

function limiters(env: Env, email: string, ip: string) {
  return {
    account: accountLimiter(env, email),
    ip: env.RATE_LIMITER.getByName(`login-ip:${ip}`),
  };
}

/** A password check under way: it holds one failure slot on the account and one on the IP. */
export type PasswordAttempt = {
  /** The password was right: the slots are given back and the account's count is cleared. */
  succeeded(): Promise<void>;
};

/**
 * Takes a failure slot on the account and on the IP before a password is checked, refusing
 * with 429 when either has none left. Taking (one call per limiter) rather than checking
 * before and recording after: with check-then-record, guesses sent in parallel all passed
 * the check before the first failure was recorded. A wrong password keeps its slots; so the
 * same limits cover sign-in, an agent's sign-in, and the current password asked for by a
 * password change or an account deletion (a stolen cookie must not allow guessing either).
 */
export async function beginPasswordAttempt(env: Env, email: string, ip: string): Promise<PasswordAttempt> {
  const l = limiters(env, email, ip);
  const now = Date.now();
  const [a, i] = await Promise.all([
    l.account.take(LOGIN_LIMITS.perAccount.limit, LOGIN_LIMITS.perAccount.windowMs, now),
    l.ip.take(LOGIN_LIMITS.perIp.limit, LOGIN_LIMITS.perIp.windowMs, now),
  ]);
  if (a > 0 || i > 0) {
    // A refused attempt is not a failure: give back the slot the other limiter gave.
    await Promise.all([a === 0 && l.account.giveBack(now), i === 0 && l.ip.giveBack(now)]);
    throw rateLimited(Math.max(a, i), "Too many failed attempts.");
  }
  // Success clears the account's count but only gives back the IP's slot: one good password
  // must not unlock guessing others from the same address.
  return { succeeded: async () => void (await Promise.all([l.account.reset(), l.ip.giveBack(now)])) };
}

/**
 * Forgets the account's failed sign-ins: its owner just proved they hold its mailbox (a
 * password reset). Whoever kept it locked by guessing must not lock the owner out of the
 * password they chose a moment ago.
 */
export async function clearAccountFailures(env: Env, email: string): Promise<void> {
  await accountLimiter(env, email).reset();
}
