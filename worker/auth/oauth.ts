// Social sign-in (F1.3) with arctic's OAuth 2.0 client: authorization code with PKCE and a
// state checked against an HttpOnly cookie. A new account is active at once and gets an
// e-mailed password; an existing account with the same e-mail is linked, never duplicated,
// by a provider that vouches for the address; with another, its owner connects it signed in.
import { CodeChallengeMethod, generateCodeVerifier, generateState, OAuth2Client } from "arctic";
import type { Db } from "../db/client";
import { ApiError } from "../errors";
import { newId } from "../lib/bytes";
import type { Language } from "../../protocol/languages";
import { mailTransport } from "../mail/transport";
import { providerWelcomeMail } from "../mail/templates";
import { findLinkedUserId, linkIdentity } from "../queries/social-sign-ins";
import { findUserByEmail, findUserById, insertUser, setMustChangePassword, updateProfile, type UserRow } from "../queries/users";
import { activateAccount, passwordIterations } from "./accounts";
import type { OAuthProfile, OAuthProvider } from "./oauth-providers";
import { generatePassword, hashPassword } from "./password";

export type OAuthStart = { url: URL; state: string; codeVerifier: string };

function client(provider: OAuthProvider, redirectUri: string): OAuth2Client {
  return new OAuth2Client(provider.clientId, provider.clientSecret || null, redirectUri);
}

export function startOAuth(provider: OAuthProvider, redirectUri: string): OAuthStart {
  const state = generateState();
  const codeVerifier = generateCodeVerifier();
  const url = client(provider, redirectUri).createAuthorizationURLWithPKCE(provider.authorizeUrl, state, CodeChallengeMethod.S256, codeVerifier, provider.scopes);
  return { url, state, codeVerifier };
}

/** Exchanges the code (with the PKCE verifier) and reads the provider's profile of the user. */
export async function finishOAuth(provider: OAuthProvider, redirectUri: string, code: string, codeVerifier: string): Promise<OAuthProfile> {
  let accessToken: string;
  try {
    const tokens = await client(provider, redirectUri).validateAuthorizationCode(provider.tokenUrl, code, codeVerifier);
    accessToken = tokens.accessToken();
  } catch {
    throw new ApiError("oauth_failed", `${providerLabel(provider.name)} did not confirm the sign-in. Try again.`);
  }
  // A provider that cannot be reached or answers something other than a JSON object is a
  // failed sign-in like any other: the user lands on the login page with the reason.
  let info: unknown;
  try {
    const res = await fetch(provider.userInfoUrl, { headers: { Authorization: `Bearer ${accessToken}`, Accept: "application/json" } });
    if (res.ok) info = await res.json();
  } catch {
    info = undefined;
  }
  if (typeof info !== "object" || info === null || Array.isArray(info)) {
    throw new ApiError("oauth_failed", `${providerLabel(provider.name)} did not tell us who you are. Try again.`);
  }
  const profile = provider.profile(info as Record<string, unknown>);
  if (!profile) throw new ApiError("oauth_failed", `${providerLabel(provider.name)} did not tell us who you are. Try again.`);
  return profile;
}

/**
 * The user behind a provider profile: already linked, linked now by e-mail, or created. A
 * created account takes `language` (the browser's, from Accept-Language) as its profile
 * language, and its password mail is written in it.
 */
export async function userForProfile(env: Env, db: Db, provider: OAuthProvider, p: OAuthProfile, cabinetUrl: string, language: Language): Promise<UserRow> {
  const linked = await findLinkedUserId(db, provider.name, p.subject);
  if (linked) return (await findUserById(db, linked))!;
  if (!p.email) throw new ApiError("oauth_failed", `${providerLabel(provider.name)} gave no verified e-mail address; sign in with e-mail instead.`);

  // Whoever controls an identity with this address must not walk into an existing account on
  // the word of a provider that does not vouch for it: the owner signs in and connects it.
  const notYours = () =>
    new ApiError("oauth_failed", `An Edgedesk account already uses this e-mail address. Sign in with its password, then connect ${providerLabel(provider.name)} on your profile page.`);
  let user = await findUserByEmail(db, p.email);
  if (user && !provider.linksByEmail) throw notYours();
  let mailedPassword: string | undefined;
  if (!user) {
    const password = generatePassword();
    const id = newId();
    // A racing registration or sign-in with the same address may have made the row first:
    // then it is that one, which only a provider that vouches for the address may enter.
    if (await insertUser(db, { id, email: p.email, passwordHash: await hashPassword(password, passwordIterations(env)) })) {
      await updateProfile(db, id, { firstName: p.firstName.slice(0, 64), lastName: p.lastName.slice(0, 64), language });
      mailedPassword = password;
    } else if (!provider.linksByEmail) {
      // Unless the row is this identity's own first sign-in running twice at once.
      const linkedMeanwhile = await findLinkedUserId(db, provider.name, p.subject);
      if (linkedMeanwhile) return (await findUserById(db, linkedMeanwhile))!;
      throw notYours();
    }
    user = (await findUserByEmail(db, p.email))!;
  }
  if (user.status === "pending") {
    // Made just now, or pending and entered by a provider that vouches for the address: it is
    // active at once (F1.3). Its first sign-in
    // is the provider's, not the e-mailed password's, so nothing asks to replace that password
    // first (F1.2 is for signing in with it): the cabinet opens straight away (F1.3).
    await activateAccount(db, user.id, Date.now());
    await setMustChangePassword(db, user.id, false);
    user = (await findUserById(db, user.id))!;
  }
  await linkIdentity(db, provider.name, p.subject, user.id, p.email);
  if (mailedPassword !== undefined) {
    // F1.3: a password is e-mailed too, so the account also works without the provider. It is
    // sent last, once the account is whole. If it fails, the user is still signed in: they
    // asked to sign in with the provider, and it told us who they are, so refusing over our mail
    // would be our fault made theirs; "Forgot password" gives them a password later. The
    // failure is logged for the operator.
    try {
      await mailTransport(env, db).send(providerWelcomeMail(p.email, mailedPassword, cabinetUrl, providerLabel(provider.name), provider.linksByEmail, language));
    } catch (err) {
      console.error(JSON.stringify({ event: "welcome_mail_failed", provider: provider.name, userId: user.id, error: String(err) }));
    }
  }
  return user;
}

/** How people write the provider's name ("google" -> "Google"). */
export function providerLabel(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}
