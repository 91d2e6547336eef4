// Configuration that wrangler.toml does not declare (secrets and optional bindings),
// so `wrangler types` cannot generate it.
declare namespace Cloudflare {
  interface Env {
    /** Signs the short-lived stream tickets (HS256). Dev servers fall back to a fixed value. */
    TICKET_SECRET?: string;
    /** Seals remote OS credentials at rest (AES-GCM). Dev servers fall back to a fixed value. */
    CREDENTIALS_KEY?: string;
    /** Lets the demo agent register the demo computer (POST /api/agent/register-demo). */
    DEMO_AGENT_KEY?: string;
    /** Social sign-in (F1.3): a provider is on when its client id is set; URLs default to the provider's. */
    OAUTH_GOOGLE_CLIENT_ID?: string;
    OAUTH_GOOGLE_CLIENT_SECRET?: string;
    OAUTH_GOOGLE_AUTHORIZE_URL?: string;
    OAUTH_GOOGLE_TOKEN_URL?: string;
    OAUTH_GOOGLE_USERINFO_URL?: string;
    OAUTH_FACEBOOK_CLIENT_ID?: string;
    OAUTH_FACEBOOK_CLIENT_SECRET?: string;
    OAUTH_FACEBOOK_AUTHORIZE_URL?: string;
    OAUTH_FACEBOOK_TOKEN_URL?: string;
    OAUTH_FACEBOOK_USERINFO_URL?: string;
    /** Base URL used in e-mails; defaults to the request's origin. */
    PUBLIC_URL?: string;
    SMTP_HOST?: string;
    SMTP_PORT?: string;
    SMTP_SECURE?: string;
    SMTP_USERNAME?: string;
    SMTP_PASSWORD?: string;
    /** How long a SessionRelay waits for the other side, in ms (default 30000). */
    RELAY_LONE_PEER_MS?: string;
    /** send_email binding, for MAIL_TRANSPORT = "cloudflare". */
    SEND_EMAIL?: SendEmail;
  }
}
