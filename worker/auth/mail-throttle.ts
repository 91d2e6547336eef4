import { MAX_COUNTED } from "../../durable-objects/rate-limiter";
import { rateLimited } from "../errors";
import { limitedNetwork } from "../lib/request";

/** Used when MAIL_REQUESTS_PER_IP_PER_HOUR is not set. */
const DEFAULT_PER_HOUR = 20;

/**
 * Requests that mail someone (registration, password recovery) a client address may make per
 * hour, whatever addresses they name: the per-address limits cannot stop one client mailing
 * a thousand strangers through us, since each address is a new one. Counted per request, not
 * per mail sent, so the answer says nothing about the addresses. MAIL_REQUESTS_PER_IP_PER_HOUR
 * sets it; "0" switches it off (the local tests and the bench, which all come from one address).
 * At most MAX_COUNTED (what a RateLimiter keeps).
 */
export async function takeMailRequest(env: Env, ip: string): Promise<void> {
  const set = env.MAIL_REQUESTS_PER_IP_PER_HOUR;
  const limit = set === undefined || set === "" ? DEFAULT_PER_HOUR : Number(set);
  if (limit === 0) return;
  const perHour = Number.isInteger(limit) && limit > 0 ? Math.min(limit, MAX_COUNTED) : DEFAULT_PER_HOUR;
  const wait = await env.RATE_LIMITER.getByName(`mail-ip:${limitedNetwork(ip)}`).take(perHour, 3600_000);
  if (wait > 0) throw rateLimited(wait, "Too many requests for e-mail from your network.");
}
