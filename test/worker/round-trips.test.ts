// How many D1 statements a request costs. Each is a round trip to the database, and on the
// cabinet's hot reads a round trip costs more than the query: a middleware matching more paths
// than meant once doubled the list's. The app runs on the real D1 binding, counted.
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { app } from "../../worker/app";
import { activeUser, api, env, ORIGIN } from "./helpers";
import { isText, openSocket } from "./sockets";

/** The real D1 binding, keeping each statement prepared (its SQL and values): their count is the round trips. */
function countingDb(db: D1Database): { db: D1Database; statements: () => number; sent: { sql: string; values: unknown[] }[] } {
  const sent: { sql: string; values: unknown[] }[] = [];
  const recorded = (sql: string, stmt: D1PreparedStatement): D1PreparedStatement => {
    const entry = { sql, values: [] as unknown[] };
    sent.push(entry);
    return new Proxy(stmt, {
      get(target, prop) {
        if (prop === "bind") return (...values: unknown[]) => ((entry.values = values), target.bind(...values));
        const value = Reflect.get(target, prop, target) as unknown;
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
  };
  const counted = new Proxy(db, {
    get(target, prop) {
      if (prop === "prepare") return (query: string) => recorded(query, target.prepare(query));
      if (prop === "batch") return (list: D1PreparedStatement[]) => target.batch(list);
      const value = Reflect.get(target, prop, target) as unknown;
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { db: counted, statements: () => sent.length, sent };
}

async function statementsFor(
  path: string,
  cookie: string,
  method = "GET",
): Promise<{ status: number; statements: number; body: unknown; sent: { sql: string; values: unknown[] }[] }> {
  const { db, statements, sent } = countingDb(env.DB);
  const ctx = createExecutionContext();
  const res = await app.fetch(new Request(`${ORIGIN}${path}`, { method, headers: { Cookie: cookie, Origin: ORIGIN } }), { ...env, DB: db }, ctx);
  const body: unknown = await res.json();
  await waitOnExecutionContext(ctx);
  return { status: res.status, statements: statements(), body, sent };
}

async function addComputer(ownerId: string): Promise<string> {
  const id = crypto.randomUUID();
  await env.DB.prepare("INSERT INTO computers (id, owner_id, name, os) VALUES (?, ?, ?, 'linux')").bind(id, ownerId, `pc-${id.slice(0, 8)}`).run();
  return id;
}

describe("D1 statements per request", () => {
  it("lists the computers in one statement, the session check included", async () => {
    const user = await activeUser("trips");
    await addComputer(user.id);
    await addComputer(user.id);
    const { status, statements, body } = await statementsFor("/api/computers", user.cookie);
    expect({ status, statements }).toEqual({ status: 200, statements: 1 });
    expect((body as { computers: unknown[] }).computers).toHaveLength(2);
  });

  it("ranks each owner's computers along an index, without sorting them", async () => {
    const user = await activeUser("trips-plan");
    await addComputer(user.id);
    const { status, sent } = await statementsFor("/api/computers", user.cookie);
    expect(status).toBe(200);
    const [list] = sent;
    const plan = await env.DB.prepare(`EXPLAIN QUERY PLAN ${list!.sql}`)
      .bind(...list!.values)
      .all<{ detail: string }>();
    const steps = plan.results.map((r) => r.detail);
    // The plan limit's rank (row_number over the owner's computers by when added) walks the
    // index in that order; without it SQLite sorts every owner's computers in a temp B-tree.
    expect(steps.some((d) => d.includes("computers_owner_added"))).toBe(true);
    expect(steps.filter((d) => d.includes("TEMP B-TREE") && d.includes("ORDER BY"))).toEqual(["USE TEMP B-TREE FOR ORDER BY"]);
  });

  it("reads a user's history along indexes, never every session ever recorded", async () => {
    const user = await activeUser("trips-history");
    const { status, sent } = await statementsFor("/api/history?from=2020-01-01T00:00:00Z", user.cookie);
    expect(status).toBe(200);
    const reads = sent.filter((s) => s.sql.includes("remote_sessions"));
    expect(reads).toHaveLength(2); // the page and the count
    for (const read of reads) {
      const plan = await env.DB.prepare(`EXPLAIN QUERY PLAN ${read.sql}`).bind(...read.values).all<{ detail: string }>();
      const steps = plan.results.map((r) => r.detail);
      // "Viewer or owner" in one condition spans two tables, and SQLite scanned them all.
      expect(steps.filter((d) => /^SCAN (rs|remote_sessions)\b/.test(d))).toEqual([]);
      expect(steps.some((d) => d.includes("remote_sessions_user"))).toBe(true);
      expect(steps.some((d) => d.includes("remote_sessions_computer"))).toBe(true);
    }
  });

  it("answers GET /me in one statement: the session look-up brings the plan", async () => {
    const user = await activeUser("trips-me");
    await env.DB.prepare("UPDATE users SET plan_id = 'business' WHERE id = ?").bind(user.id).run();
    const { status, statements, body } = await statementsFor("/api/me", user.cookie);
    expect({ status, statements }).toEqual({ status: 200, statements: 1 });
    expect((body as { user: { id: string; plan: unknown } }).user).toMatchObject({
      id: user.id,
      planId: "business",
      plan: { id: "business", name: "Business", maxComputers: 1000, maxConcurrentSessions: 50 },
    });
  });

  it("looks the session up once where two routers guard the same path", async () => {
    const user = await activeUser("trips-share");
    const id = await addComputer(user.id);
    // /computers/:id/* (the computers router) and /computers/:id/shares (the shares router)
    // both match: one session look-up, one access check, one list of shares.
    const shares = await statementsFor(`/api/computers/${id}/shares`, user.cookie);
    expect(shares.status).toBe(200);
    const one = await statementsFor(`/api/computers/${id}`, user.cookie);
    expect(one.status).toBe(200);
    // The single computer: the session and the access check. The shares: those two and the list.
    expect(one.statements).toBe(2);
    expect(shares.statements).toBe(3);
  });

  it("starts a session (Connect) in 7: the plan's limit is read inside the insert", async () => {
    const user = await activeUser("trips-connect");
    const reg = await api("/api/agent/register", {
      body: { email: user.email, password: user.password, name: "box", os: "linux", agentVersion: "0.1.0", installed: true },
    });
    const { computerId, agentToken } = (await reg.json()) as { computerId: string; agentToken: string };
    const control = await openSocket(`/api/agent/connect?computer=${computerId}`, { Authorization: `Bearer ${agentToken}` });
    await control.next(isText); // the hub's settings: the agent is online
    const { status, statements, sent } = await statementsFor(`/api/computers/${computerId}/sessions`, user.cookie, "POST");
    // The session look-up, the access check, the insert with its plan limit, the stored
    // sign-in, access and sign-in checked again, and last-connected.
    expect({ status, statements }).toEqual({ status: 201, statements: 7 });
    // The plan's count reads only the sessions still running (the demo computer gathers every
    // account's sessions: a count over all of them slowed every Connect).
    const insert = sent.find((s) => s.sql.includes("INSERT INTO remote_sessions"))!;
    const plan = await env.DB.prepare(`EXPLAIN QUERY PLAN ${insert.sql}`).bind(...insert.values).all<{ detail: string }>();
    expect(plan.results.map((r) => r.detail).filter((d) => / rs /.test(` ${d} `))).toEqual([
      expect.stringContaining("USING COVERING INDEX remote_sessions_live (computer_id=? AND ended_at=?)"),
    ]);
    control.ws.close();
  });
});
