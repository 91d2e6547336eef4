import { describe, expect, it } from "vitest";
import { SmtpTransport } from "../../worker/mail/smtp-transport";
import { welcomeMail } from "../../worker/mail/templates";
import { env } from "./helpers";

type Received = { from: string; to: string[]; data: string };

async function received(): Promise<Received[]> {
  return (await (await fetch(`http://127.0.0.1:${env.SMTP_TEST_INBOX_PORT}/`)).json()) as Received[];
}

describe("SMTP transport against a real SMTP server", () => {
  it("delivers the welcome mail with authentication", async () => {
    const transport = new SmtpTransport({
      host: "127.0.0.1",
      port: Number(env.SMTP_TEST_PORT),
      secure: false,
      username: "mailer",
      password: "secret",
      from: "Edgedesk <no-reply@edgedesk.test>",
    });
    await transport.send(welcomeMail("ada@example.com", "Secr3tPassw0rd", "https://edgedesk.test"));
    const mail = (await received()).find((m) => m.to.includes("ada@example.com"));
    expect(mail?.from).toBe("no-reply@edgedesk.test");
    expect(mail?.data).toContain("Subject: Your Edgedesk account");
    expect(mail?.data).toContain("Secr3tPassw0rd");
  });

  it("fails loudly when the server refuses the credentials", async () => {
    const transport = new SmtpTransport({
      host: "127.0.0.1",
      port: Number(env.SMTP_TEST_PORT),
      secure: false,
      username: "mailer",
      password: "wrong",
      from: "no-reply@edgedesk.test",
    });
    await expect(transport.send(welcomeMail("eve@example.com", "x", "https://edgedesk.test"))).rejects.toThrow();
    expect((await received()).some((m) => m.to.includes("eve@example.com"))).toBe(false);
  });
});
