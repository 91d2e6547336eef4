import { describe, expect, it } from "vitest";
import { activeUser, api, env } from "./helpers";

async function addComputer(ownerId: string, name: string, extra: Record<string, unknown> = {}): Promise<string> {
  const id = crypto.randomUUID();
  const cols = { id, owner_id: ownerId, name, os: "linux", ...extra };
  const keys = Object.keys(cols);
  await env.DB.prepare(`INSERT INTO computers (${keys.join(",")}) VALUES (${keys.map(() => "?").join(",")})`)
    .bind(...Object.values(cols))
    .run();
  return id;
}

describe("the computers list (F2.1)", () => {
  it("starts empty and lists only the signed-in user's computers, sorted by name", async () => {
    const alice = await activeUser("alice");
    const bob = await activeUser("bob");
    const empty = await api("/api/computers", { cookie: alice.cookie });
    expect(await empty.json()).toEqual({ computers: [] });

    await addComputer(alice.id, "zeta", { online: 1, installed: 1, last_seen_at: Date.UTC(2026, 10, 1) });
    await addComputer(alice.id, "Alpha", { os: "windows" });
    await addComputer(bob.id, "bob's box");

    const res = await api("/api/computers", { cookie: alice.cookie });
    expect(res.status).toBe(200);
    const { computers } = (await res.json()) as { computers: { name: string; status: string; os: string; access: string; lastSeenAt: string | null }[] };
    expect(computers.map((c) => c.name)).toEqual(["Alpha", "zeta"]);
    expect(computers[0]).toMatchObject({ os: "windows", status: "offline", access: "owner", lastSeenAt: null });
    expect(computers[1]).toMatchObject({ status: "online", lastSeenAt: "2026-11-01T00:00:00.000Z" });
    // Secrets never leave the Worker.
    expect(JSON.stringify(computers)).not.toMatch(/secret|sealed|password/i);
  });

  it("shows computers shared with the user, with the owner's e-mail", async () => {
    const owner = await activeUser("owner");
    const friend = await activeUser("friend");
    const id = await addComputer(owner.id, "shared box");
    await env.DB.prepare("INSERT INTO shares (computer_id, user_id) VALUES (?, ?)").bind(id, friend.id).run();
    const { computers } = (await (await api("/api/computers", { cookie: friend.cookie })).json()) as { computers: { id: string; access: string; ownerEmail: string }[] };
    expect(computers).toEqual([expect.objectContaining({ id, access: "shared", ownerEmail: owner.email })]);
    // The friend may see it but not rename it, and deleting removes only the share.
    expect((await api(`/api/computers/${id}`, { method: "PATCH", body: { name: "mine now" }, cookie: friend.cookie })).status).toBe(403);
    expect((await api(`/api/computers/${id}`, { method: "DELETE", cookie: friend.cookie })).status).toBe(204);
    expect((await api(`/api/computers/${id}`, { cookie: friend.cookie })).status).toBe(404);
    expect((await api(`/api/computers/${id}`, { cookie: owner.cookie })).status).toBe(200);
  });

  it("renames, regroups and removes a computer", async () => {
    const u = await activeUser("edit");
    const id = await addComputer(u.id, "old");
    const res = await api(`/api/computers/${id}`, { method: "PATCH", body: { name: "  New name ", group: "Office" }, cookie: u.cookie });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ computer: { id, name: "New name", group: "Office" } });
    expect((await api(`/api/computers/${id}`, { method: "DELETE", cookie: u.cookie })).status).toBe(204);
    expect((await api(`/api/computers/${id}`, { cookie: u.cookie })).status).toBe(404);
    expect(await env.DB.prepare("SELECT count(*) AS n FROM computers WHERE id = ?").bind(id).first("n")).toBe(0);
  });
});

describe("security matrix", () => {
  const routes = (id: string) =>
    [
      ["GET", "/api/me", undefined],
      ["POST", "/api/me/password", { currentPassword: "x", newPassword: "long enough password" }],
      ["GET", "/api/computers", undefined],
      ["GET", `/api/computers/${id}`, undefined],
      ["PATCH", `/api/computers/${id}`, { name: "pwned" }],
      ["DELETE", `/api/computers/${id}`, undefined],
    ] as const;

  it.each([
    ["no cookie", () => undefined],
    ["a forged cookie", () => `edgedesk_session=${"A".repeat(43)}`],
    ["a malformed cookie", () => "edgedesk_session=not-a-token"],
  ])("refuses every signed-in route with %s", async (_label, cookie) => {
    const owner = await activeUser("victim");
    const id = await addComputer(owner.id, "target");
    for (const [method, path, body] of routes(id)) {
      const res = await api(path, { method, body, cookie: cookie() });
      expect(res.status, `${method} ${path}`).toBe(401);
      expect(await res.json()).toMatchObject({ error: { code: "unauthenticated" } });
    }
    expect(await env.DB.prepare("SELECT name FROM computers WHERE id = ?").bind(id).first("name")).toBe("target");
  });

  it("refuses an expired session", async () => {
    const u = await activeUser("expired");
    await env.DB.prepare("UPDATE auth_sessions SET expires_at = ? WHERE user_id = ?").bind(Date.now() - 1000, u.id).run();
    expect((await api("/api/me", { cookie: u.cookie })).status).toBe(401);
    // The list checks its session inside its own statement: the same answer.
    await addComputer(u.id, "mine");
    const list = await api("/api/computers", { cookie: u.cookie });
    expect(list.status).toBe(401);
    expect(await list.json()).toMatchObject({ error: { code: "unauthenticated" } });
  });

  it("never lets one user read, change or remove another user's computer (404, nothing changes)", async () => {
    const owner = await activeUser("owner2");
    const other = await activeUser("intruder");
    const id = await addComputer(owner.id, "private");
    for (const [method, path, body] of routes(id).filter(([, p]) => p.includes(id))) {
      const res = await api(path, { method, body, cookie: other.cookie });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(await res.json()).toMatchObject({ error: { code: "not_found" } });
    }
    const listed = (await (await api("/api/computers", { cookie: other.cookie })).json()) as { computers: unknown[] };
    expect(listed.computers).toEqual([]);
    expect(await env.DB.prepare("SELECT name FROM computers WHERE id = ?").bind(id).first("name")).toBe("private");
  });

  it("refuses cross-site state changes (CSRF) even with a valid cookie", async () => {
    const u = await activeUser("csrf");
    const id = await addComputer(u.id, "keep me");
    const res = await api(`/api/computers/${id}`, { method: "DELETE", cookie: u.cookie, headers: { Origin: "https://evil.example" } });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error: { code: "forbidden" } });
    expect((await api(`/api/computers/${id}`, { cookie: u.cookie })).status).toBe(200);
  });
});
