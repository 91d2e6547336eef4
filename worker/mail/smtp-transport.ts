import { WorkerMailer } from "worker-mailer";
import type { MailMessage, MailTransport } from "./message";

export type SmtpConfig = {
  host: string;
  port: number;
  /** Implicit TLS (port 465); otherwise STARTTLS is used when the server offers it. */
  secure: boolean;
  username?: string;
  password?: string;
  from: string;
};

/** SMTP straight from the Worker over cloudflare:sockets (worker-mailer). */
export class SmtpTransport implements MailTransport {
  constructor(private readonly config: SmtpConfig) {}

  async send(message: MailMessage): Promise<void> {
    const { host, port, secure, username, password, from } = this.config;
    await WorkerMailer.send(
      {
        host,
        port,
        secure,
        startTls: !secure,
        credentials: username ? { username, password: password ?? "" } : undefined,
        authType: ["plain", "login"],
        socketTimeoutMs: 10_000,
        responseTimeoutMs: 10_000,
      },
      { from: parseAddress(from), to: message.to, subject: message.subject, text: message.text, html: message.html },
    );
  }
}

/** "Name <addr@host>" or a bare address, as written in MAIL_FROM. */
export function parseAddress(value: string): { name?: string; email: string } {
  const m = /^\s*(.*?)\s*<([^>]+)>\s*$/.exec(value);
  return m ? { name: m[1] || undefined, email: m[2]! } : { email: value.trim() };
}
