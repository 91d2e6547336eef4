// Issue 6 on the Worker: profile, password recovery, connection history with "End", and
// account deletion that leaves nothing behind; each with its security cases.
import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { CloseCode } from "../../protocol/stream";
import { app } from "../../worker/app";
import { activeUser, api, apiWith, failingNamespace, ORIGIN, outbox, recoveryMails, recoveryToken, sessionCookie, uniqueEmail } from "./helpers";
import { isText, openSocket, type TestSocket } from "./sockets";

const WEBP = Uint8Array.from(atob("UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA=="), (ch) => ch.charCodeAt(0));

async function linkAndConnect(user: { email: string; password: string }, name = "box") {
  const res = await api("/api/agent/register", { body: { email: user.email, password: user.password, name, os: "linux", agentVersion: "0.1.0", installed: true } });
  const l = (await res.json()) as { computerId: string; agentToken: string };
  const control = await openSocket(`/api/agent/connect?computer=${l.computerId}`, { Authorization: `Bearer ${l.agentToken}` });
  await control.next(isText);
  return { ...l, control };
}

async function startSession(cookie: string, computerId: string, control: Awaited<ReturnType<typeof linkAndConnect>>["control"]) {
  const res = await api(`/api/computers/${computerId}/sessions`, { method: "POST", cookie });
  expect(res.status).toBe(201);
  const { sessionId, viewerPath } = (await res.json()) as { sessionId: string; viewerPath: string };
  const order = JSON.parse((await control.next((m) => isText(m) && m.includes("open-stream"))) as string) as { path: string };
  const viewer = await openSocket(viewerPath, { Cookie: cookie });
  const agent = await openSocket(order.path);
  await viewer.next((m) => isText(m) && m.includes('"agent":true'));
  return { sessionId, viewer, agent };
}

describe("profile (F1.7)", () => {
  it("saves name, country, language, time zone and format; refuses what is not valid", async () => {
    const u = await activeUser("profile");
    const res = await api("/api/me", { method: "PATCH", body: { firstName: "Ada", lastName: "Lovelace", country: "DE", language: "de", timeZone: "Europe/Berlin", timeFormat: "12h", tourDone: true }, cookie: u.cookie });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ user: { firstName: "Ada", lastName: "Lovelace", country: "DE", language: "de", timeZone: "Europe/Berlin", timeFormat: "12h", tourDone: true } });
    for (const body of [{ timeZone: "Mars/Olympus" }, { country: "Germany" }, { language: "fr" }, { timeFormat: "13h" }, { email: "x@y.z" }]) {
      expect((await api("/api/me", { method: "PATCH", body, cookie: u.cookie })).status, JSON.stringify(body)).toBe(400);
    }
    expect(await (await api("/api/me", { cookie: u.cookie })).json()).toMatchObject({ user: { timeZone: "Europe/Berlin" } });
  });
});

describe("password recovery (F1.5)", () => {
  const link = async (email: string) => recoveryToken((await recoveryMails(email))[0]!);

  it("answers the same for unknown addresses and sends nothing", async () => {
    const email = uniqueEmail("ghost");
    const res = await api("/api/auth/recover", { body: { email } });
    expect(res.status).toBe(202);
    // Nothing was left to run after the answer: a known address's mail would be on its way by now.
    const known = await activeUser("not-a-ghost");
    await api("/api/auth/recover", { body: { email: known.email } });
    await recoveryMails(known.email);
    expect((await outbox()).filter((m) => m.to === email)).toEqual([]);
  });

  it("answers before the mail is sent: a slow mail server does not tell a known address by the answer's time", async () => {
    const u = await activeUser("held");
    const smtp = `http://127.0.0.1:${env.SMTP_TEST_INBOX_PORT}`;
    const heldMails = async () => ((await (await fetch(`${smtp}/held`)).json()) as { to: string[] }[]).filter((m) => m.to.includes(u.email));
    const bindings = { MAIL_TRANSPORT: "smtp", SMTP_HOST: "127.0.0.1", SMTP_PORT: env.SMTP_TEST_PORT, SMTP_SECURE: "false", SMTP_USERNAME: "mailer", SMTP_PASSWORD: "secret" };
    const ctx = createExecutionContext();
    const answer = app.fetch(new Request(`${ORIGIN}/api/auth/recover`, { method: "POST", headers: { Origin: ORIGIN, "Content-Type": "application/json" }, body: JSON.stringify({ email: u.email }) }), { ...env, ...bindings }, ctx);
    // The SMTP server holds this address's mail unanswered until released: an answer that
    // waited for the mail could only come after the release.
    const mailHeld = (async () => {
      const deadline = Date.now() + 10_000;
      while ((await heldMails()).length === 0) {
        if (Date.now() > deadline) throw new Error("the mail never reached the SMTP server");
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      return "the mail was held first" as const;
    })();
    const first = await Promise.race([answer, mailHeld]);
    await fetch(`${smtp}/release`, { method: "POST" });
    expect(first).toBeInstanceOf(Response);
    expect((first as Response).status).toBe(202);
    // And the mail does go, after the answer.
    await mailHeld;
    await fetch(`${smtp}/release`, { method: "POST" });
    await waitOnExecutionContext(ctx);
    const delivered = (await (await fetch(smtp)).json()) as { to: string[]; data: string }[];
    expect(delivered.find((m) => m.to.includes(u.email))?.data).toContain("reset-password?token=");
  });

  it("mails at most 3 links an hour, also when 8 requests come at once", async () => {
    const u = await activeUser("forgot-flood");
    const answers = await Promise.all(Array.from({ length: 8 }, () => api("/api/auth/recover", { body: { email: u.email } })));
    expect(answers.map((r) => r.status)).toEqual(Array(8).fill(202));
    // The other five were refused before their answers, so nothing of theirs runs later.
    expect(await recoveryMails(u.email, 3)).toHaveLength(3);
  });

  it("mails a single-use link that sets a new password and signs every browser out", async () => {
    const u = await activeUser("forgot");
    const res = await api("/api/auth/recover", { body: { email: u.email } });
    expect(res.status).toBe(202);
    const token = await link(u.email);
    expect(token.length).toBeGreaterThan(20);
    expect((await api("/api/auth/reset", { body: { token, newPassword: "a brand new password" } })).status).toBe(204);
    expect((await api("/api/me", { cookie: u.cookie })).status).toBe(401);
    expect((await api("/api/auth/login", { body: { email: u.email, password: u.password } })).status).toBe(401);
    expect((await api("/api/auth/login", { body: { email: u.email, password: "a brand new password" } })).status).toBe(200);
    // Used once: the second try is refused and changes nothing.
    const again = await api("/api/auth/reset", { body: { token, newPassword: "yet another password" } });
    expect(again.status).toBe(400);
    expect(await again.json()).toMatchObject({ error: { code: "invalid_token" } });
    expect((await api("/api/auth/login", { body: { email: u.email, password: "a brand new password" } })).status).toBe(200);
  });

  const allLinks = async (email: string, count: number) => (await recoveryMails(email, count)).map(recoveryToken);

  it("spends every other link of the account when one of them sets the password", async () => {
    const u = await activeUser("twolinks");
    await api("/api/auth/recover", { body: { email: u.email } });
    await api("/api/auth/recover", { body: { email: u.email } });
    const [newer, older] = await allLinks(u.email, 2);
    expect(newer && older && newer !== older).toBeTruthy();
    expect((await api("/api/auth/reset", { body: { token: older!, newPassword: "the password I chose" } })).status).toBe(204);
    type ErrorJson = { error: { code: string; message: string } };
    const used = (await (await api("/api/auth/reset", { body: { token: older!, newPassword: "someone else's pick" } })).json()) as ErrorJson;
    const other = await api("/api/auth/reset", { body: { token: newer!, newPassword: "someone else's pick" } });
    expect(other.status).toBe(400);
    const { error } = (await other.json()) as ErrorJson;
    expect({ code: error.code, message: error.message }).toEqual({ code: used.error.code, message: used.error.message });
    expect(used.error.code).toBe("invalid_token");
    expect((await api("/api/auth/login", { body: { email: u.email, password: "the password I chose" } })).status).toBe(200);
  });

  it("spends outstanding links when the password is changed", async () => {
    const u = await activeUser("changed");
    await api("/api/auth/recover", { body: { email: u.email } });
    const [token] = await allLinks(u.email, 1);
    expect((await api("/api/me/password", { body: { currentPassword: u.password, newPassword: "changed on purpose" }, cookie: u.cookie })).status).toBe(204);
    const late = await api("/api/auth/reset", { body: { token: token!, newPassword: "set behind my back" } });
    expect(late.status).toBe(400);
    expect(await late.json()).toMatchObject({ error: { code: "invalid_token" } });
    expect((await api("/api/auth/login", { body: { email: u.email, password: "changed on purpose" } })).status).toBe(200);
  });

  it("sets a new password together with signing the other browsers out, or neither", async () => {
    // D1 refusing the statement that signs browsers out (here: a binding whose prepare throws
    // for it) must not leave a new password with the old sign-ins still in: whoever a reset
    // or a change is meant to lock out would stay in, unseen.
    const refusingSignOut = new Proxy(env.DB, {
      get(target, prop) {
        if (prop === "prepare")
          return (query: string) => {
            if (/delete from "auth_sessions"/i.test(query)) throw new Error("D1 unavailable");
            return target.prepare(query);
          };
        const value = Reflect.get(target, prop, target) as unknown;
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const u = await activeUser("reset-atomic");
    await api("/api/auth/recover", { body: { email: u.email } });
    const token = await link(u.email);
    const reset = await apiWith({ DB: refusingSignOut }, "/api/auth/reset", { body: { token, newPassword: "a brand new password" } });
    expect(reset.status).toBe(500);
    expect((await api("/api/me", { cookie: u.cookie })).status).toBe(200);
    expect((await api("/api/auth/login", { body: { email: u.email, password: "a brand new password" } })).status).toBe(401);
    expect((await api("/api/auth/login", { body: { email: u.email, password: u.password } })).status).toBe(200);

    const other = sessionCookie(await api("/api/auth/login", { body: { email: u.email, password: u.password } }));
    const change = await apiWith({ DB: refusingSignOut }, "/api/me/password", { body: { currentPassword: u.password, newPassword: "changed on purpose" }, cookie: u.cookie });
    expect(change.status).toBe(500);
    expect((await api("/api/me", { cookie: other })).status).toBe(200);
    expect((await api("/api/auth/login", { body: { email: u.email, password: "changed on purpose" } })).status).toBe(401);
    expect((await api("/api/auth/login", { body: { email: u.email, password: u.password } })).status).toBe(200);
  });

  it("refuses an expired link", async () => {
    const u = await activeUser("late");
    await api("/api/auth/recover", { body: { email: u.email } });
    const token = await link(u.email);
    await env.DB.prepare("UPDATE password_resets SET expires_at = ? WHERE user_id = ?").bind(Date.now() - 1, u.id).run();
    expect((await api("/api/auth/reset", { body: { token, newPassword: "a brand new password" } })).status).toBe(400);
    expect((await api("/api/auth/login", { body: { email: u.email, password: u.password } })).status).toBe(200);
  });
});

describe("connection history (F5)", () => {
  it("lists sessions by the account and to its computers, filters, paginates, and ends an active one", async () => {
    const owner = await activeUser("hist");
    const friend = await activeUser("hist2");
    const { computerId, control } = await linkAndConnect(owner, "history-box");
    await api(`/api/computers/${computerId}/shares`, { body: { email: friend.email }, cookie: owner.cookie });
    // Past sessions, written as the relay would have.
    const day = 24 * 3600_000;
    for (let i = 0; i < 30; i++) {
      await env.DB.prepare("INSERT INTO remote_sessions (id, computer_id, user_id, source, started_at, ended_at) VALUES (?, ?, ?, ?, ?, ?)")
        .bind(crypto.randomUUID(), computerId, i % 2 ? friend.id : owner.id, i % 2 ? "shared" : "cabinet", Date.UTC(2026, 9, 1) + i * day, Date.UTC(2026, 9, 1) + i * day + 90_000)
        .run();
    }
    const { sessionId, viewer, agent } = await startSession(friend.cookie, computerId, control);

    const page1 = (await (await api("/api/history?pageSize=10", { cookie: owner.cookie })).json()) as { entries: { id: string; active: boolean; direction: string; durationSeconds: number | null }[]; total: number };
    expect(page1.total).toBe(31);
    expect(page1.entries).toHaveLength(10);
    expect(page1.entries[0]).toMatchObject({ id: sessionId, active: true, direction: "incoming", durationSeconds: null });
    const page4 = (await (await api("/api/history?pageSize=10&page=4", { cookie: owner.cookie })).json()) as { entries: unknown[] };
    expect(page4.entries).toHaveLength(1);
    const october = (await (await api(`/api/history?computerId=${computerId}&from=2026-10-01T00:00:00Z&to=2026-10-11T00:00:00Z`, { cookie: owner.cookie })).json()) as { total: number; entries: { durationSeconds: number }[] };
    expect(october.total).toBe(10);
    expect(october.entries[0]!.durationSeconds).toBe(90);
    // The friend sees only their own sessions (outgoing), not the owner's.
    const friendView = (await (await api("/api/history", { cookie: friend.cookie })).json()) as { total: number; entries: { direction: string }[] };
    expect(friendView.total).toBe(16);
    expect(new Set(friendView.entries.map((e) => e.direction))).toEqual(new Set(["outgoing"]));

    // A stranger can neither see nor end it.
    const stranger = await activeUser("hist3");
    expect(((await (await api("/api/history", { cookie: stranger.cookie })).json()) as { total: number }).total).toBe(0);
    expect((await api(`/api/history/${sessionId}/end`, { method: "POST", cookie: stranger.cookie })).status).toBe(404);
    expect(viewer.ws.readyState).toBe(WebSocket.OPEN);

    // The owner ends the friend's session: both sides are closed at the relay.
    expect((await api(`/api/history/${sessionId}/end`, { method: "POST", cookie: owner.cookie })).status).toBe(204);
    expect((await viewer.closed).code).toBe(CloseCode.SessionEnded);
    expect((await agent.closed).code).toBe(CloseCode.SessionEnded);
    const after = (await (await api(`/api/history?pageSize=1`, { cookie: owner.cookie })).json()) as { entries: { active: boolean }[] };
    expect(after.entries[0]!.active).toBe(false);
    control.ws.close();
  });

  it("shows a viewer whose share ended the computer's name from then, not the owner's later names", async () => {
    const owner = await activeUser("hist-name");
    const friend = await activeUser("hist-name2");
    const { computerId, control } = await linkAndConnect(owner, "reception-pc");
    await api(`/api/computers/${computerId}/shares`, { body: { email: friend.email }, cookie: owner.cookie });
    const { sessionId, viewer } = await startSession(friend.cookie, computerId, control);
    expect((await api(`/api/history/${sessionId}/end`, { method: "POST", cookie: friend.cookie })).status).toBe(204);
    await viewer.closed;
    const names = async (cookie: string) => ((await (await api("/api/history", { cookie })).json()) as { entries: { computerName: string }[] }).entries.map((e) => e.computerName);
    // Renamed while shared: both see today's name.
    expect((await api(`/api/computers/${computerId}`, { method: "PATCH", body: { name: "front-desk" }, cookie: owner.cookie })).status).toBe(200);
    expect(await names(friend.cookie)).toEqual(["front-desk"]);
    // The share ends, the owner renames again: the friend keeps the name the computer had
    // when their session started; the owner sees today's.
    expect((await api(`/api/computers/${computerId}/shares/${friend.id}`, { method: "DELETE", cookie: owner.cookie })).status).toBe(204);
    expect((await api(`/api/computers/${computerId}`, { method: "PATCH", body: { name: "payroll-server" }, cookie: owner.cookie })).status).toBe(200);
    expect(await names(friend.cookie)).toEqual(["reception-pc"]);
    expect(await names(owner.cookie)).toEqual(["payroll-server"]);
    control.ws.close();
  });

  it("validates the filters", async () => {
    const u = await activeUser("histbad");
    for (const q of ["page=0", "pageSize=1000", "from=yesterday", "computerId=nope"]) {
      expect((await api(`/api/history?${q}`, { cookie: u.cookie })).status, q).toBe(400);
    }
  });
});

describe("account deletion (F1.9)", () => {
  it("needs the current password and changes nothing without it", async () => {
    const u = await activeUser("keep");
    const res = await api("/api/me", { method: "DELETE", body: { password: "not it" }, cookie: u.cookie });
    expect(res.status).toBe(403);
    expect((await api("/api/me", { cookie: u.cookie })).status).toBe(200);
  });

  it("leaves no screenshot that reached R2 after it listed the account's computers", async () => {
    const u = await activeUser("late-shot");
    const { computerId, control } = await linkAndConnect(u, "late-box");
    // What an agent connecting as the deletion ran leaves (its screenshot stored after the
    // deletion read the computers, so its key was not among theirs): the object, no key in D1.
    await env.FILES.put(`screenshots/${computerId}.webp`, WEBP);
    expect((await env.DB.prepare("SELECT screenshot_key FROM computers WHERE id = ?").bind(computerId).first())?.screenshot_key).toBeNull();
    expect((await api("/api/me", { method: "DELETE", body: { password: u.password }, cookie: u.cookie })).status).toBe(204);
    expect((await env.FILES.list({ prefix: `screenshots/${computerId}` })).objects).toEqual([]);
    control.ws.close();
  });

  it("removes every row, object and live socket of the account", async () => {
    const u = await activeUser("leaver");
    const other = await activeUser("stayer");
    const { computerId, control } = await linkAndConnect(u, "leaving-box");
    control.ws.send(Uint8Array.of(0x01, ...WEBP));
    control.ws.send(JSON.stringify({ type: "system-info", info: { general: { os: "x", osVersion: "1", hostname: "h", user: "u", cpu: "c", cores: 1, memoryBytes: 1, uptimeSeconds: 1, agentVersion: "0" }, detail: { disks: [], network: [], displays: [] } } }));
    await expect.poll(async () => (await env.FILES.list({ prefix: `screenshots/${computerId}` })).objects.length).toBe(1);
    // Shares both ways, a favorite, a recovery token, history, an open tab and a live session.
    await api(`/api/computers/${computerId}/shares`, { body: { email: other.email }, cookie: u.cookie });
    const theirs = await linkAndConnect(other, "other-box");
    await api(`/api/computers/${theirs.computerId}/shares`, { body: { email: u.email }, cookie: other.cookie });
    await api(`/api/computers/${theirs.computerId}/favorite`, { method: "PUT", body: { favorite: true }, cookie: u.cookie });
    await api("/api/auth/recover", { body: { email: u.email } });
    // The link is stored with its mail, after the answer.
    await recoveryMails(u.email);
    const tab = await openSocket("/api/events", { Cookie: u.cookie });
    const theirTab = await openSocket("/api/events", { Cookie: other.cookie });
    const live = await startSession(u.cookie, computerId, control);

    const res = await api("/api/me", { method: "DELETE", body: { password: u.password }, cookie: u.cookie });
    expect(res.status).toBe(204);
    expect(res.headers.get("Set-Cookie")).toMatch(/edgedesk_session=;/);

    expect((await control.closed).code).toBe(4401);
    expect((await live.viewer.closed).code).toBe(CloseCode.SessionEnded);
    expect((await tab.closed).code).toBe(4000);
    expect((await api("/api/me", { cookie: u.cookie })).status).toBe(401);
    expect((await env.FILES.list({ prefix: `screenshots/${computerId}` })).objects).toEqual([]);

    const left = await env.DB.prepare(`
      SELECT (SELECT count(*) FROM users WHERE id = ?1) + (SELECT count(*) FROM computers WHERE owner_id = ?1 OR id = ?2)
           + (SELECT count(*) FROM shares WHERE user_id = ?1 OR computer_id = ?2) + (SELECT count(*) FROM favorites WHERE user_id = ?1)
           + (SELECT count(*) FROM auth_sessions WHERE user_id = ?1) + (SELECT count(*) FROM password_resets WHERE user_id = ?1)
           + (SELECT count(*) FROM remote_sessions WHERE user_id = ?1 OR computer_id = ?2) AS n`).bind(u.id, computerId).first("n");
    expect(left).toBe(0);
    // The other account is untouched, and its open tab was told the shared computer is gone.
    expect((await api(`/api/computers/${theirs.computerId}`, { cookie: other.cookie })).status).toBe(200);
    expect(JSON.parse((await theirTab.next((m) => isText(m) && m.includes("computer-removed"))) as string)).toEqual({ type: "computer-removed", id: computerId });
    theirTab.ws.close();
    theirs.control.ws.close();
  });

  it("goes through when a session's relay fails to end: no half-deleted account", async () => {
    const u = await activeUser("delete-fault");
    const { computerId, control } = await linkAndConnect(u);
    await startSession(u.cookie, computerId, control);
    // That one relay fails (here by a binding that throws; in production an object that errs).
    const failingRelays = { getByName: () => ({ end: () => Promise.reject(new Error("relay unavailable")) }) } as unknown as Env["SESSION_RELAY"];
    const ctx = createExecutionContext();
    const res = await app.fetch(
      new Request(`${ORIGIN}/api/me`, {
        method: "DELETE",
        headers: { Origin: ORIGIN, Cookie: u.cookie, "Content-Type": "application/json" },
        body: JSON.stringify({ password: u.password }),
      }),
      { ...env, SESSION_RELAY: failingRelays },
      ctx,
    );
    await waitOnExecutionContext(ctx);
    expect(res.status).toBe(204);
    expect((await control.closed).code).toBe(4401);
    expect(await env.DB.prepare("SELECT count(*) AS n FROM users WHERE id = ?").bind(u.id).first("n")).toBe(0);
  });

  it("deletes the screenshots of more computers than one R2 call takes, and goes through when the tabs cannot be closed", async () => {
    const u = await activeUser("delete-many");
    // 1,001 computers with a screenshot each, as their agents would have left them.
    await env.DB.prepare(`
      WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1001)
      INSERT INTO computers (id, owner_id, name, os, screenshot_key, screenshot_at)
      SELECT ?1 || '-' || i, ?1, 'pc-' || i, 'linux', 'screenshots/' || ?1 || '-' || i || '.webp', 1 FROM n`)
      .bind(u.id)
      .run();
    // R2 as the platform's: at most 1,000 keys per delete() (the local emulation takes any number).
    const deleted: string[] = [];
    const files = {
      delete: async (keys: string | string[]) => {
        const list = typeof keys === "string" ? [keys] : keys;
        if (list.length > 1000) throw new Error("delete() takes at most 1000 keys");
        deleted.push(...list);
      },
    } as unknown as R2Bucket;
    const res = await apiWith({ FILES: files, ACCOUNT_HUB: failingNamespace<"ACCOUNT_HUB">("account hub") }, "/api/me", {
      method: "DELETE",
      body: { password: u.password },
      cookie: u.cookie,
    });
    expect(res.status).toBe(204);
    expect(new Set(deleted).size).toBe(1001);
    expect(await env.DB.prepare("SELECT count(*) AS n FROM computers WHERE owner_id = ?").bind(u.id).first("n")).toBe(0);
    expect(await env.DB.prepare("SELECT count(*) AS n FROM users WHERE id = ?").bind(u.id).first("n")).toBe(0);
  });
});

describe("a sign-in that ends takes what it had open with it", () => {
  const signIn = async (u: { email: string; password: string }) => sessionCookie(await api("/api/auth/login", { body: { email: u.email, password: u.password } }));
  const hashOf = async (cookie: string) =>
    [...new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(cookie.split("=")[1]!)))].map((b) => b.toString(16).padStart(2, "0")).join("");
  /** Open, as the runtime answers the heartbeat without waking the hub; a closed socket never answers. */
  const answers = async (tab: TestSocket) => {
    tab.ws.send("ping");
    return (await tab.next((m) => m === "pong")) === "pong";
  };

  it("a password reset ends every running session and closes every tab of the user", async () => {
    const u = await activeUser("reset-live");
    const { computerId, control } = await linkAndConnect(u, "reset-box");
    const live = await startSession(u.cookie, computerId, control);
    const tab = await openSocket("/api/events", { Cookie: u.cookie });

    await api("/api/auth/recover", { body: { email: u.email } });
    const token = recoveryToken((await recoveryMails(u.email))[0]!);
    expect((await api("/api/auth/reset", { body: { token, newPassword: "a brand new password" } })).status).toBe(204);

    expect((await live.viewer.closed).code).toBe(CloseCode.SessionEnded);
    expect((await live.agent.closed).code).toBe(CloseCode.SessionEnded);
    expect((await tab.closed).code).toBe(4000);
    // The agent is the computer's, not the browser's: it stays.
    control.ws.send("ping");
    expect(await control.next((m) => m === "pong")).toBe("pong");
    control.ws.close();
  });

  it("a password change ends the other browsers' sessions and tabs, not this browser's", async () => {
    const u = await activeUser("change-live");
    const other = await signIn(u);
    const { computerId, control } = await linkAndConnect(u, "change-box");
    const theirs = await startSession(other, computerId, control);
    // As a session started before sessions recorded their sign-in: a change ends it too.
    await env.DB.prepare("UPDATE remote_sessions SET sign_in_hash = NULL WHERE id = ?").bind(theirs.sessionId).run();
    const theirTab = await openSocket("/api/events", { Cookie: other });
    const myTab = await openSocket("/api/events", { Cookie: u.cookie });

    expect((await api("/api/me/password", { body: { currentPassword: u.password, newPassword: "another new password" }, cookie: u.cookie })).status).toBe(204);
    expect((await theirs.viewer.closed).code).toBe(CloseCode.SessionEnded);
    expect((await theirTab.closed).code).toBe(4000);
    expect(await answers(myTab)).toBe(true);
    // The ended session no longer holds the plan's one concurrent session.
    const mine = await startSession(u.cookie, computerId, control);
    mine.viewer.ws.close();
    myTab.ws.close();
    control.ws.close();
  });

  it("signing out ends this browser's session and tab only; a tab cannot claim another sign-in", async () => {
    const u = await activeUser("logout-live");
    const other = await signIn(u);
    const { computerId, control } = await linkAndConnect(u, "logout-box");
    const live = await startSession(u.cookie, computerId, control);
    const myTab = await openSocket("/api/events", { Cookie: u.cookie });
    // The sign-in a tab belongs to is the Worker's to say: a header naming another one is overwritten.
    const theirTab = await openSocket("/api/events", { Cookie: other, "X-Edgedesk-Sign-In": await hashOf(u.cookie) });

    expect((await api("/api/auth/logout", { method: "POST", cookie: u.cookie })).status).toBe(204);
    expect((await live.viewer.closed).code).toBe(CloseCode.SessionEnded);
    expect((await myTab.closed).code).toBe(4000);
    expect(await answers(theirTab)).toBe(true);
    expect((await api("/api/me", { cookie: other })).status).toBe(200);
    theirTab.ws.close();
    control.ws.close();
  });
});

describe("taking access away ends it at once (F2.16, F2.11)", () => {
  it("removing a computer ends its sessions and tells its agent to stop", async () => {
    const owner = await activeUser("remover");
    const { computerId, control } = await linkAndConnect(owner, "removed-box");
    const live = await startSession(owner.cookie, computerId, control);

    expect((await api(`/api/computers/${computerId}`, { method: "DELETE", cookie: owner.cookie })).status).toBe(204);
    expect((await live.viewer.closed).code).toBe(CloseCode.SessionEnded);
    expect((await live.agent.closed).code).toBe(CloseCode.SessionEnded);
    expect((await control.closed).code).toBe(4401);
  });

  it("revoking a share ends that user's session only; the agent stays", async () => {
    const owner = await activeUser("revoker");
    const friend = await activeUser("revoked");
    const { computerId, control } = await linkAndConnect(owner, "shared-box");
    await api(`/api/computers/${computerId}/shares`, { body: { email: friend.email }, cookie: owner.cookie });
    const theirs = await startSession(friend.cookie, computerId, control);

    expect((await api(`/api/computers/${computerId}/shares/${friend.id}`, { method: "DELETE", cookie: owner.cookie })).status).toBe(204);
    expect((await theirs.viewer.closed).code).toBe(CloseCode.SessionEnded);
    // The agent is still there, and the ended session no longer counts against the plan's
    // one concurrent session: the owner connects at once.
    control.ws.send("ping");
    expect(await control.next((m) => m === "pong")).toBe("pong");
    const mine = await startSession(owner.cookie, computerId, control);
    mine.agent.ws.send(Uint8Array.of(0x01, 0x01, 7));
    expect(new Uint8Array((await mine.viewer.next((m) => !isText(m))) as ArrayBuffer)[2]).toBe(7);
    mine.viewer.ws.close();
    control.ws.close();
  });

  it("a user who removes a shared computer from their list leaves their own session", async () => {
    const owner = await activeUser("keeper");
    const friend = await activeUser("leaving");
    const { computerId, control } = await linkAndConnect(owner, "kept-box");
    await api(`/api/computers/${computerId}/shares`, { body: { email: friend.email }, cookie: owner.cookie });
    const theirs = await startSession(friend.cookie, computerId, control);

    expect((await api(`/api/computers/${computerId}`, { method: "DELETE", cookie: friend.cookie })).status).toBe(204);
    expect((await theirs.viewer.closed).code).toBe(CloseCode.SessionEnded);
    expect((await api(`/api/computers/${computerId}`, { cookie: owner.cookie })).status).toBe(200);
    control.ws.send("ping");
    expect(await control.next((m) => m === "pong")).toBe("pong");
    control.ws.close();
  });
});

describe("security of the new routes", () => {
  it("refuses them all without a session", async () => {
    for (const [method, path, body] of [
      ["PATCH", "/api/me", { firstName: "x" }],
      ["DELETE", "/api/me", { password: "x" }],
      ["GET", "/api/history", undefined],
      ["POST", `/api/history/${crypto.randomUUID()}/end`, undefined],
    ] as const) {
      expect((await api(path, { method, body })).status, `${method} ${path}`).toBe(401);
    }
  });
});
