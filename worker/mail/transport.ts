import type { Db } from "../db/client";
import { CloudflareEmailTransport } from "./cloudflare-transport";
import type { MailTransport } from "./message";
import { OutboxTransport } from "./outbox-transport";
import { SmtpTransport } from "./smtp-transport";

/** Picks the transport named by MAIL_TRANSPORT; a misconfiguration fails loudly at the first send. */
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
    default:
      return new OutboxTransport(db);
  }
}
