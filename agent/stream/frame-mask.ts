// WebSocket masking for the agent's stream socket.
//
// RFC 6455 (section 10.3) has clients XOR every frame with a random key so that a cleartext
// intermediary (a proxy that might take frame bytes for HTTP) never sees bytes a sender chose;
// a screen can show chosen pixels, and deflate stores incompressible ones verbatim. Over TLS
// the intermediary sees ciphertext, and on loopback there is none: there a zero key, which
// `ws` recognises, sends each update as it is instead of copying it and XOR-ing every byte
// (a 1920x1080 video update is ~200 KiB). Plain ws:// to another host keeps random keys.
import type { ClientOptions } from "ws";

/** Loopback hosts as URL parsing spells them (IPv4 is normalised to four decimal parts). */
const isLoopback = (host: string) => host === "localhost" || host === "[::1]" || /^127(\.\d{1,3}){3}$/.test(host);

/** The `ws` client options that decide the masking key for a socket to `url`. */
export function maskingFor(url: string): Pick<ClientOptions, "generateMask"> {
  const { protocol, hostname } = new URL(url);
  const safe = protocol === "wss:" || (protocol === "ws:" && isLoopback(hostname));
  return safe ? { generateMask: zeroMask } : {};
}

function zeroMask(mask: Buffer): void {
  mask.fill(0);
}
