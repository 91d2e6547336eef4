import { ApiError } from "../errors";

/** Failed logins allowed per window before the next attempt must wait. */
export const LOGIN_LIMITS = {
  perAccount: { limit: 5, windowMs: 15 * 60_000 },
  perIp: { limit: 20, windowMs: 15 * 60_000 },
} as const;

function limiters(env: Env, email: string, ip: string) {
  return {
    account: env.RATE_LIMITER.getByName(`login-account:${email}`),
    ip: env.RATE_LIMITER.getByName(`login-ip:${ip}`),
  };
}

/** Refuses with 429 while either the account or the IP has used up its failures. */
export async function assertLoginAllowed(env: Env, email: string, ip: string): Promise<void> {
  const l = limiters(env, email, ip);
  const [a, i] = await Promise.all([
    l.account.retryAfterMs(LOGIN_LIMITS.perAccount.limit, LOGIN_LIMITS.perAccount.windowMs),
    l.ip.retryAfterMs(LOGIN_LIMITS.perIp.limit, LOGIN_LIMITS.perIp.windowMs),
  ]);
  const wait = Math.max(a, i);
  if (wait > 0) {
    const seconds = Math.ceil(wait / 1000);
    throw new ApiError("rate_limited", `Too many failed sign-in attempts. Try again in ${seconds} seconds.`, {
      "Retry-After": String(seconds),
    });
  }
}

export async function recordLoginFailure(env: Env, email: string, ip: string): Promise<void> {
  const l = limiters(env, email, ip);
  await Promise.all([l.account.recordFailure(LOGIN_LIMITS.perAccount.windowMs), l.ip.recordFailure(LOGIN_LIMITS.perIp.windowMs)]);
}

/** A successful login clears the account's count (not the IP's: one good password must not unlock guessing others). */
export async function clearLoginFailures(env: Env, email: string, ip: string): Promise<void> {
  await limiters(env, email, ip).account.reset();
}
