// A real local OAuth 2.0 / OpenID Connect server (oauth2-mock-server) standing in for Google
// and Facebook. It runs in Node beside workerd; the Worker talks to it over HTTP on loopback.
// The identity it vouches for next is set by the test through a tiny control endpoint.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { OAuth2Server } from "oauth2-mock-server";
import type { TestProject } from "vitest/node";

type Identity = { sub: string; email: string; email_verified: boolean; given_name: string; family_name: string };

export default async function setup(project: TestProject) {
  let next: Identity = { sub: "nobody", email: "nobody@example.com", email_verified: true, given_name: "", family_name: "" };
  const oidc = new OAuth2Server();
  await oidc.issuer.keys.generate("RS256");
  oidc.service.on("beforeUserinfo", (res: { body: Record<string, unknown> }) => {
    // Google-style (sub, email_verified) and Facebook-style (id, first_name) fields at once.
    res.body = { ...next, id: next.sub, first_name: next.given_name, last_name: next.family_name };
  });
  await oidc.start(0, "127.0.0.1");
  const oidcPort = Number(new URL(oidc.issuer.url!).port);

  // POST /: the next identity. /not-json (any method): a page that is not JSON, for tests
  // that point a provider endpoint here to play a provider answering garbage.
  const control: Server = createServer((req, res) => {
    if (req.url?.startsWith("/not-json")) {
      res.writeHead(200, { "Content-Type": "text/html" });
      res.end("<html><body>Service temporarily unavailable</body></html>");
      return;
    }
    let body = "";
    req.on("data", (d) => (body += d));
    req.on("end", () => {
      next = JSON.parse(body) as Identity;
      res.end("ok");
    });
  });
  await new Promise<void>((resolve) => control.listen(0, "127.0.0.1", resolve));

  project.provide("oidcPort", oidcPort);
  project.provide("oidcControlPort", (control.address() as AddressInfo).port);
  return async () => {
    await new Promise<void>((resolve) => control.close(() => resolve()));
    await oidc.stop();
  };
}
