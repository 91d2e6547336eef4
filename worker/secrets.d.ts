// Configuration that wrangler.toml does not declare (secrets and optional bindings),
// so `wrangler types` cannot generate it.
declare namespace Cloudflare {
  interface Env {
    /** Base URL used in e-mails; defaults to the request's origin. */
    PUBLIC_URL?: string;
    SMTP_HOST?: string;
    SMTP_PORT?: string;
    SMTP_SECURE?: string;
    SMTP_USERNAME?: string;
    SMTP_PASSWORD?: string;
    /** send_email binding, for MAIL_TRANSPORT = "cloudflare". */
    SEND_EMAIL?: SendEmail;
  }
}
