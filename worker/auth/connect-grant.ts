// Connecting a sign-in provider to an account (F1.3) asks for the current password first,
// as a password change and an account deletion do: a stolen cookie must not be enough to add
// a way in that outlives the next password change. The password is checked by an API call,
// which answers with a short-lived grant; the browser then navigates to the start route with
// it (a navigation cannot carry the password). The grant names the user, the provider and
// the sign-in (cookie) it was made for, so it opens nothing in another browser. The sign-in
// is named by a tag (an HMAC of its token hash), never the hash itself: the grant is readable
// in a URL, and the hash is the sign-in's key in D1. The state cookie of a connect carries
// a tag of the same kind over the state and provider too, so a cookie planted from
// elsewhere cannot name someone else's sign-in.
import jwt from "@tsndr/cloudflare-worker-jwt";
import type { ProviderName } from "./oauth-providers";
import { hmacTag } from "../lib/bytes";
import { ticketSecret } from "../sessions/tickets";

/** Long enough to navigate, short enough that a copied link is soon useless. */
export const CONNECT_GRANT_TTL_SECONDS = 120;

type GrantClaims = { purpose: "connect"; uid: string; sh: string; p: ProviderName };

/** A sign-in (its token hash) as a grant names it. */
function signInTag(env: Env, signIn: string): Promise<string> {
  return hmacTag(ticketSecret(env), `connect-grant\n${signIn}`);
}

/** What a connect's state cookie carries: only the Worker can make it, for this state, provider and sign-in. */
export function connectStateTag(env: Env, state: string, provider: ProviderName, signIn: string): Promise<string> {
  return hmacTag(ticketSecret(env), `connect-state\n${state}\n${provider}\n${signIn}`);
}

export async function mintConnectGrant(env: Env, grant: { userId: string; signIn: string; provider: ProviderName }, now = Date.now()): Promise<string> {
  const iat = Math.floor(now / 1000);
  const claims: GrantClaims = { purpose: "connect", uid: grant.userId, sh: await signInTag(env, grant.signIn), p: grant.provider };
  return jwt.sign({ ...claims, iat, exp: iat + CONNECT_GRANT_TTL_SECONDS }, ticketSecret(env), "HS256");
}

/** Whether `token` is a live grant for this sign-in and provider (never a stream ticket: those have no purpose). */
export async function grantAllows(env: Env, token: string, signIn: { userId: string; signIn: string }, provider: ProviderName): Promise<boolean> {
  if (token.length > 2048) return false;
  try {
    const p = (await jwt.verify<GrantClaims>(token, ticketSecret(env), { algorithm: "HS256", throwError: false }))?.payload;
    return !!p && p.purpose === "connect" && p.uid === signIn.userId && p.p === provider && p.sh === (await signInTag(env, signIn.signIn));
  } catch {
    return false;
  }
}
