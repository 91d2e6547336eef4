import type { Context } from "hono";

/** The client's address as Cloudflare reports it; "local" under tests without the header. */
export function clientIp(c: Context): string {
  return c.req.header("CF-Connecting-IP") ?? "local";
}

/**
 * The network a client address stands for when counting attempts: an IPv4 address itself
 * (also written as IPv4-mapped IPv6), an IPv6 address's /64 (one host normally holds a whole
 * /64 and could step through it to get past any per-address limit; a LAN behind one /64 then
 * shares the limits, as one behind IPv4 NAT does). Anything unreadable counts as itself.
 */
export function limitedNetwork(ip: string): string {
  if (!ip.includes(":")) return ip;
  const groups = ipv6Groups(ip.toLowerCase().replace(/%.*$/, ""));
  if (!groups) return ip;
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    const [hi, lo] = [groups[6]!, groups[7]!];
    return `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;
  }
  return `${groups.slice(0, 4).map((g) => g.toString(16)).join(":")}::/64`;
}

/** The eight 16-bit groups of an IPv6 address (a dotted IPv4 tail allowed), or undefined. */
function ipv6Groups(text: string): number[] | undefined {
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const parse = (part: string): number[] | undefined => {
    if (part === "") return [];
    const out: number[] = [];
    const pieces = part.split(":");
    for (const [i, piece] of pieces.entries()) {
      if (i === pieces.length - 1 && piece.includes(".")) {
        const octets = piece.split(".");
        if (octets.length !== 4 || !octets.every((o) => /^\d{1,3}$/.test(o) && Number(o) <= 255)) return undefined;
        const [a, b, c, d] = octets.map(Number) as [number, number, number, number];
        out.push((a << 8) | b, (c << 8) | d);
      } else if (/^[0-9a-f]{1,4}$/.test(piece)) {
        out.push(parseInt(piece, 16));
      } else {
        return undefined;
      }
    }
    return out;
  };
  const left = parse(halves[0]!);
  const right = halves.length === 2 ? parse(halves[1]!) : [];
  if (!left || !right) return undefined;
  if (halves.length === 1) return left.length === 8 ? left : undefined;
  const missing = 8 - left.length - right.length;
  return missing >= 1 ? [...left, ...Array<number>(missing).fill(0), ...right] : undefined;
}

export function userAgent(c: Context): string {
  return (c.req.header("User-Agent") ?? "").slice(0, 256);
}

export function iso(ms: number | null | undefined): string | null {
  return ms == null ? null : new Date(ms).toISOString();
}
