import { EmailMessage } from "cloudflare:email";
import { Email } from "worker-mailer";
import type { MailMessage, MailTransport } from "./message";
import { parseAddress } from "./smtp-transport";

/**
 * Cloudflare's send_email binding. It takes a raw MIME message, which worker-mailer's
 * Email class already builds for SMTP, so both transports produce the same bytes.
 */
export class CloudflareEmailTransport implements MailTransport {
  constructor(
    private readonly binding: SendEmail,
    private readonly from: string,
  ) {}

  async send(message: MailMessage): Promise<void> {
    const from = parseAddress(this.from);
    const email = new Email({ from, to: message.to, subject: message.subject, text: message.text, html: message.html });
    await this.binding.send(new EmailMessage(from.email, message.to, email.getEmailData()));
  }
}
