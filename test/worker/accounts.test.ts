import { describe, expect, it } from "vitest";
import { openDb } from "../../worker/db/client";
import { mailTransport } from "../../worker/mail/transport";
import { cabinetUrl } from "../../worker/routes/auth";
import { activeUser, api, apiWith, env, mailedPassword, outbox, recoveryMails, recoveryToken, sessionCookie, uniqueEmail } from "./helpers";

describe("registration and first login (F1.1, F1.2)", () => {
  it("e-mails a generated password, activates on first login and asks for a new password", async () => {
    const email = uniqueEmail("new");
    const reg = await api("/api/auth/register", { body: { email: `  ${email.toUpperCase()} ` } });
    expect(reg.status).toBe(202);
    expect(await reg.json()).toMatchObject({ status: "sent" });

    const mail = (await outbox()).find((m) => m.to === email);
    expect(mail?.subject).toBe("Your Edgedesk account");
    const password = await mailedPassword(email);
    expect(password).toMatch(/^[A-Za-z0-9]{14}$/);

    const pending = await env.DB.prepare("SELECT status, password_hash FROM users WHERE email = ?").bind(email).first<{ status: string; password_hash: string }>();
    expect(pending?.status).toBe("pending");
    // Never the password itself: a PBKDF2 hash with its parameters.
    expect(pending?.password_hash).toMatch(/^pbkdf2-sha256\$100000\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(pending?.password_hash).not.toContain(password);

    const login = await api("/api/auth/login", { body: { email, password } });
    expect(login.status).toBe(200);
    const { user } = (await login.json()) as { user: { status: string; mustChangePassword: boolean; email: string } };
    expect(user).toMatchObject({ status: "active", mustChangePassword: true, email });
    const setCookie = login.headers.get("Set-Cookie")!;
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    expect(setCookie).toMatch(/Max-Age=2592000/);
    // Served over http://localhost here, so not Secure (browsers would drop it).
    expect(setCookie).not.toMatch(/Secure/i);

    const cookie = sessionCookie(login);
    const me = await api("/api/me", { cookie });
    expect(me.status).toBe(200);

    const change = await api("/api/me/password", { body: { currentPassword: password, newPassword: "correct horse battery" }, cookie });
    expect(change.status).toBe(204);
    const after = (await (await api("/api/me", { cookie })).json()) as { user: { mustChangePassword: boolean } };
    expect(after.user.mustChangePassword).toBe(false);

    expect((await api("/api/auth/login", { body: { email, password } })).status).toBe(401);
    expect((await api("/api/auth/login", { body: { email, password: "correct horse battery" } })).status).toBe(200);
  });

  it("answers a second registration of an active address the same way, without resetting its password", async () => {
    const email = uniqueEmail("twice");
    await api("/api/auth/register", { body: { email } });
    const password = await mailedPassword(email);
    await api("/api/auth/login", { body: { email, password } });

    const again = await api("/api/auth/register", { body: { email } });
    expect(again.status).toBe(202);
    const newest = (await outbox()).find((m) => m.to === email)!;
    expect(newest.subject).toBe("You already have an Edgedesk account");
    expect((await api("/api/auth/login", { body: { email, password } })).status).toBe(200);
  });

  it("sends a fresh password to an address that never signed in", async () => {
    const email = uniqueEmail("lost");
    await api("/api/auth/register", { body: { email } });
    const first = await mailedPassword(email);
    await api("/api/auth/register", { body: { email } });
    const second = await mailedPassword(email);
    expect(second).not.toBe(first);
    expect((await api("/api/auth/login", { body: { email, password: first } })).status).toBe(401);
    expect((await api("/api/auth/login", { body: { email, password: second } })).status).toBe(200);
  });

  it("answers 502 when the mail cannot be sent, and changes nothing: no account, no password replaced", async () => {
    const noMail = { MAIL_TRANSPORT: "none" } as Partial<Env>; // a transport that refuses every send
    // A new address: no account is left behind that nobody has the password of.
    const email = uniqueEmail("nomail");
    // As many failures as the hour's registrations: none of them uses one up.
    for (let i = 0; i < 3; i++) {
      const failed = await apiWith(noMail, "/api/auth/register", { body: { email } });
      expect(failed.status).toBe(502);
      expect(await failed.json()).toMatchObject({ error: { code: "mail_failed" } });
    }
    expect(await env.DB.prepare("SELECT count(*) AS n FROM users WHERE email = ?").bind(email).first("n")).toBe(0);
    expect((await api("/api/auth/register", { body: { email } })).status).toBe(202);
    expect((await api("/api/auth/login", { body: { email, password: await mailedPassword(email) } })).status).toBe(200);
    // A pending address: the password mailed last keeps working.
    const pending = uniqueEmail("nomail-pending");
    await api("/api/auth/register", { body: { email: pending } });
    const first = await mailedPassword(pending);
    expect((await apiWith(noMail, "/api/auth/register", { body: { email: pending } })).status).toBe(502);
    expect((await api("/api/auth/login", { body: { email: pending, password: first } })).status).toBe(200);
    // An active address answers the same as an unknown one.
    const active = await activeUser("nomail-active");
    expect((await apiWith(noMail, "/api/auth/register", { body: { email: active.email } })).status).toBe(502);
  });

  it("answers a recovery request the same for a known and an unknown address when the mail cannot be sent", async () => {
    const noMail = { MAIL_TRANSPORT: "none" } as Partial<Env>;
    const known = await activeUser("nomail-recover");
    const emails = [known.email, uniqueEmail("nobody")];
    const answers = await Promise.all(emails.map((email) => apiWith(noMail, "/api/auth/recover", { body: { email } })));
    expect(answers.map((r) => r.status)).toEqual([202, 202]);
    // The same words but for the address itself.
    const [a, b] = await Promise.all(answers.map(async (r, i) => (await r.text()).replaceAll(emails[i]!, "ADDRESS")));
    expect(a).toBe(b);
  });

  it("cannot reach the change-password route with a wrong current password or a short new one", async () => {
    const email = uniqueEmail("pw");
    await api("/api/auth/register", { body: { email } });
    const password = await mailedPassword(email);
    const cookie = sessionCookie(await api("/api/auth/login", { body: { email, password } }));

    const wrong = await api("/api/me/password", { body: { currentPassword: "nope", newPassword: "long enough password" }, cookie });
    expect(wrong.status).toBe(403);
    expect(await wrong.json()).toMatchObject({ error: { code: "wrong_password" } });

    const short = await api("/api/me/password", { body: { currentPassword: password, newPassword: "short" }, cookie });
    expect(short.status).toBe(400);
    expect(await short.json()).toMatchObject({ error: { code: "invalid_input", message: expect.stringContaining("newPassword") } });
    // Nothing changed: the mailed password still works.
    expect((await api("/api/auth/login", { body: { email, password } })).status).toBe(200);
  });
});

describe("login, logout and sessions (F1.4)", () => {
  it("gives an unknown address and a wrong password the same answer", async () => {
    const email = uniqueEmail("known");
    await api("/api/auth/register", { body: { email } });
    const unknown = await api("/api/auth/login", { body: { email: uniqueEmail("unknown"), password: "whatever-123" } });
    const wrong = await api("/api/auth/login", { body: { email, password: "whatever-123" } });
    expect(unknown.status).toBe(401);
    expect(wrong.status).toBe(401);
    const a = (await unknown.json()) as { error: { code: string; message: string } };
    const b = (await wrong.json()) as { error: { code: string; message: string } };
    expect(a.error.code).toBe("invalid_credentials");
    expect({ code: a.error.code, message: a.error.message }).toEqual({ code: b.error.code, message: b.error.message });
  });

  it("logs out: the cookie is cleared and the session no longer works", async () => {
    const email = uniqueEmail("out");
    await api("/api/auth/register", { body: { email } });
    const cookie = sessionCookie(await api("/api/auth/login", { body: { email, password: await mailedPassword(email) } }));
    expect((await api("/api/me", { cookie })).status).toBe(200);
    const out = await api("/api/auth/logout", { method: "POST", cookie });
    expect(out.status).toBe(204);
    expect(out.headers.get("Set-Cookie")).toMatch(/edgedesk_session=;.*Max-Age=0/);
    expect((await api("/api/me", { cookie })).status).toBe(401);
  });

  it("signs out other browsers when the password changes", async () => {
    const email = uniqueEmail("multi");
    await api("/api/auth/register", { body: { email } });
    const password = await mailedPassword(email);
    const a = sessionCookie(await api("/api/auth/login", { body: { email, password } }));
    const b = sessionCookie(await api("/api/auth/login", { body: { email, password } }));
    expect((await api("/api/me/password", { body: { currentPassword: password, newPassword: "another password 1" }, cookie: a })).status).toBe(204);
    expect((await api("/api/me", { cookie: a })).status).toBe(200);
    expect((await api("/api/me", { cookie: b })).status).toBe(401);
  });
});

describe("registration is limited per address", () => {
  it("takes 3 registrations of an address an hour; a 4th answers the same and sends and changes nothing", async () => {
    const email = uniqueEmail("flood");
    const answers: unknown[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await api("/api/auth/register", { body: { email } });
      expect(res.status).toBe(202);
      answers.push(await res.json());
    }
    const third = await mailedPassword(email);
    const fourth = await api("/api/auth/register", { body: { email } });
    expect(fourth.status).toBe(202);
    expect(await fourth.json()).toEqual(answers[2]);
    expect((await outbox()).filter((m) => m.to === email)).toHaveLength(3);
    expect(await mailedPassword(email)).toBe(third);
    expect((await api("/api/auth/login", { body: { email, password: third } })).status).toBe(200);
  });

  it("takes 3 of 8 registrations of an address sent at once", async () => {
    // Checked and recorded in one call to the limiter: as two calls, all 8 passed the check.
    const email = uniqueEmail("flood-parallel");
    const answers = await Promise.all(Array.from({ length: 8 }, () => api("/api/auth/register", { body: { email } })));
    expect(answers.map((r) => r.status)).toEqual(Array(8).fill(202));
    expect((await outbox()).filter((m) => m.to === email)).toHaveLength(3);
  });
});

describe("the demo owner's address (F2.2)", () => {
  const DEMO_OWNER = "demo@edgedesk.invalid";
  const registerDemo = async () => {
    const res = await api("/api/agent/register-demo", { body: { name: "Demo computer" }, headers: { "X-Demo-Key": "edgedesk-local-demo-agent-key" } });
    expect(res.status).toBe(201);
    return ((await res.json()) as { computerId: string }).computerId;
  };

  it("cannot be registered, nor any other address under .invalid", async () => {
    for (const email of [DEMO_OWNER, "Someone@Example.INVALID"]) {
      const res = await api("/api/auth/register", { body: { email } });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({
        error: { code: "invalid_input", message: "email: Addresses under .invalid cannot receive mail; use a real address." },
      });
    }
    expect(await env.DB.prepare("SELECT count(*) AS n FROM users WHERE email = 'someone@example.invalid'").first("n")).toBe(0);
  });

  it("is made the active business-plan owner by register-demo even if someone registered it first", async () => {
    // As a registration before .invalid was refused left it: pending, free, a password someone knows.
    const squatter = uniqueEmail("squatter");
    await api("/api/auth/register", { body: { email: squatter } });
    const known = await mailedPassword(squatter);
    const hash = await env.DB.prepare("SELECT password_hash FROM users WHERE email = ?").bind(squatter).first<string>("password_hash");
    await env.DB.prepare(
      `INSERT INTO users (id, email, password_hash) VALUES (?, ?, ?)
       ON CONFLICT (email) DO UPDATE SET status = 'pending', plan_id = 'free', must_change_password = 1, password_hash = excluded.password_hash`,
    )
      .bind(crypto.randomUUID(), DEMO_OWNER, hash)
      .run();

    await registerDemo();
    const owner = await env.DB.prepare("SELECT status, plan_id, must_change_password FROM users WHERE email = ?").bind(DEMO_OWNER).first();
    expect(owner).toEqual({ status: "active", plan_id: "business", must_change_password: 0 });
    expect((await api("/api/auth/login", { body: { email: DEMO_OWNER, password: known } })).status).toBe(401);
  });

  it("gives the demo computer to an account that a password reset activated (F2.2)", async () => {
    const demoId = await registerDemo();
    const email = uniqueEmail("resetfirst");
    await api("/api/auth/register", { body: { email } });
    await api("/api/auth/recover", { body: { email } });
    const token = recoveryToken((await recoveryMails(email))[0]!);
    expect((await api("/api/auth/reset", { body: { token, newPassword: "my own password 1" } })).status).toBe(204);
    expect(await env.DB.prepare("SELECT status FROM users WHERE email = ?").bind(email).first("status")).toBe("active");

    const login = await api("/api/auth/login", { body: { email, password: "my own password 1" } });
    expect(login.status).toBe(200);
    const { computers } = (await (await api("/api/computers", { cookie: sessionCookie(login) })).json()) as { computers: { id: string; isDemo: boolean }[] };
    expect(computers.find((c) => c.id === demoId)).toMatchObject({ isDemo: true });
  });
});

describe("the mail transport setting", () => {
  const message = { to: "someone@example.com", subject: "s", text: "t", html: "<p>t</p>" };

  it("uses the D1 outbox only with DEV_MODE on, and otherwise refuses at the first send, naming the setting", async () => {
    const db = openDb(env.DB);
    await expect(mailTransport({ ...env, MAIL_TRANSPORT: "outbox", DEV_MODE: "false" }, db).send({ ...message, subject: "never stored" })).rejects.toThrow(
      /MAIL_TRANSPORT="outbox".*DEV_MODE="true"/,
    );
    await expect(mailTransport({ ...env, MAIL_TRANSPORT: "smpt", DEV_MODE: "true" }, db).send({ ...message, subject: "never stored" })).rejects.toThrow(
      /MAIL_TRANSPORT="smpt" is not a mail transport/,
    );
    expect((await outbox()).some((m) => m.subject === "never stored")).toBe(false);
    await mailTransport({ ...env, MAIL_TRANSPORT: "outbox", DEV_MODE: "true" }, db).send({ ...message, subject: "stored locally" });
    expect((await outbox())[0]).toMatchObject({ subject: "stored locally" });
  });
});

describe("the cabinet's address in mailed links", () => {
  const request = "https://attacker.example/api/auth/recover";

  it("is PUBLIC_URL when set, whatever Host the request named", () => {
    expect(cabinetUrl({ ...env, PUBLIC_URL: "https://cabinet.example/", DEV_MODE: "false" }, request)).toBe("https://cabinet.example");
  });

  it("falls back to the request's origin only on a dev server, and otherwise refuses, naming the setting", () => {
    expect(cabinetUrl({ ...env, PUBLIC_URL: "", DEV_MODE: "true" }, request)).toBe("https://attacker.example");
    expect(() => cabinetUrl({ ...env, PUBLIC_URL: "", DEV_MODE: "false" }, request)).toThrow(/PUBLIC_URL/);
  });
});
