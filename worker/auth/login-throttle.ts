import { MAX_COUNTED } from "../../durable-objects/rate-limiter";
import { rateLimited } from "../errors";
import { sha256Hex } from "../lib/bytes";
import { limitedNetwork } from "../lib/request";

/**
 * Failed password checks allowed per window before the next attempt must wait (decision 48).
 * A stranger who knows an address must not be able to keep its owner out: the tight limit is
 * on the address from one client address, and the address as a whole only stops guessing
 * spread over many networks (a lockout then takes several networks guessing for an hour).
 */
export const LOGIN_LIMITS = {
  /** The address from one client address: the owner's typos, or one stranger's guesses. */
  perAccountFromIp: { limit: 5, windowMs: 15 * 60_000 },
  /** The address from everywhere: as many as a RateLimiter counts. */
  perAccount: { limit: MAX_COUNTED, windowMs: 60 * 60_000 },
  /** One client address across every address it tries. */
  perIp: { limit: 20, windowMs: 15 * 60_000 },
} as const;

/**
 * The limiters of one password check. An account's counts are those of its current password
 * (a digest of its stored hash is in the name): a password reset or change starts them
 * afresh on every client address at once, so whoever kept the old one locked by guessing
 * does not lock the owner out of the password they chose a moment ago (a sign-in that
 * re-hashes the password at a higher iteration count starts them afresh too). An unknown
 * address counts as an account without a password. An IPv6 client counts by its /64.
 */
async function limiters(env: Env, email: string, passwordHash: string | undefined, clientIp: string) {
  const ip = limitedNetwork(clientIp);
  const version = passwordHash ? (await sha256Hex(passwordHash)).slice(0, 16) : "none";
  const account = `${email}:${version}`;
  return {
    accountFromIp: env.RATE_LIMITER.getByName(`login-account-ip:${account}:${ip}`),
    account: env.RATE_LIMITER.getByName(`login-account:${account}`),
    ip: env.RATE_LIMITER.getByName(`login-ip:${ip}`),
  };
}

/** A password check under way: it holds one failure slot on each of its limiters. */
export type PasswordAttempt = {
  /** The password was right: the slots are given back and this client address's count on the account cleared. */
  succeeded(): Promise<void>;
};

/**
 * Takes a failure slot on each limiter before a password is checked, refusing with 429 when
 * any has none left. Taking (one call per limiter) rather than checking before and recording
 * after: with check-then-record, guesses sent in parallel all passed the check before the
 * first failure was recorded. A wrong password keeps its slots; so the same limits cover
 * sign-in, an agent's sign-in, and the current password asked for by a password change or an
 * account deletion (a stolen cookie must not allow guessing either). `passwordHash` is the
 * account's stored hash, undefined for an address without an account.
 */
export async function beginPasswordAttempt(env: Env, email: string, passwordHash: string | undefined, ip: string): Promise<PasswordAttempt> {
  const l = await limiters(env, email, passwordHash, ip);
  const now = Date.now();
  const { perAccountFromIp, perAccount, perIp } = LOGIN_LIMITS;
  const [fromIpWait, accountWait, ipWait] = await Promise.all([
    l.accountFromIp.take(perAccountFromIp.limit, perAccountFromIp.windowMs, now),
    l.account.take(perAccount.limit, perAccount.windowMs, now),
    l.ip.take(perIp.limit, perIp.windowMs, now),
  ]);
  if (fromIpWait > 0 || accountWait > 0 || ipWait > 0) {
    // A refused attempt is not a failure: give back the slots the other limiters gave.
    await Promise.all([fromIpWait === 0 && l.accountFromIp.giveBack(now), accountWait === 0 && l.account.giveBack(now), ipWait === 0 && l.ip.giveBack(now)]);
    throw rateLimited(Math.max(fromIpWait, accountWait, ipWait), "Too many failed attempts.");
  }
  // Success clears only this client address's count on the account: the owner's own typos are
  // forgotten, guesses from elsewhere still count, and one good password must not unlock
  // guessing other addresses from the same client address.
  return {
    succeeded: async () => void (await Promise.all([l.accountFromIp.reset(), l.account.giveBack(now), l.ip.giveBack(now)])),
  };
}
