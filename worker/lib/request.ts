import type { Context } from "hono";

/** The client's address as Cloudflare reports it; "local" under tests without the header. */
export function clientIp(c: Context): string {
  return c.req.header("CF-Connecting-IP") ?? "local";
}

/**
 * The network a client address stands for when counting attempts: an IPv4 address itself,
 * an IPv6 address's /64 (one host normally holds a whole /64 and could step through it to
 * get past any per-address limit). Anything unreadable counts as itself.
 */
export function limitedNetwork(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1]!;
  if (!ip.includes(":")) return ip;
  const halves = ip.toLowerCase().split("::");
  if (halves.length > 2) return ip;
  const [head = "", tail = ""] = halves;
  const left = head ? head.split(":") : [];
  const right = ip.includes("::") ? (tail ? tail.split(":") : []) : [];
  const groups = ip.includes("::") ? [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill("0"), ...right] : left;
  if (groups.length !== 8 || !groups.every((g) => /^[0-9a-f]{1,4}$/.test(g))) return ip;
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, "")).join(":")}::/64`;
}

export function userAgent(c: Context): string {
  return (c.req.header("User-Agent") ?? "").slice(0, 256);
}

export function iso(ms: number | null | undefined): string | null {
  return ms == null ? null : new Date(ms).toISOString();
}
