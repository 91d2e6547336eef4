import type { Db } from "../db/client";
import { CloudflareEmailTransport } from "./cloudflare-transport";
import type { MailMessage, MailTransport } from "./message";
import { OutboxTransport } from "./outbox-transport";
import { SmtpTransport } from "./smtp-transport";

/**
 * Picks the transport named by MAIL_TRANSPORT; a misconfiguration fails loudly at the first
 * send. The D1 outbox only with DEV_MODE "true" as well: anywhere else it would keep
 * generated passwords and reset links in plain text in D1 and deliver nothing.
 */
export function mailTransport(env: Env, db: Db): MailTransport {
  switch (env.MAIL_TRANSPORT) {
    case "smtp":
      return new SmtpTransport({
        host: env.SMTP_HOST ?? "",
        port: Number(env.SMTP_PORT ?? 587),
        secure: env.SMTP_SECURE === "true",
        username: env.SMTP_USERNAME,
        password: env.SMTP_PASSWORD,
        from: env.MAIL_FROM,
      });
    case "cloudflare": {
      if (!env.SEND_EMAIL) throw new Error("MAIL_TRANSPORT=cloudflare needs a send_email binding named SEND_EMAIL");
      return new CloudflareEmailTransport(env.SEND_EMAIL, env.MAIL_FROM);
    }
    case "outbox":
      if (env.DEV_MODE === "true") return new OutboxTransport(db);
      return new RefusingTransport(
        'MAIL_TRANSPORT="outbox" keeps mail in D1 for local development and needs DEV_MODE="true"; set MAIL_TRANSPORT to "smtp" or "cloudflare" to deliver mail',
      );
    default:
      return new RefusingTransport(`MAIL_TRANSPORT=${JSON.stringify(env.MAIL_TRANSPORT ?? "")} is not a mail transport; use "smtp", "cloudflare" or (with DEV_MODE="true") "outbox"`);
  }
}

/** Sends nothing and says why: a deployment without a working mail setting must not look fine. */
class RefusingTransport implements MailTransport {
  constructor(private readonly reason: string) {}
  async send(_message: MailMessage): Promise<void> {
    throw new Error(this.reason);
  }
}
