// AES-GCM sealing for secrets at rest (remote OS credentials, F2.10). The key comes from the
// CREDENTIALS_KEY Worker secret; the record id is bound in as additional data, so a sealed
// value copied onto another row does not open.
import { base64ToBytes, bytesToBase64 } from "./bytes";

const DEV_KEY = "edgedesk-local-development-credentials-key";
const VERSION = "v1";

async function key(env: Env): Promise<CryptoKey> {
  const secret = env.CREDENTIALS_KEY ?? (env.DEV_MODE === "true" ? DEV_KEY : undefined);
  if (!secret) throw new Error("CREDENTIALS_KEY is not set: run `wrangler secret put CREDENTIALS_KEY`");
  // Any string works as the secret: SHA-256 turns it into a 256-bit key.
  const raw = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(secret));
  return crypto.subtle.importKey("raw", raw, "AES-GCM", false, ["encrypt", "decrypt"]);
}

export async function seal(env: Env, recordId: string, plaintext: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ct = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv, additionalData: new TextEncoder().encode(recordId) },
    await key(env),
    new TextEncoder().encode(plaintext),
  );
  return `${VERSION}:${bytesToBase64(iv)}:${bytesToBase64(new Uint8Array(ct))}`;
}

/** The plaintext, or undefined when the value was not sealed for this record with this key. */
export async function unseal(env: Env, recordId: string, sealed: string): Promise<string | undefined> {
  const [version, iv, ct] = sealed.split(":");
  if (version !== VERSION || !iv || !ct) return undefined;
  try {
    const pt = await crypto.subtle.decrypt(
      { name: "AES-GCM", iv: base64ToBytes(iv), additionalData: new TextEncoder().encode(recordId) },
      await key(env),
      base64ToBytes(ct),
    );
    return new TextDecoder().decode(pt);
  } catch {
    return undefined;
  }
}
