// A real SMTP server process (nodemailer's smtp-server) on loopback, for the SMTP transport
// test. It runs in Node beside workerd; the Worker reaches it over cloudflare:sockets.
// Received messages are kept in memory and served over a tiny HTTP endpoint on the same
// loopback port so the test in workerd can read what arrived.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import type { TestProject } from "vitest/node";

type Received = { from: string; to: string[]; data: string };

export default async function setup(project: TestProject) {
  const received: Received[] = [];
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onAuth(auth, _session, cb) {
      if (auth.username === "mailer" && auth.password === "secret") cb(null, { user: "mailer" });
      else cb(new Error("Invalid username or password"));
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          to: session.envelope.rcptTo.map((r) => r.address),
          data: Buffer.concat(chunks).toString("utf8"),
        });
        cb();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", resolve));
  const smtpPort = (smtp.server.address() as AddressInfo).port;

  const inbox: Server = createServer((_req, res) => {
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify(received));
  });
  await new Promise<void>((resolve) => inbox.listen(0, "127.0.0.1", resolve));

  project.provide("smtpPort", smtpPort);
  project.provide("smtpInboxPort", (inbox.address() as AddressInfo).port);
  return async () => {
    await new Promise<void>((resolve) => inbox.close(() => resolve()));
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
  };
}
