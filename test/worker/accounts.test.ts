import { describe, expect, it } from "vitest";
import { api, env, mailedPassword, outbox, sessionCookie, uniqueEmail } from "./helpers";

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
