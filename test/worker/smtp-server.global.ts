// A real SMTP server process (nodemailer's smtp-server) on loopback, for the SMTP transport
// test. It runs in Node beside workerd; the Worker reaches it over cloudflare:sockets.
// Received messages are kept in memory and served over a tiny HTTP endpoint on the same
// loopback port so the test in workerd can read what arrived. A message to an address that
// starts with "held-" is not answered (the sender waits at the end of DATA) until the test
// asks for it with POST /release: what a slow mail server does, on cue.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import type { TestProject } from "vitest/node";

type Received = { from: string; to: string[]; data: string };

export default async function setup(project: TestProject) {
  const received: Received[] = [];
  const held: { mail: Received; answer: () => void }[] = [];
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
        const mail = {
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          to: session.envelope.rcptTo.map((r) => r.address),
          data: Buffer.concat(chunks).toString("utf8"),
        };
        const deliver = () => {
          received.push(mail);
          cb();
        };
        if (mail.to.some((to) => to.startsWith("held-"))) held.push({ mail, answer: deliver });
        else deliver();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", resolve));
  const smtpPort = (smtp.server.address() as AddressInfo).port;

  // GET / what arrived; GET /held what waits for an answer; POST /release answers those.
  const inbox: Server = createServer((req, res) => {
    res.setHeader("content-type", "application/json");
    if (req.method === "POST" && req.url === "/release") {
      for (const h of held.splice(0)) h.answer();
      res.end("[]");
    } else if (req.url === "/held") res.end(JSON.stringify(held.map((h) => h.mail)));
    else res.end(JSON.stringify(received));
  });
  await new Promise<void>((resolve) => inbox.listen(0, "127.0.0.1", resolve));

  project.provide("smtpPort", smtpPort);
  project.provide("smtpInboxPort", (inbox.address() as AddressInfo).port);
  return async () => {
    // A test that failed half way may have left a sender waiting.
    for (const h of held.splice(0)) h.answer();
    await new Promise<void>((resolve) => inbox.close(() => resolve()));
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
  };
}
