// Social sign-in providers (F1.3). Endpoints and client ids come from configuration; the
// defaults are the providers' public endpoints. A provider without a client id is off.

import type { SocialProvider } from "../../protocol/api";
import { ApiError } from "../errors";

/** The API's list of providers (protocol/api.ts), which the routes validate against. */
export type ProviderName = SocialProvider;

export type OAuthProvider = {
  name: ProviderName;
  clientId: string;
  clientSecret: string;
  authorizeUrl: string;
  tokenUrl: string;
  userInfoUrl: string;
  scopes: string[];
  /**
   * Whether the provider says in so many words that the address is verified (OpenID
   * Connect's email_verified): only then does its address link an existing account by
   * itself. Otherwise the owner connects the identity from their profile, signed in.
   */
  linksByEmail: boolean;
  /** Reads the provider's user-info answer; undefined when it names no one (no subject). */
  profile(info: Record<string, unknown>): OAuthProfile | undefined;
};

/** `email` is "" when the provider gave none it stands behind: enough to connect, not to sign in. */
export type OAuthProfile = { subject: string; email: string; firstName: string; lastName: string };

const str = (v: unknown) => (typeof v === "string" ? v : "");

export function oauthProvider(env: Env, name: string): OAuthProvider | undefined {
  if (name === "google" && env.OAUTH_GOOGLE_CLIENT_ID) {
    return {
      name,
      clientId: env.OAUTH_GOOGLE_CLIENT_ID,
      clientSecret: env.OAUTH_GOOGLE_CLIENT_SECRET ?? "",
      authorizeUrl: env.OAUTH_GOOGLE_AUTHORIZE_URL ?? "https://accounts.google.com/o/oauth2/v2/auth",
      tokenUrl: env.OAUTH_GOOGLE_TOKEN_URL ?? "https://oauth2.googleapis.com/token",
      userInfoUrl: env.OAUTH_GOOGLE_USERINFO_URL ?? "https://openidconnect.googleapis.com/v1/userinfo",
      scopes: ["openid", "email", "profile"],
      linksByEmail: true,
      profile: (i) =>
        // OpenID Connect: only a verified address may sign in to (or create) an account.
        str(i.sub) ? { subject: str(i.sub), email: i.email_verified === true ? str(i.email) : "", firstName: str(i.given_name), lastName: str(i.family_name) } : undefined,
    };
  }
  if (name === "facebook" && env.OAUTH_FACEBOOK_CLIENT_ID) {
    return {
      name,
      clientId: env.OAUTH_FACEBOOK_CLIENT_ID,
      clientSecret: env.OAUTH_FACEBOOK_CLIENT_SECRET ?? "",
      authorizeUrl: env.OAUTH_FACEBOOK_AUTHORIZE_URL ?? "https://www.facebook.com/v19.0/dialog/oauth",
      tokenUrl: env.OAUTH_FACEBOOK_TOKEN_URL ?? "https://graph.facebook.com/v19.0/oauth/access_token",
      userInfoUrl: env.OAUTH_FACEBOOK_USERINFO_URL ?? "https://graph.facebook.com/me?fields=id,email,first_name,last_name",
      scopes: ["email", "public_profile"],
      // Facebook's documentation promises a "valid" address, with no claim that it was
      // confirmed: good enough to create an account (whose mailbox the owner can still take
      // back by a password reset, which forgets provider links), not to enter an existing one.
      linksByEmail: false,
      profile: (i) => (str(i.id) ? { subject: str(i.id), email: str(i.email), firstName: str(i.first_name), lastName: str(i.last_name) } : undefined),
    };
  }
  return undefined;
}

/** The provider if this deployment offers it; 404 otherwise. */
export function configuredProvider(env: Env, name: string): OAuthProvider {
  const provider = oauthProvider(env, name);
  if (!provider) throw new ApiError("not_found", `Sign-in with ${name} is not configured here.`);
  return provider;
}
