// Connecting a sign-in provider to an account (F1.3) asks for the current password first,
// as a password change and an account deletion do: a stolen cookie must not be enough to add
// a way in that outlives the next password change. The password is checked by an API call,
// which answers with a short-lived grant; the browser then navigates to the start route with
// it (a navigation cannot carry the password). The grant names the user, the provider and
// the sign-in (cookie) it was made for, so it opens nothing in another browser.
import jwt from "@tsndr/cloudflare-worker-jwt";
import type { ProviderName } from "./oauth-providers";
import { ticketSecret } from "../sessions/tickets";

/** Long enough to navigate, short enough that a copied link is soon useless. */
export const CONNECT_GRANT_TTL_SECONDS = 120;

type GrantClaims = { purpose: "connect"; uid: string; sh: string; p: ProviderName };

export async function mintConnectGrant(env: Env, grant: { userId: string; signIn: string; provider: ProviderName }, now = Date.now()): Promise<string> {
  const iat = Math.floor(now / 1000);
  const claims: GrantClaims = { purpose: "connect", uid: grant.userId, sh: grant.signIn, p: grant.provider };
  return jwt.sign({ ...claims, iat, exp: iat + CONNECT_GRANT_TTL_SECONDS }, ticketSecret(env), "HS256");
}

/** Whether `token` is a live grant for this sign-in and provider (never a stream ticket: those have no purpose). */
export async function grantAllows(env: Env, token: string, signIn: { userId: string; signIn: string }, provider: ProviderName): Promise<boolean> {
  if (token.length > 2048) return false;
  try {
    const p = (await jwt.verify<GrantClaims>(token, ticketSecret(env), { algorithm: "HS256", throwError: false }))?.payload;
    return !!p && p.purpose === "connect" && p.uid === signIn.userId && p.sh === signIn.signIn && p.p === provider;
  } catch {
    return false;
  }
}
