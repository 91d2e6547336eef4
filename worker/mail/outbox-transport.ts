import type { Db } from "../db/client";
import { insertOutboxMail } from "../queries/outbox";
import type { MailMessage, MailTransport } from "./message";

/** Local development: every message lands in D1 and is read at /dev/mail. */
export class OutboxTransport implements MailTransport {
  constructor(private readonly db: Db) {}
  async send(message: MailMessage): Promise<void> {
    await insertOutboxMail(this.db, message);
  }
}
