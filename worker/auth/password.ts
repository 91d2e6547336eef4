// Password hashing with PBKDF2-SHA256 from WebCrypto: the slow KDF that Workers offer natively.
// The stored string carries its own iteration count, so raising the cost later only
// affects new hashes and old ones still verify (and are re-hashed on the next login).
import { bytesToBase64, base64ToBytes, timingSafeEqual } from "../lib/bytes";

const SCHEME = "pbkdf2-sha256";
const SALT_BYTES = 16;
const HASH_BITS = 256;
/** Cloudflare's production runtime rejects PBKDF2 above 100,000 iterations. */
export const MAX_WORKERS_ITERATIONS = 100_000;

async function derive(password: string, salt: Uint8Array, iterations: number): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(password), "PBKDF2", false, ["deriveBits"]);
  const bits = await crypto.subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt, iterations }, key, HASH_BITS);
  return new Uint8Array(bits);
}

export async function hashPassword(password: string, iterations: number): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(SALT_BYTES));
  const hash = await derive(password, salt, iterations);
  return `${SCHEME}$${iterations}$${bytesToBase64(salt)}$${bytesToBase64(hash)}`;
}

export type PasswordCheck = { ok: boolean; needsRehash: boolean };

export async function verifyPassword(password: string, stored: string, currentIterations: number): Promise<PasswordCheck> {
  const [scheme, iterText, saltText, hashText] = stored.split("$");
  const iterations = Number(iterText);
  if (scheme !== SCHEME || !Number.isInteger(iterations) || iterations < 1 || !saltText || !hashText) {
    return { ok: false, needsRehash: false };
  }
  const expected = base64ToBytes(hashText);
  const actual = await derive(password, base64ToBytes(saltText), iterations);
  const ok = timingSafeEqual(actual, expected);
  return { ok, needsRehash: ok && iterations < currentIterations };
}

/** Hash something that is never checked, so an unknown e-mail costs as much time as a wrong password. */
let dummyHash: Promise<string> | undefined;
export function dummyPasswordHash(iterations: number): Promise<string> {
  dummyHash ??= hashPassword("not-a-password", iterations);
  return dummyHash;
}

const ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

/** A generated password for e-mail (F1.1): 14 characters without look-alikes (0/O, 1/l/I). */
export function generatePassword(length = 14): string {
  const out: string[] = [];
  // Rejection sampling keeps every character equally likely.
  const limit = 256 - (256 % ALPHABET.length);
  while (out.length < length) {
    for (const b of crypto.getRandomValues(new Uint8Array(length * 2))) {
      if (b < limit && out.length < length) out.push(ALPHABET[b % ALPHABET.length]!);
    }
  }
  return out.join("");
}
