/** A message as the product writes it; transports decide how it travels. */
export type MailMessage = {
  to: string;
  subject: string;
  text: string;
  html: string;
};

export interface MailTransport {
  send(message: MailMessage): Promise<void>;
}
