import { env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import type { ComputerHub } from "../../durable-objects/computer-hub";
import type { SessionRelay } from "../../durable-objects/session-relay";
import { describe, expect, it, vi } from "vitest";
import { ControlCloseCode } from "../../protocol/control";
import { CloseCode, MAX_VIEWER_MSG_BYTES, PictureQuality, ViewerMsg, encodeMonitors, encodeViewerInput } from "../../protocol/stream";
import { mintTicket } from "../../worker/sessions/tickets";
import { activeUser, api, sessionCookie } from "./helpers";
import { isBinary, isText, openSocket, type TestSocket } from "./sockets";

/** The history row's end time (null while the session runs). */
const endedAt = (sessionId: string) => env.DB.prepare("SELECT ended_at FROM remote_sessions WHERE id = ?").bind(sessionId).first("ended_at");

type Linked = { computerId: string; agentToken: string; owner: Awaited<ReturnType<typeof activeUser>> };

async function linkComputer(): Promise<Linked> {
  const owner = await activeUser("relay");
  const res = await api("/api/agent/register", {
    body: { email: owner.email, password: owner.password, name: "test-box", os: "linux", agentVersion: "0.1.0", installed: false },
  });
  expect(res.status).toBe(201);
  const { computerId, agentToken } = (await res.json()) as { computerId: string; agentToken: string };
  return { computerId, agentToken, owner };
}

async function connectControl(l: Linked): Promise<TestSocket> {
  const control = await openSocket(`/api/agent/connect?computer=${l.computerId}`, { Authorization: `Bearer ${l.agentToken}` });
  // The hub greets every agent with its settings (F2.10).
  expect(JSON.parse((await control.next(isText)) as string)).toEqual({ type: "settings", allowNonAdminConfig: false, clipboardToViewers: true });
  control.ws.send(JSON.stringify({ type: "hello", name: "test-box", os: "linux", agentVersion: "0.1.0", installed: false, screen: { width: 640, height: 480 } }));
  return control;
}

/** Connect from the cabinet, then let the "agent" follow the open-stream it is told. */
async function startSession(l: Linked, control: TestSocket) {
  const res = await api(`/api/computers/${l.computerId}/sessions`, { method: "POST", cookie: l.owner.cookie });
  expect(res.status).toBe(201);
  const { sessionId, viewerPath } = (await res.json()) as { sessionId: string; viewerPath: string };
  const order = JSON.parse((await control.next(isText)) as string) as { type: string; sessionId: string; path: string };
  // A path: the agent joins it to the server it knows, whichever host name Connect came in by.
  expect(order).toMatchObject({ type: "open-stream", sessionId, path: expect.stringMatching(/^\/api\/stream\/agent\?ticket=/) });
  const agentPath = order.path;
  const viewer = await openSocket(viewerPath, { Cookie: l.owner.cookie });
  const agent = await openSocket(agentPath);
  return { sessionId, viewer, agent, agentPath, viewerPath };
}

const bytes = (...b: number[]) => new Uint8Array(b);

describe("agent control socket and presence (ComputerHub)", () => {
  it("marks the computer online while the agent is connected, offline after", async () => {
    const l = await linkComputer();
    const status = async () => ((await (await api(`/api/computers/${l.computerId}`, { cookie: l.owner.cookie })).json()) as { computer: { status: string; online: boolean } }).computer;
    expect(await status()).toMatchObject({ online: false, status: "offline" });
    const control = await connectControl(l);
    await control.ws.send("ping");
    expect(await control.next(isText)).toBe("pong");
    expect(await status()).toMatchObject({ online: true, status: "not_installed" });
    control.ws.close(1000, "bye");
    await expect.poll(async () => (await status()).online).toBe(false);
  });

  it("marks the computer offline at its sweep when its socket went without a close event", async () => {
    const l = await linkComputer();
    const hub = env.COMPUTER_HUB.getByName(l.computerId);
    // As after a restart under a connected agent: the hub knows its computer, D1 says online,
    // and no socket is left to send a close.
    await runInDurableObject(hub, async (_hub: ComputerHub, state) => {
      await state.storage.put("computerId", l.computerId);
      await state.storage.setAlarm(Date.now() + 60_000);
    });
    await env.DB.prepare("UPDATE computers SET online = 1 WHERE id = ?").bind(l.computerId).run();
    expect(await runDurableObjectAlarm(hub)).toBe(true);
    expect(await env.DB.prepare("SELECT online FROM computers WHERE id = ?").bind(l.computerId).first("online")).toBe(0);
  });

  it("sends Connect's open-stream to the agent's newest socket while a replaced one lingers", async () => {
    const l = await linkComputer();
    // A socket the hub has closed but whose peer never answers (a connection the agent gave
    // up on after a network change): the hub keeps it, first in its list, until the close
    // handshake ends. Made inside the object, its client end never accepted.
    let staleClient: WebSocket | undefined;
    await runInDurableObject(env.COMPUTER_HUB.getByName(l.computerId), async (_hub: ComputerHub, state) => {
      const pair = new WebSocketPair();
      state.acceptWebSocket(pair[1], ["agent"]);
      pair[1].serializeAttachment({ computerId: l.computerId, connectedAt: Date.now() });
      pair[1].close(ControlCloseCode.Replaced, "replaced by a newer connection");
      staleClient = pair[0];
    });
    const current = await connectControl(l);
    const { sessionId } = await startSession(l, current);
    expect(sessionId).toBeTruthy();
    expect(staleClient).toBeDefined();
    current.ws.close();
  });

  it("stores the agent's version from its connect header, before any hello; a malformed one is dropped", async () => {
    const l = await linkComputer(); // registered as 0.1.0
    const version = () => env.DB.prepare("SELECT agent_version FROM computers WHERE id = ?").bind(l.computerId).first("agent_version");
    const connect = (agentVersion: string) =>
      openSocket(`/api/agent/connect?computer=${l.computerId}`, { Authorization: `Bearer ${l.agentToken}`, "X-Edgedesk-Agent-Version": agentVersion });
    const bad = await connect("<b>0.9</b>");
    await bad.next(isText); // the settings greeting: connected, and no hello sent
    expect(await version()).toBe("0.1.0");
    const good = await connect("0.2.0");
    await good.next(isText);
    // Already there when "online" is: a Connect right now sees what this agent takes.
    expect(await version()).toBe("0.2.0");
    bad.ws.close();
    good.ws.close();
  });

  it("takes 20 messages a minute from an agent and drops the rest", async () => {
    const l = await linkComputer();
    const control = await connectControl(l); // its hello is the first message
    const version = () => env.DB.prepare("SELECT agent_version FROM computers WHERE id = ?").bind(l.computerId).first("agent_version");
    const hello = (agentVersion: string) =>
      control.ws.send(JSON.stringify({ type: "hello", name: "test-box", os: "linux", agentVersion, installed: false, screen: { width: 640, height: 480 } }));
    // One at a time, each seen in D1 before the next: the hub's handlers overlap while they
    // wait on D1, so messages sent in one burst may be handled in another order.
    for (let i = 2; i <= 20; i++) {
      hello(`0.2.${i}`);
      await expect.poll(version, { timeout: 5_000 }).toBe(`0.2.${i}`);
    }
    hello("9.9.9"); // the 21st
    await new Promise((r) => setTimeout(r, 500));
    expect(await version()).toBe("0.2.20");
    // A new socket gets no new budget: the minute's is the computer's.
    control.ws.close();
    await control.closed;
    const again = await openSocket(`/api/agent/connect?computer=${l.computerId}`, { Authorization: `Bearer ${l.agentToken}` });
    await again.next(isText);
    again.ws.send(JSON.stringify({ type: "hello", name: "test-box", os: "linux", agentVersion: "9.9.9", installed: false, screen: { width: 640, height: 480 } }));
    await new Promise((r) => setTimeout(r, 500));
    expect(await version()).toBe("0.2.20");
    again.ws.close();
    // ~2.3 s alone (19 round trips to D1, one after the other, and two waits for nothing to
    // happen); the default 5 s ran out once with every file running beside it on 2 cores.
  }, 20_000);

  it("takes 10 control connects a minute for a computer and refuses more with 4429", async () => {
    const l = await linkComputer();
    const connect = () => openSocket(`/api/agent/connect?computer=${l.computerId}`, { Authorization: `Bearer ${l.agentToken}` });
    for (let i = 0; i < 10; i++) {
      const s = await connect();
      expect(JSON.parse((await s.next(isText)) as string)).toMatchObject({ type: "settings" });
      s.ws.close();
      await s.closed;
    }
    expect((await (await connect()).closed).code).toBe(ControlCloseCode.TooManyConnects);
  });

  it("refuses an agent with a wrong token (4401) and never marks it online", async () => {
    const l = await linkComputer();
    const bad = await openSocket(`/api/agent/connect?computer=${l.computerId}`, { Authorization: "Bearer not-the-token" });
    expect((await bad.closed).code).toBe(4401);
    const missing = await openSocket(`/api/agent/connect?computer=${crypto.randomUUID()}`, { Authorization: `Bearer ${l.agentToken}` });
    expect((await missing.closed).code).toBe(4401);
  });

  it("refuses a session with an offline computer (409) and another user's computer (404)", async () => {
    const l = await linkComputer();
    const offline = await api(`/api/computers/${l.computerId}/sessions`, { method: "POST", cookie: l.owner.cookie });
    expect(offline.status).toBe(409);
    expect(await offline.json()).toMatchObject({ error: { code: "computer_offline" } });
    // An attempt, not a connection: no history row (nor one holding the plan's only
    // concurrent session), and "last connected" stays as it was.
    expect(await env.DB.prepare("SELECT count(*) AS n FROM remote_sessions WHERE computer_id = ?").bind(l.computerId).first("n")).toBe(0);
    expect(await env.DB.prepare("SELECT last_connected_at FROM computers WHERE id = ?").bind(l.computerId).first("last_connected_at")).toBeNull();
    const control = await connectControl(l);
    const stranger = await activeUser("stranger");
    const res = await api(`/api/computers/${l.computerId}/sessions`, { method: "POST", cookie: stranger.cookie });
    expect(res.status).toBe(404);
    expect(control.messages).toEqual([]);
    control.ws.close();
  });
});

describe("SessionRelay", () => {
  it("pairs viewer and agent and relays bytes unchanged both ways", async () => {
    const l = await linkComputer();
    const control = await connectControl(l);
    const { viewer, agent, sessionId } = await startSession(l, control);
    await expect.poll(() => env.DB.prepare("SELECT last_connected_at FROM computers WHERE id = ?").bind(l.computerId).first("last_connected_at")).not.toBeNull();

    expect(JSON.parse((await viewer.next((m) => isText(m) && m.includes('"agent":true'))) as string)).toEqual({ type: "state", agent: true, viewers: 1 });

    const frame = new Uint8Array(70_000).map((_, i) => (i === 0 ? 0x01 : i % 251));
    agent.ws.send(frame);
    expect(new Uint8Array((await viewer.next(isBinary)) as ArrayBuffer)).toEqual(frame);

    const key = encodeViewerInput({ type: ViewerMsg.Key, down: true, keysym: 0x61 });
    viewer.ws.send(key);
    expect(new Uint8Array((await agent.next(isBinary)) as ArrayBuffer)).toEqual(key);

    const row = await env.DB.prepare("SELECT source, ended_at FROM remote_sessions WHERE id = ?").bind(sessionId).first();
    expect(row).toEqual({ source: "cabinet", ended_at: null });

    viewer.ws.close(1000, "done");
    expect((await agent.closed).code).toBe(CloseCode.SessionEnded);
    await expect.poll(() => endedAt(sessionId)).not.toBeNull();
    control.ws.close();
  });

  it("lets the agent's ticket in once: a replayed agent URL is refused (4001) and the session goes on", async () => {
    const l = await linkComputer();
    const control = await connectControl(l);
    const { viewer, agent, agentPath } = await startSession(l, control);
    const replay = await openSocket(agentPath);
    expect((await replay.closed).code).toBe(CloseCode.BadTicket);
    viewer.ws.send(encodeViewerInput({ type: ViewerMsg.Key, keysym: 0x61, down: true }));
    expect(new Uint8Array((await agent.next(isBinary)) as ArrayBuffer)[0]).toBe(ViewerMsg.Key);
    // The operator's picture quality choice (F6.2) passes as it is.
    viewer.ws.send(encodeViewerInput({ type: ViewerMsg.Quality, level: PictureQuality.Speed }));
    expect(new Uint8Array((await agent.next(isBinary)) as ArrayBuffer)).toEqual(bytes(ViewerMsg.Quality, PictureQuality.Speed));
    // So does the monitor to show (F6.2), and the agent's list of monitors the other way.
    viewer.ws.send(encodeViewerInput({ type: ViewerMsg.Monitor, index: 1 }));
    expect(new Uint8Array((await agent.next(isBinary)) as ArrayBuffer)).toEqual(bytes(ViewerMsg.Monitor, 1));
    const layout = encodeMonitors({ monitors: [{ x: 0, y: 0, w: 960, h: 1080 }, { x: 960, y: 0, w: 960, h: 1080 }], shown: 1 });
    agent.ws.send(layout);
    expect(new Uint8Array((await viewer.next(isBinary)) as ArrayBuffer)).toEqual(layout);
    agent.ws.send(bytes(0x01, 7));
    expect(new Uint8Array((await viewer.next(isBinary)) as ArrayBuffer)).toEqual(bytes(0x01, 7));
    control.ws.close();
  });

  it("lets several viewers watch; only the first viewer's acks reach the agent", async () => {
    const l = await linkComputer();
    const control = await connectControl(l);
    const { viewer, agent, viewerPath } = await startSession(l, control);
    const watcher = await openSocket(viewerPath, { Cookie: l.owner.cookie });
    await watcher.next((m) => isText(m) && m.includes('"viewers":2'));
    agent.ws.send(bytes(0x01, 9, 9));
    expect(new Uint8Array((await watcher.next(isBinary)) as ArrayBuffer)).toEqual(bytes(0x01, 9, 9));
    expect(new Uint8Array((await viewer.next(isBinary)) as ArrayBuffer)).toEqual(bytes(0x01, 9, 9));

    watcher.ws.send(encodeViewerInput({ type: ViewerMsg.Ack, seq: 7 }));
    viewer.ws.send(encodeViewerInput({ type: ViewerMsg.Ack, seq: 8 }));
    const got = new DataView((await agent.next(isBinary)) as ArrayBuffer);
    expect([got.getUint8(0), got.getUint32(1, true)]).toEqual([ViewerMsg.Ack, 8]);
    // The picture's quality is the first viewer's choice; a watcher's input and clipboard do go through.
    watcher.ws.send(encodeViewerInput({ type: ViewerMsg.Quality, level: PictureQuality.Speed }));
    watcher.ws.send(encodeViewerInput({ type: ViewerMsg.Monitor, index: 0 }));
    watcher.ws.send(encodeViewerInput({ type: ViewerMsg.Clipboard, text: "ok" }));
    expect(new Uint8Array((await agent.next(isBinary)) as ArrayBuffer)).toEqual(bytes(ViewerMsg.Clipboard, 0x6f, 0x6b));
    control.ws.close();
  });

  it("tells viewers when the agent goes away (4005)", async () => {
    const l = await linkComputer();
    const control = await connectControl(l);
    const { viewer, agent } = await startSession(l, control);
    agent.ws.close(1000, "agent quit");
    expect((await viewer.closed).code).toBe(CloseCode.AgentGone);
    control.ws.close();
  });

  it("passes an agent's refusal (4007, busy) on to the viewer, also to one that comes after it", async () => {
    const l = await linkComputer();
    const control = await connectControl(l);
    // The viewer is there when the agent says no.
    const first = await startSession(l, control);
    first.agent.ws.close(CloseCode.Busy, "the remote computer runs too many sessions");
    expect(await first.viewer.closed).toEqual({ code: CloseCode.Busy, reason: "the remote computer runs too many sessions" });

    // The usual order: the agent refuses before the browser's viewer socket arrives.
    const res = await api(`/api/computers/${l.computerId}/sessions`, { method: "POST", cookie: l.owner.cookie });
    const { sessionId, viewerPath } = (await res.json()) as { sessionId: string; viewerPath: string };
    const order = JSON.parse((await control.next((m) => isText(m) && m.includes(sessionId))) as string) as { path: string };
    const agent = await openSocket(order.path);
    agent.ws.close(CloseCode.Busy, "busy");
    await agent.closed;
    const late = await openSocket(viewerPath, { Cookie: l.owner.cookie });
    expect((await late.closed).code).toBe(CloseCode.Busy);
    // Refused sessions count as ended: they hold none of the plan's concurrent sessions.
    for (const id of [first.sessionId, sessionId]) {
      expect(await endedAt(id)).not.toBeNull();
    }
    control.ws.close();
  });

  it.each([
    ["text from a viewer", "viewer", "hello", CloseCode.ProtocolViolation],
    ["an unknown viewer message type", "viewer", bytes(0x99, 0, 0, 0, 0), CloseCode.ProtocolViolation],
    ["a key message of the wrong length", "viewer", bytes(ViewerMsg.Key, 1, 0x61, 0), CloseCode.ProtocolViolation],
    ["an agent message type from a viewer", "viewer", bytes(0x01), CloseCode.ProtocolViolation],
    ["a monitor choice of the wrong length", "viewer", bytes(ViewerMsg.Monitor, 1, 0), CloseCode.ProtocolViolation],
    ["an oversized viewer message", "viewer", new Uint8Array(MAX_VIEWER_MSG_BYTES + 1).fill(ViewerMsg.Key), CloseCode.TooLarge],
    ["a clipboard message over the limit", "viewer", new Uint8Array(MAX_VIEWER_MSG_BYTES + 1).fill(ViewerMsg.Clipboard), CloseCode.TooLarge],
    ["a viewer message type from the agent", "agent", bytes(ViewerMsg.Key, 1, 0x61, 0, 0, 0), CloseCode.ProtocolViolation],
    ["an oversized agent message", "agent", new Uint8Array(1024 * 1024 + 1).fill(1), CloseCode.TooLarge],
  ] as const)("closes the socket that sends %s, and the relay keeps serving others", async (_label, who, payload, code) => {
    const l = await linkComputer();
    const control = await connectControl(l);
    const s = await startSession(l, control);
    // A second, healthy session on the same Worker.
    const l2 = await linkComputer();
    const control2 = await connectControl(l2);
    const other = await startSession(l2, control2);

    const sender = who === "viewer" ? s.viewer : s.agent;
    sender.ws.send(payload);
    expect((await sender.closed).code).toBe(code);

    other.agent.ws.send(bytes(0x01, 1, 2, 3));
    expect(new Uint8Array((await other.viewer.next(isBinary)) as ArrayBuffer)).toEqual(bytes(0x01, 1, 2, 3));
    control.ws.close();
    control2.ws.close();
  });

  it("stops using a socket it refused at once, before that peer answers the close", async () => {
    const l = await linkComputer();
    const control = await connectControl(l);
    const { viewer, agent, viewerPath, sessionId } = await startSession(l, control);
    const watcher = await openSocket(viewerPath, { Cookie: l.owner.cookie });
    await watcher.next((m) => isText(m) && m.includes('"viewers":2'));
    // Inside the object, with its own server-side sockets: what arrives right after a refusal,
    // whether or not the refused peer ever completes the close handshake.
    await runInDurableObject(env.SESSION_RELAY.getByName(sessionId), async (relay: SessionRelay, state) => {
      const [first, second] = state.getWebSockets("viewer");
      const [agentSide] = state.getWebSockets("agent");
      await relay.webSocketMessage(first!, "not binary");
      // The refused viewer's input no longer reaches the agent...
      relay.webSocketMessage(first!, encodeViewerInput({ type: ViewerMsg.Key, keysym: 0x61, down: true }).buffer as ArrayBuffer);
      // ...the agent's frames go to the others without a throw...
      expect(() => relay.webSocketMessage(agentSide!, bytes(0x01, 4, 2).buffer as ArrayBuffer)).not.toThrow();
      // ...and the remaining viewer's acks drive the agent now.
      relay.webSocketMessage(second!, encodeViewerInput({ type: ViewerMsg.Ack, seq: 5 }).buffer as ArrayBuffer);
    });
    expect((await viewer.closed).code).toBe(CloseCode.ProtocolViolation);
    expect(new Uint8Array((await watcher.next(isBinary)) as ArrayBuffer)).toEqual(bytes(0x01, 4, 2));
    const got = new DataView((await agent.next(isBinary)) as ArrayBuffer);
    expect([got.getUint8(0), got.getUint32(1, true)]).toEqual([ViewerMsg.Ack, 5]);
    expect(agent.messages.filter(isBinary)).toEqual([]);
    control.ws.close();
  });

  it("closes the history row on a later try when D1 fails the first time", async () => {
    const l = await linkComputer();
    const control = await connectControl(l);
    const { viewer, sessionId } = await startSession(l, control);
    const stub = env.SESSION_RELAY.getByName(sessionId);
    await runInDurableObject(stub, async (relay: SessionRelay, state) => {
      // The object's own binding, failing for the length of one call.
      const own = relay as unknown as { env: Env };
      const db = own.env.DB;
      own.env = { ...own.env, DB: { prepare: () => { throw new Error("D1 is unavailable"); } } as unknown as D1Database };
      await expect(relay.end("ended by the operator")).rejects.toThrow("D1 is unavailable");
      own.env = { ...own.env, DB: db };
      expect(await state.storage.get("ended")).toBeUndefined();
      expect(await state.storage.getAlarm()).not.toBeNull();
    });
    expect((await viewer.closed).code).toBe(CloseCode.SessionEnded);
    // The sockets' close events or the retry alarm, whichever comes first, try again.
    await runDurableObjectAlarm(stub);
    await expect.poll(() => endedAt(sessionId)).not.toBeNull();
    control.ws.close();
  });

  it("times out a lone viewer (4002) and completes the history row", async () => {
    const l = await linkComputer();
    const control = await connectControl(l);
    const res = await api(`/api/computers/${l.computerId}/sessions`, { method: "POST", cookie: l.owner.cookie });
    const { sessionId, viewerPath } = (await res.json()) as { sessionId: string; viewerPath: string };
    const viewer = await openSocket(viewerPath, { Cookie: l.owner.cookie });
    await viewer.next((m) => isText(m) && m.includes('"agent":false'));
    const relay = env.SESSION_RELAY.getByName(sessionId);
    expect(await runDurableObjectAlarm(relay)).toBe(true);
    expect((await viewer.closed).code).toBe(CloseCode.PeerTimeout);
    expect(await endedAt(sessionId)).not.toBeNull();
    // An ended session cannot be joined again, even with a fresh ticket.
    const fresh = await mintTicket(env, { sid: sessionId, cid: l.computerId, role: "viewer", uid: l.owner.id });
    const late = await openSocket(`/api/stream/viewer?ticket=${fresh}`, { Cookie: l.owner.cookie });
    // It is told how the session ended, as the viewer that was there.
    expect((await late.closed).code).toBe(CloseCode.PeerTimeout);
    control.ws.close();
  });

  it("closes the history row of a Connect that failed after writing it and could not take it back", async () => {
    const l = await linkComputer();
    // The computer is offline (no control socket): Connect writes its row, finds the agent gone
    // and deletes the row again; here D1 refuses that delete, standing for a Connect cut off
    // anywhere after its insert. The relay was told before the row existed, so its lone-peer
    // timer closes it (told after, as before, nothing would ever close it).
    await env.DB.prepare("CREATE TRIGGER keep_sessions BEFORE DELETE ON remote_sessions BEGIN SELECT RAISE(ABORT, 'kept by the test'); END").run();
    try {
      const res = await api(`/api/computers/${l.computerId}/sessions`, { method: "POST", cookie: l.owner.cookie });
      // The caller still learns why: the failed delete does not hide it.
      expect(res.status).toBe(409);
      expect(await res.json()).toMatchObject({ error: { code: "computer_offline" } });
      const row = await env.DB.prepare("SELECT id, ended_at FROM remote_sessions WHERE computer_id = ?").bind(l.computerId).first<{ id: string; ended_at: number | null }>();
      expect(row).toMatchObject({ ended_at: null });
      const relay = env.SESSION_RELAY.getByName(row!.id);
      expect(await runDurableObjectAlarm(relay)).toBe(true);
      expect(await endedAt(row!.id)).not.toBeNull();
    } finally {
      await env.DB.prepare("DROP TRIGGER keep_sessions").run();
    }
  });

  it("forgets the relay of a Connect that took its history row back (offline computer)", async () => {
    const l = await linkComputer();
    // The session's id never reaches the caller of a refused Connect: a trigger notes it.
    await env.DB.prepare("CREATE TABLE seen_sessions (id TEXT)").run();
    await env.DB.prepare("CREATE TRIGGER note_sessions AFTER INSERT ON remote_sessions BEGIN INSERT INTO seen_sessions VALUES (NEW.id); END").run();
    try {
      const res = await api(`/api/computers/${l.computerId}/sessions`, { method: "POST", cookie: l.owner.cookie });
      expect(res.status).toBe(409);
      const id = await env.DB.prepare("SELECT id FROM seen_sessions").first<string>("id");
      expect(await env.DB.prepare("SELECT count(*) AS n FROM remote_sessions WHERE id = ?").bind(id).first("n")).toBe(0);
      await vi.waitFor(() =>
        runInDurableObject(env.SESSION_RELAY.getByName(id!), async (_relay: SessionRelay, state) => {
          expect(await state.storage.getAlarm()).toBeNull();
          expect((await state.storage.list()).size).toBe(0);
        }),
      );
    } finally {
      await env.DB.prepare("DROP TRIGGER note_sessions").run();
      await env.DB.prepare("DROP TABLE seen_sessions").run();
    }
  });

  it("waits for a history row written after its lone-peer timer fired, then closes it", async () => {
    const l = await linkComputer();
    const sessionId = crypto.randomUUID();
    const relay = env.SESSION_RELAY.getByName(sessionId);
    await relay.expect(sessionId);
    // The timer fires before the (slow) Connect wrote its row: the relay must not end yet.
    expect(await runDurableObjectAlarm(relay)).toBe(true);
    await runInDurableObject(relay, async (_relay: SessionRelay, state) => {
      expect(await state.storage.get("ended")).toBeUndefined();
      expect(await state.storage.getAlarm()).not.toBeNull();
    });
    await env.DB.prepare(
      "INSERT INTO remote_sessions (id, computer_id, user_id, source, viewer_ip, viewer_agent, started_at) VALUES (?, ?, ?, 'cabinet', '127.0.0.1', 'test', ?)",
    )
      .bind(sessionId, l.computerId, l.owner.id, Date.now())
      .run();
    expect(await runDurableObjectAlarm(relay)).toBe(true);
    expect(await endedAt(sessionId)).not.toBeNull();
  });

  it("ends a session for everyone on request (history's End)", async () => {
    const l = await linkComputer();
    const control = await connectControl(l);
    const { viewer, agent, sessionId } = await startSession(l, control);
    const stub = env.SESSION_RELAY.getByName(sessionId);
    await stub.end("ended by the operator");
    expect((await viewer.closed).code).toBe(CloseCode.SessionEnded);
    expect((await agent.closed).code).toBe(CloseCode.SessionEnded);
    // Once every ticket has expired, the object forgets the session.
    await runInDurableObject(stub, async (_relay: SessionRelay, state) => {
      expect(await state.storage.get("ended")).toBe(true);
      expect(await state.storage.getAlarm()).toBeGreaterThan(Date.now() + 60_000);
    });
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    await runInDurableObject(stub, async (_relay: SessionRelay, state) => expect((await state.storage.list()).size).toBe(0));
    control.ws.close();
  });

  it("forgets an ended session even if a socket outlived its end", async () => {
    const l = await linkComputer();
    const control = await connectControl(l);
    const { viewer, sessionId } = await startSession(l, control);
    const stub = env.SESSION_RELAY.getByName(sessionId);
    // Ended, yet both sockets still open when the forget alarm fires.
    await runInDurableObject(stub, async (_relay: SessionRelay, state) => {
      await state.storage.put("ended", true);
      await state.storage.setAlarm(Date.now() + 60_000);
    });
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect((await viewer.closed).code).toBe(CloseCode.SessionEnded);
    await runInDurableObject(stub, async (_relay: SessionRelay, state) => {
      expect(await state.storage.get("ended")).toBe(true);
      expect(await state.storage.getAlarm()).not.toBeNull();
    });
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    await runInDurableObject(stub, async (_relay: SessionRelay, state) => expect((await state.storage.list()).size).toBe(0));
    control.ws.close();
  });
});

describe("stream tickets", () => {
  const b64url = (s: string) => btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

  it.each([
    ["no ticket", async () => ""],
    ["garbage", async () => "not.a.jwt"],
    ["an expired ticket", async () => mintTicket(env, { sid: crypto.randomUUID(), cid: crypto.randomUUID(), role: "viewer" }, Date.now() - 120_000)],
    ["an agent ticket on the viewer side", async () => mintTicket(env, { sid: crypto.randomUUID(), cid: crypto.randomUUID(), role: "agent" })],
    [
      "a ticket whose session was swapped",
      async () => {
        const t = await mintTicket(env, { sid: crypto.randomUUID(), cid: crypto.randomUUID(), role: "viewer" });
        const [h, p, s] = t.split(".");
        const payload = JSON.parse(atob(p!.replace(/-/g, "+").replace(/_/g, "/")));
        return [h, b64url(JSON.stringify({ ...payload, sid: crypto.randomUUID() })), s].join(".");
      },
    ],
  ])("refuses %s with 4001", async (_label, ticket) => {
    const s = await openSocket(`/api/stream/viewer?ticket=${encodeURIComponent(await ticket())}`);
    expect((await s.closed).code).toBe(CloseCode.BadTicket);
  });

  it("lets a viewer in only with the sign-in of the user its ticket was made for", async () => {
    const l = await linkComputer();
    const control = await connectControl(l);
    const res = await api(`/api/computers/${l.computerId}/sessions`, { method: "POST", cookie: l.owner.cookie });
    const { viewerPath } = (await res.json()) as { viewerPath: string };
    // The URL alone (leaked within its minute), another user's sign-in, a signed-out cookie:
    // none of them gets the remote keyboard.
    const other = await activeUser("relay-other");
    // The owner's own second sign-in, ended: the right user, but no live sign-in.
    const ended = sessionCookie(await api("/api/auth/login", { body: { email: l.owner.email, password: l.owner.password } }));
    expect((await api("/api/auth/logout", { method: "POST", cookie: ended })).status).toBe(204);
    for (const headers of [{}, { Cookie: other.cookie }, { Cookie: ended }] as Record<string, string>[]) {
      const s = await openSocket(viewerPath, headers);
      expect((await s.closed).code).toBe(CloseCode.BadTicket);
    }
    const viewer = await openSocket(viewerPath, { Cookie: l.owner.cookie });
    expect(await viewer.next(isText)).toContain('"type":"state"');
    viewer.ws.close();
    control.ws.close();
  });
});

describe("hibernation", () => {
  it("keeps relaying after the relay object was evicted from memory", { timeout: 40_000 }, async () => {
    const l = await linkComputer();
    const control = await connectControl(l);
    const { viewer, agent, sessionId } = await startSession(l, control);
    await viewer.next((m) => isText(m) && m.includes('"agent":true'));
    const relay = env.SESSION_RELAY.getByName(sessionId);
    const before = await relay.status();
    // workerd evicts an idle Durable Object after about 10 s; hibernated sockets stay open.
    await new Promise((r) => setTimeout(r, 12_000));
    agent.ws.send(bytes(0x01, 4, 2));
    expect(new Uint8Array((await viewer.next(isBinary)) as ArrayBuffer)).toEqual(bytes(0x01, 4, 2));
    viewer.ws.send(encodeViewerInput({ type: ViewerMsg.Refresh }));
    expect(new Uint8Array((await agent.next(isBinary)) as ArrayBuffer)).toEqual(bytes(ViewerMsg.Refresh));
    const after = await relay.status();
    expect(after).toMatchObject({ agent: 1, viewers: 1 });
    expect(after.instanceStartedAt).toBeGreaterThan(before.instanceStartedAt);
    control.ws.close();
  });
});
