import { createExecutionContext, runDurableObjectAlarm, runInDurableObject, waitOnExecutionContext } from "cloudflare:test";
import type { RateLimiter } from "../../durable-objects/rate-limiter";
import { describe, expect, it } from "vitest";
import { app } from "../../worker/app";
import { limitedNetwork } from "../../worker/lib/request";
import { activeUser, api, apiWith, env, ORIGIN, recoveryMails, recoveryToken, sessionCookie, uniqueEmail } from "./helpers";

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
  it("locks an address after 5 failures from one client address, even for the right password; its owner elsewhere still signs in", async () => {
    const email = uniqueEmail("brute");
    await api("/api/auth/register", { body: { email } });
    const mail = ((await (await api("/dev/mail.json")).json()) as { to: string; text: string }[]).find((m) => m.to === email)!;
    const password = /Password: (\S+)/.exec(mail.text)![1]!;
    const stranger = { "CF-Connecting-IP": "10.0.0.1" };
    for (let i = 0; i < 5; i++) expect((await api("/api/auth/login", { body: { email, password: `guess-${i}` }, headers: stranger })).status).toBe(401);
    const locked = await api("/api/auth/login", { body: { email, password }, headers: stranger });
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect(await locked.json()).toMatchObject({ error: { code: "rate_limited" } });
    // A stranger guessing must not keep the owner out...
    const owner = await api("/api/auth/login", { body: { email, password }, headers: { "CF-Connecting-IP": "10.0.1.1" } });
    expect(owner.status).toBe(200);
    // ...and the owner's success elsewhere does not free the stranger's guesses.
    expect((await api("/api/auth/login", { body: { email, password: "guess-5" }, headers: stranger })).status).toBe(429);
    // A new password (the owner's, with the current one) starts every count afresh.
    const cookie = sessionCookie(owner);
    expect((await api("/api/me/password", { body: { currentPassword: password, newPassword: "a password of my own" }, cookie, headers: { "CF-Connecting-IP": "10.0.1.1" } })).status).toBe(204);
    expect((await api("/api/auth/login", { body: { email, password: "a password of my own" }, headers: stranger })).status).toBe(200);
  });

  it("counts an IPv6 client by its /64: stepping through its addresses gets nothing more", async () => {
    const { email, password } = await activeUser("ipv6");
    for (let i = 1; i <= 5; i++) {
      expect((await api("/api/auth/login", { body: { email, password: `guess-${i}` }, headers: { "CF-Connecting-IP": `2001:db8:7:1::${i}` } })).status).toBe(401);
    }
    expect((await api("/api/auth/login", { body: { email, password }, headers: { "CF-Connecting-IP": "2001:0db8:0007:0001:ffff:1:2:3" } })).status).toBe(429);
    expect((await api("/api/auth/login", { body: { email, password }, headers: { "CF-Connecting-IP": "2001:db8:7:2::1" } })).status).toBe(200);
    const cases: [string, string][] = [
      ["2001:db8:7:1::5", "2001:db8:7:1::/64"],
      ["2001:DB8:0007:0001:FFFF:1:2:3", "2001:db8:7:1::/64"],
      ["2001:db8::", "2001:db8:0:0::/64"],
      ["::", "0:0:0:0::/64"],
      ["::1", "0:0:0:0::/64"],
      ["fe80::1%eth0", "fe80:0:0:0::/64"],
      ["2001:db8::1.2.3.4", "2001:db8:0:0::/64"],
      ["::ffff:192.0.2.1", "192.0.2.1"],
      ["::ffff:c000:201", "192.0.2.1"],
      ["192.0.2.1", "192.0.2.1"],
      ["local", "local"],
      // Not addresses: each counts as itself.
      ["2001:db8::1::2", "2001:db8::1::2"],
      ["1:2:3:4:5:6:7::8", "1:2:3:4:5:6:7::8"],
      ["::1:2:3:4:5:6:7:8", "::1:2:3:4:5:6:7:8"],
      ["1:2:3:4:5:6:7", "1:2:3:4:5:6:7"],
      ["2001:db8::1.2.3.256", "2001:db8::1.2.3.256"],
      ["2001:db8::g", "2001:db8::g"],
    ];
    for (const [ip, network] of cases) expect(limitedNetwork(ip), ip).toBe(network);
  });

  it("stops guessing spread over many client addresses at 100 failures an hour", async () => {
    const { email, password } = await activeUser("spread");
    for (let ip = 0; ip < 20; ip++) {
      const headers = { "CF-Connecting-IP": `10.5.${ip}.1` };
      const statuses = await Promise.all(Array.from({ length: 5 }, (_, i) => api("/api/auth/login", { body: { email, password: `guess-${ip}-${i}` }, headers })));
      expect(statuses.map((r) => r.status)).toEqual(Array(5).fill(401));
    }
    const fresh = await api("/api/auth/login", { body: { email, password }, headers: { "CF-Connecting-IP": "10.5.99.1" } });
    expect(fresh.status).toBe(429);
    expect(await fresh.json()).toMatchObject({ error: { code: "rate_limited" } });
    // Each attempt is a PBKDF2 hash at 100,000 iterations: ~2 s in all alone, more beside other files.
  }, 20_000);

  it("lets the owner in with the password a reset just set, however locked the account was", async () => {
    const { email } = await activeUser("locked-out");
    const headers = { "CF-Connecting-IP": "10.7.0.1" };
    for (let i = 0; i < 6; i++) await api("/api/auth/login", { body: { email, password: `guess-${i}` }, headers });
    expect((await api("/api/auth/login", { body: { email, password: "anything at all" }, headers })).status).toBe(429);
    expect((await api("/api/auth/recover", { body: { email } })).status).toBe(202);
    const token = recoveryToken((await recoveryMails(email))[0]!);
    expect((await api("/api/auth/reset", { body: { token, newPassword: "the owner's new password" } })).status).toBe(204);
    // From the very client address that was locked: the count was the old password's.
    expect((await api("/api/auth/login", { body: { email, password: "the owner's new password" }, headers })).status).toBe(200);
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

  it("counts guesses sent all at once: 5 get an answer, the rest wait", async () => {
    const { email, password } = await activeUser("parallel");
    const headers = { "CF-Connecting-IP": "10.9.0.1" };
    const guesses = await Promise.all(Array.from({ length: 12 }, (_, i) => api("/api/auth/login", { body: { email, password: `guess-${i}` }, headers })));
    const statuses = guesses.map((r) => r.status).sort();
    expect(statuses).toEqual([...Array(5).fill(401), ...Array(7).fill(429)]);
    expect((await api("/api/auth/login", { body: { email, password }, headers })).status).toBe(429);
  });

  it("lets sign-ins that succeed through: they use up nothing", async () => {
    const { email, password } = await activeUser("often");
    const headers = { "CF-Connecting-IP": "198.51.100.20" };
    // More than the address's 20 failures; a refused attempt would show as 429.
    for (let i = 0; i < 22; i++) expect((await api("/api/auth/login", { body: { email, password }, headers })).status).toBe(200);
    // And a success clears the account's count: 4 wrong, right, 4 wrong, right.
    for (const round of [0, 1]) {
      for (let i = 0; i < 4; i++) expect((await api("/api/auth/login", { body: { email, password: `wrong-${round}-${i}` }, headers })).status).toBe(401);
      expect((await api("/api/auth/login", { body: { email, password }, headers })).status).toBe(200);
    }
    // Each attempt is a PBKDF2 hash at 100,000 iterations: ~2 s in all alone, more beside other files.
  }, 20_000);

  it.each([
    ["changing the password", "/api/me/password", "POST", (p: string) => ({ currentPassword: p, newPassword: "another long password" })],
    ["deleting the account", "/api/me", "DELETE", (p: string) => ({ password: p })],
  ] as const)("limits guessing the current password when %s, as sign-in is", async (_what, path, method, body) => {
    const { email, password, cookie } = await activeUser("current");
    const headers = { "CF-Connecting-IP": "192.0.2.50" };
    const guesses = await Promise.all(Array.from({ length: 8 }, (_, i) => api(path, { method, body: body(`guess-${i}`), cookie, headers })));
    expect(guesses.map((r) => r.status).sort()).toEqual([...Array(5).fill(403), ...Array(3).fill(429)]);
    // The right password waits too, and nothing changed: the account still signs in (later) with it.
    const right = await api(path, { method, body: body(password), cookie, headers });
    expect(right.status).toBe(429);
    expect(await right.json()).toMatchObject({ error: { code: "rate_limited" } });
    expect(await env.DB.prepare("SELECT count(*) AS n FROM users WHERE email = ?").bind(email).first("n")).toBe(1);
  });
});

describe("requests that mail someone are limited per client address", () => {
  it("takes 3 registrations and recoveries together from one address when set to 3; others go on; nothing is sent past it", async () => {
    const limit = { MAIL_REQUESTS_PER_IP_PER_HOUR: "3" };
    const headers = { "CF-Connecting-IP": "198.51.100.77" };
    const [a, b, c, d] = [uniqueEmail("mailer-a"), uniqueEmail("mailer-b"), uniqueEmail("mailer-c"), uniqueEmail("mailer-d")];
    expect((await apiWith(limit, "/api/auth/register", { body: { email: a }, headers })).status).toBe(202);
    expect((await apiWith(limit, "/api/auth/recover", { body: { email: a }, headers })).status).toBe(202);
    expect((await apiWith(limit, "/api/auth/register", { body: { email: b }, headers })).status).toBe(202);
    for (const [path, email] of [["/api/auth/register", c], ["/api/auth/recover", a]] as const) {
      const refused = await apiWith(limit, path, { body: { email }, headers });
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get("Retry-After"))).toBeGreaterThan(0);
      expect(await refused.json()).toMatchObject({ error: { code: "rate_limited" } });
    }
    expect(await env.DB.prepare("SELECT count(*) AS n FROM users WHERE email = ?").bind(c).first("n")).toBe(0);
    expect((await recoveryMails(a)).length).toBe(1);
    // Another client address is not affected.
    expect((await apiWith(limit, "/api/auth/register", { body: { email: d }, headers: { "CF-Connecting-IP": "198.51.100.78" } })).status).toBe(202);
    // An IPv6 client counts by its /64.
    for (let i = 1; i <= 3; i++) {
      expect((await apiWith(limit, "/api/auth/register", { body: { email: uniqueEmail("mailer-v6") }, headers: { "CF-Connecting-IP": `2001:db8:9:1::${i}` } })).status).toBe(202);
    }
    expect((await apiWith(limit, "/api/auth/recover", { body: { email: a }, headers: { "CF-Connecting-IP": "2001:db8:9:1::99" } })).status).toBe(429);
  });
});

describe("a rate limiter forgets", () => {
  it("everything by an alarm at its newest failure plus the window", async () => {
    const limiter = env.RATE_LIMITER.getByName(`forget-test:${uniqueEmail("limiter")}`);
    const now = Date.now();
    // Out of order, as calls from two Workers may come: the newest failure sets the alarm.
    expect(await limiter.take(2, 60_000, now)).toBe(0);
    expect(await limiter.take(2, 60_000, now - 30_000)).toBe(0);
    expect(await limiter.take(2, 60_000, now)).toBeGreaterThan(0);
    await runInDurableObject(limiter, async (_l: RateLimiter, state) => {
      expect(await state.storage.getAlarm()).toBe(now + 60_000);
      expect(state.storage.kv.get("failures")).toEqual([now, now - 30_000]);
    });
    expect(await runDurableObjectAlarm(limiter)).toBe(true);
    await runInDurableObject(limiter, async (_l: RateLimiter, state) => {
      expect(state.storage.kv.get("failures")).toBeUndefined();
      expect(await state.storage.getAlarm()).toBeNull();
    });
    expect(await limiter.take(2, 60_000, now)).toBe(0);
  });
});
