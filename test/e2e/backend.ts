// Setting up real state on the real Worker from Node, the way a user's other browser tab and
// the agent would: accounts through /api/auth, computers through /api/agent/register, presence
// through the agent's control WebSocket. Nothing here is mocked.
import WebSocket from "ws";
import { SCREENSHOT_MSG, type AgentHello, type AgentSystemInfo } from "../../protocol/control";
import type { Computer, HistoryPage, SystemInfo, User } from "../../protocol/api";
import { readPasswordFromOutbox, uniqueEmail } from "./harness";

/**
 * fetch against the Worker, with the Origin header its CSRF check wants on state-changing requests.
 *
 * Sent a second time when wrangler dev's proxy (not the Worker) failed it: when the proxy's pooled
 * connection to the runtime breaks ("Broken pipe" in its debug log; no restart happened), it
 * answers a non-GET request with a 503 "Your worker restarted mid-request. Please try sending the
 * request again" (decision 30). Seen in about one full browser run in three. The proxy says the
 * same when the connection broke after the runtime had the request, so a repeat may meet its own
 * effect (a second password change would be refused): the tests' requests here are either
 * harmless to repeat or fail loudly. A GET is never answered so: the proxy holds it until the
 * next request, and startWorker sends one every second.
 */
export async function apiFetch(baseUrl: string, path: string, init: { method?: string; cookie?: string; body?: unknown } = {}): Promise<Response> {
  const method = init.method ?? "GET";
  const headers: Record<string, string> = { origin: baseUrl, accept: "application/json" };
  if (init.cookie) headers.cookie = init.cookie;
  if (init.body !== undefined) headers["content-type"] = "application/json";
  const send = () => fetch(`${baseUrl}${path}`, { method, headers, body: init.body === undefined ? undefined : JSON.stringify(init.body) });
  const response = await send();
  if (method === "GET" || response.status !== 503) return response;
  const text = await response.text();
  if (text.startsWith(DEV_PROXY_RETRY_MESSAGE)) return send();
  return new Response(text, { status: response.status, statusText: response.statusText, headers: response.headers });
}

const DEV_PROXY_RETRY_MESSAGE = "Your worker restarted mid-request.";

async function expectStatus(response: Response, status: number, what: string): Promise<void> {
  if (response.status !== status) {
    throw new Error(`${what} answered ${response.status}, expected ${status}: ${await response.text()}`);
  }
}

export type Account = { email: string; password: string };

/**
 * Registers, reads the e-mailed password from the dev outbox and replaces it, so the account is
 * ready to use. The introductory tour (F1.6) is marked as seen, so it never covers the page a
 * test drives; `{ tourDone: false }` leaves it to show on the first visit.
 */
export async function createAccount(baseUrl: string, prefix = "computers", options: { tourDone?: boolean } = {}): Promise<Account> {
  const email = uniqueEmail(prefix);
  await expectStatus(await apiFetch(baseUrl, "/api/auth/register", { method: "POST", body: { email } }), 202, "POST /api/auth/register");
  const mailedPassword = await readPasswordFromOutbox(baseUrl, email);
  const cookie = await signIn(baseUrl, { email, password: mailedPassword });
  const password = "a-computers-list-password";
  const change = await apiFetch(baseUrl, "/api/me/password", {
    method: "POST",
    cookie,
    body: { currentPassword: mailedPassword, newPassword: password },
  });
  await expectStatus(change, 204, "POST /api/me/password");
  if (options.tourDone !== false) await updateProfile(baseUrl, cookie, { tourDone: true });
  return { email, password };
}

/** A new session through POST /api/auth/login; returns the Cookie header value that carries it. */
export async function signIn(baseUrl: string, account: Account): Promise<string> {
  const response = await apiFetch(baseUrl, "/api/auth/login", { method: "POST", body: account });
  await expectStatus(response, 200, "POST /api/auth/login");
  const cookie = response.headers
    .getSetCookie()
    .map((c) => c.split(";")[0]!)
    .join("; ");
  if (!cookie) throw new Error("POST /api/auth/login set no cookie");
  return cookie;
}

/** The cookie as Playwright's context.addCookies wants it. */
export function browserCookies(baseUrl: string, cookie: string): { name: string; value: string; url: string }[] {
  return cookie.split("; ").map((pair) => {
    const at = pair.indexOf("=");
    return { name: pair.slice(0, at), value: pair.slice(at + 1), url: baseUrl };
  });
}

export type LinkedComputer = { computerId: string; agentToken: string };

/** Links a computer to the account as the agent does (F2.3). */
export async function linkComputer(
  baseUrl: string,
  account: Account,
  computer: { name: string; os: AgentHello["os"]; installed: boolean },
): Promise<LinkedComputer> {
  const response = await apiFetch(baseUrl, "/api/agent/register", {
    method: "POST",
    body: { ...account, ...computer, agentVersion: "0.1.0" },
  });
  await expectStatus(response, 201, "POST /api/agent/register");
  return (await response.json()) as LinkedComputer;
}

export async function listComputers(baseUrl: string, cookie: string): Promise<Computer[]> {
  const response = await apiFetch(baseUrl, "/api/computers", { cookie });
  await expectStatus(response, 200, "GET /api/computers");
  return ((await response.json()) as { computers: Computer[] }).computers;
}

export async function setGroup(baseUrl: string, cookie: string, computerId: string, group: string): Promise<Computer> {
  const response = await apiFetch(baseUrl, `/api/computers/${computerId}`, { method: "PATCH", cookie, body: { group } });
  await expectStatus(response, 200, `PATCH /api/computers/${computerId}`);
  return ((await response.json()) as { computer: Computer }).computer;
}

/** Polls the list until the computer satisfies `ready` (presence is written by the hub asynchronously). */
export async function waitForComputer(
  baseUrl: string,
  cookie: string,
  computerId: string,
  ready: (c: Computer) => boolean,
  timeoutMs = 10_000,
): Promise<Computer> {
  const deadline = Date.now() + timeoutMs;
  let last: Computer | undefined;
  while (Date.now() < deadline) {
    last = (await listComputers(baseUrl, cookie)).find((c) => c.id === computerId);
    if (last && ready(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  throw new Error(`computer ${computerId} did not reach the expected state; last seen as ${JSON.stringify(last)}`);
}

export type AgentConnection = {
  socket: WebSocket;
  /** Closes the socket and resolves once it is closed. */
  close(): Promise<void>;
};

/**
 * Opens the agent's control socket (GET /api/agent/connect) and sends its hello, as a running
 * agent does; pings like one too, so the hub's heartbeat sweep never drops it mid-test.
 */
export async function connectAgent(
  baseUrl: string,
  linked: LinkedComputer,
  hello: { name: string; os: AgentHello["os"]; installed: boolean },
): Promise<AgentConnection> {
  const url = `${baseUrl.replace(/^http/, "ws")}/api/agent/connect?computer=${linked.computerId}`;
  const socket = new WebSocket(url, { headers: { Authorization: `Bearer ${linked.agentToken}` } });
  await new Promise<void>((resolve, reject) => {
    socket.once("open", () => resolve());
    socket.once("error", reject);
    socket.once("close", (code, reason) => reject(new Error(`agent socket closed before opening: ${code} ${reason.toString()}`)));
  });
  socket.removeAllListeners("error");
  socket.removeAllListeners("close");
  socket.on("error", () => {
    // A test that cares checks the close code; a stray error must not crash the run.
  });
  const message: AgentHello = { type: "hello", agentVersion: "0.1.0", screen: { width: 800, height: 600 }, ...hello };
  socket.send(JSON.stringify(message));
  const heartbeat = setInterval(() => socket.readyState === WebSocket.OPEN && socket.send("ping"), 20_000);
  socket.once("close", () => clearInterval(heartbeat));
  return {
    socket,
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(heartbeat);
        if (socket.readyState === WebSocket.CLOSED) return resolve();
        socket.once("close", () => resolve());
        socket.close(1000, "test done");
        // A close handshake that never completes must not hang afterAll.
        setTimeout(() => {
          socket.terminate();
          resolve();
        }, 3_000).unref();
      }),
  };
}

/** Opens the control socket and resolves with the close code the Worker answers with (for refused tokens). */
export function agentCloseCode(baseUrl: string, linked: LinkedComputer, timeoutMs = 10_000): Promise<number> {
  const url = `${baseUrl.replace(/^http/, "ws")}/api/agent/connect?computer=${linked.computerId}`;
  const socket = new WebSocket(url, { headers: { Authorization: `Bearer ${linked.agentToken}` } });
  return new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.terminate();
      reject(new Error("the agent socket was neither closed nor refused"));
    }, timeoutMs);
    socket.on("error", () => {
      // The close event follows with the code.
    });
    socket.once("close", (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

/** PATCH /api/computers/:id with any settings (F2.10). */
export async function updateComputer(baseUrl: string, cookie: string, computerId: string, body: Record<string, unknown>): Promise<Computer> {
  const response = await apiFetch(baseUrl, `/api/computers/${computerId}`, { method: "PATCH", cookie, body });
  await expectStatus(response, 200, `PATCH /api/computers/${computerId}`);
  return ((await response.json()) as { computer: Computer }).computer;
}

/** POST /api/computers/:id/shares (F2.11). */
export async function shareComputer(baseUrl: string, cookie: string, computerId: string, email: string): Promise<void> {
  const response = await apiFetch(baseUrl, `/api/computers/${computerId}/shares`, { method: "POST", cookie, body: { email } });
  await expectStatus(response, 201, `POST /api/computers/${computerId}/shares`);
}

/** POST /api/computers/:id/sessions, as the Connect button does; sets the computer's last connection. */
export async function startSession(baseUrl: string, cookie: string, computerId: string): Promise<void> {
  const response = await apiFetch(baseUrl, `/api/computers/${computerId}/sessions`, { method: "POST", cookie });
  await expectStatus(response, 201, `POST /api/computers/${computerId}/sessions`);
}

/** System information as an agent reports it on its control socket (F2.8). */
export function sendSystemInfo(agent: AgentConnection, info: SystemInfo): void {
  const message: AgentSystemInfo = { type: "system-info", info };
  agent.socket.send(JSON.stringify(message));
}

/** A screenshot thumbnail as an agent sends it: SCREENSHOT_MSG then the WebP file (F2.6). */
export function sendScreenshot(agent: AgentConnection, webp: Uint8Array): void {
  const message = new Uint8Array(webp.length + 1);
  message[0] = SCREENSHOT_MSG;
  message.set(webp, 1);
  agent.socket.send(message);
}

/** A small desktop-like WebP (a wallpaper, a taskbar and a window) made with sharp, as the agent's thumbnails are. */
export async function desktopThumbnail(options: { wallpaper: [string, string]; title: string; width?: number; height?: number }): Promise<Uint8Array> {
  const { default: sharp } = await import("sharp");
  const width = options.width ?? 480;
  const height = options.height ?? 300;
  const escapeXml = (s: string) => s.replace(/[<>&"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="${options.wallpaper[0]}"/><stop offset="1" stop-color="${options.wallpaper[1]}"/></linearGradient></defs>
    <rect width="100%" height="100%" fill="url(#g)"/>
    <rect x="${width * 0.12}" y="${height * 0.14}" width="${width * 0.6}" height="${height * 0.58}" rx="6" fill="#ffffff" opacity="0.96"/>
    <rect x="${width * 0.12}" y="${height * 0.14}" width="${width * 0.6}" height="22" rx="6" fill="#e8ecf3"/>
    <text x="${width * 0.12 + 10}" y="${height * 0.14 + 15}" font-family="sans-serif" font-size="11" fill="#333">${escapeXml(options.title)}</text>
    <rect x="${width * 0.12 + 14}" y="${height * 0.14 + 36}" width="${width * 0.4}" height="8" rx="4" fill="#cfd6e3"/>
    <rect x="${width * 0.12 + 14}" y="${height * 0.14 + 54}" width="${width * 0.5}" height="8" rx="4" fill="#dfe4ee"/>
    <rect x="${width * 0.12 + 14}" y="${height * 0.14 + 72}" width="${width * 0.32}" height="8" rx="4" fill="#dfe4ee"/>
    <rect y="${height - 24}" width="100%" height="24" fill="#1b2233" opacity="0.9"/>
  </svg>`;
  return new Uint8Array(await sharp(Buffer.from(svg)).webp({ quality: 70 }).toBuffer());
}

/** POST /api/computers/:id/sessions; returns the session id (also the history row's id, F5). */
export async function startHistorySession(baseUrl: string, cookie: string, computerId: string): Promise<string> {
  const response = await apiFetch(baseUrl, `/api/computers/${computerId}/sessions`, { method: "POST", cookie });
  await expectStatus(response, 201, `POST /api/computers/${computerId}/sessions`);
  return ((await response.json()) as { sessionId: string }).sessionId;
}

/** POST /api/history/:id/end (F5.3). */
export async function endHistorySession(baseUrl: string, cookie: string, sessionId: string): Promise<void> {
  const response = await apiFetch(baseUrl, `/api/history/${sessionId}/end`, { method: "POST", cookie });
  await expectStatus(response, 204, `POST /api/history/${sessionId}/end`);
}

/** GET /api/history with any query. */
export async function listHistory(baseUrl: string, cookie: string, query = ""): Promise<HistoryPage> {
  const response = await apiFetch(baseUrl, `/api/history${query ? `?${query}` : ""}`, { cookie });
  await expectStatus(response, 200, "GET /api/history");
  return (await response.json()) as HistoryPage;
}

/** PATCH /api/me (F1.7). */
export async function updateProfile(baseUrl: string, cookie: string, body: Record<string, unknown>): Promise<User> {
  const response = await apiFetch(baseUrl, "/api/me", { method: "PATCH", cookie, body });
  await expectStatus(response, 200, "PATCH /api/me");
  return ((await response.json()) as { user: User }).user;
}

/** The first link containing `path` in the newest outbox mail to `email` that has one, waiting for it. */
export async function readLinkFromOutbox(baseUrl: string, email: string, path: string, timeoutMs = 15_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  const escaped = path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const pattern = new RegExp(`https?://[^\\s"'<>]*${escaped}[^\\s"'<>]*`);
  while (Date.now() < deadline) {
    const response = await fetch(`${baseUrl}/dev/mail.json`);
    if (response.ok) {
      const mails = (await response.json()) as { to: string; text: string }[];
      const link = mails.filter((m) => m.to.toLowerCase() === email.toLowerCase()).map((m) => m.text.match(pattern)?.[0]).find(Boolean);
      if (link) return link;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`No mail to ${email} with a link to ${path}`);
}
