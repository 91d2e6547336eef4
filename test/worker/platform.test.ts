import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { app } from "../../worker/app";
import { api, env, ORIGIN, uniqueEmail } from "./helpers";

describe("health and API description", () => {
  it("answers /api/health", async () => {
    const res = await api("/api/health");
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: "ok" });
  });

  it("publishes OpenAPI 3.1 generated from the route schemas, with every operation named", async () => {
    const res = await api("/api/openapi.json");
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { openapi: string; servers: unknown; paths: Record<string, Record<string, { operationId?: string }>> };
    expect(doc.openapi).toBe("3.1.0");
    const ids = Object.values(doc.paths).flatMap((ops) => Object.values(ops).map((op) => op.operationId));
    expect(ids).not.toContain(undefined);
    for (const id of ["register", "login", "logout", "me", "changePassword", "listComputers", "getComputer", "updateComputer", "deleteComputer"]) {
      expect(ids).toContain(id);
    }
    expect(doc.servers).toEqual([{ url: "/api" }]);
    expect(Object.keys(doc.paths["/computers/{id}"]!).sort()).toEqual(["delete", "get", "patch"]);
  });

  it("serves the API docs page", async () => {
    const res = await api("/api/docs");
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("/api/openapi.json");
    expect(html).toContain("/vendor/swagger-ui/swagger-ui-bundle.js");
  });
});

describe("the dev outbox", () => {
  it("lists mail newest first as JSON and HTML when DEV_MODE is on", async () => {
    const a = uniqueEmail("first");
    const b = uniqueEmail("second");
    await api("/api/auth/register", { body: { email: a } });
    await api("/api/auth/register", { body: { email: b } });
    const list = (await (await api("/dev/mail.json")).json()) as { to: string; subject: string; text: string }[];
    expect(list[0]!.to).toBe(b);
    expect(list[1]!.to).toBe(a);
    expect(list[0]).toMatchObject({ subject: "Your Edgedesk account", text: expect.stringContaining("Password: ") });
    const html = await (await api("/dev/mail")).text();
    expect(html).toContain(b);
  });

  it("does not exist without the dev flag", async () => {
    for (const path of ["/dev/mail", "/dev/mail.json"]) {
      const ctx = createExecutionContext();
      const res = await app.fetch(new Request(`${ORIGIN}${path}`), { ...env, DEV_MODE: "false" }, ctx);
      await waitOnExecutionContext(ctx);
      expect(res.status).toBe(404);
    }
  });
});

describe("failed logins are slowed", () => {
  it("locks an account after 5 failures, with Retry-After, even for the right password", async () => {
    const email = uniqueEmail("brute");
    await api("/api/auth/register", { body: { email } });
    const mail = ((await (await api("/dev/mail.json")).json()) as { to: string; text: string }[]).find((m) => m.to === email)!;
    const password = /Password: (\S+)/.exec(mail.text)![1]!;
    for (let i = 0; i < 5; i++) {
      expect((await api("/api/auth/login", { body: { email, password: `guess-${i}` }, headers: { "CF-Connecting-IP": `10.0.0.${i}` } })).status).toBe(401);
    }
    const locked = await api("/api/auth/login", { body: { email, password }, headers: { "CF-Connecting-IP": "10.0.1.1" } });
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect(await locked.json()).toMatchObject({ error: { code: "rate_limited" } });
  });

  it("limits one IP guessing across many accounts", async () => {
    const headers = { "CF-Connecting-IP": "203.0.113.7" };
    for (let i = 0; i < 20; i++) {
      expect((await api("/api/auth/login", { body: { email: uniqueEmail("spray"), password: "Password1!" }, headers })).status).toBe(401);
    }
    expect((await api("/api/auth/login", { body: { email: uniqueEmail("spray"), password: "Password1!" }, headers })).status).toBe(429);
    // Another address is not affected.
    expect((await api("/api/auth/login", { body: { email: uniqueEmail("spray"), password: "Password1!" }, headers: { "CF-Connecting-IP": "203.0.113.8" } })).status).toBe(401);
  });
});
