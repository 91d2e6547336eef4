import { createExecutionContext, env, SELF, waitOnExecutionContext } from "cloudflare:test";
import { app } from "../../worker/app";

export const ORIGIN = "http://localhost";

type ApiInit = { method?: string; body?: unknown; cookie?: string; headers?: Record<string, string> };

/** A JSON request as the cabinet sends it (same-origin, so CSRF checks pass). */
function apiRequest(path: string, init: ApiInit): Request {
  const headers: Record<string, string> = {
    Origin: ORIGIN,
    ...(init.body !== undefined ? { "Content-Type": "application/json" } : {}),
    ...(init.cookie ? { Cookie: init.cookie } : {}),
    ...init.headers,
  };
  return new Request(`${ORIGIN}${path}`, {
    method: init.method ?? (init.body === undefined ? "GET" : "POST"),
    headers,
    body: init.body === undefined ? undefined : typeof init.body === "string" ? init.body : JSON.stringify(init.body),
  });
}

/** A JSON request to the Worker, as the cabinet sends it. */
export function api(path: string, init: ApiInit = {}) {
  return SELF.fetch(apiRequest(path, init));
}

/**
 * The same request as api(), handled by the app in this test's isolate with some bindings
 * replaced (e.g. a Durable Object namespace whose calls fail): what a request does when a
 * part it calls breaks.
 */
export async function apiWith(bindings: Partial<Env>, path: string, init: ApiInit = {}): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await app.fetch(apiRequest(path, init), { ...env, ...bindings }, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

/** A Durable Object namespace whose every object fails every call, as an object that errs would. */
export function failingNamespace<T extends keyof Env>(what: string): Env[T] {
  const fail = () => Promise.reject(new Error(`${what} unavailable`));
  return { getByName: () => new Proxy({}, { get: () => fail }) } as unknown as Env[T];
}

export type Outbox = { id: number; to: string; subject: string; text: string }[];

export async function outbox(): Promise<Outbox> {
  return (await (await api("/dev/mail.json")).json()) as Outbox;
}

const RECOVERY_SUBJECTS = ["Reset your Edgedesk password", "Edgedesk-Passwort zurücksetzen"];

/**
 * The recovery mails to `to`, newest first, once there are at least `count`. A recovery link
 * is mailed after the answer (waitUntil), so a test waits for it rather than reading at once.
 */
export async function recoveryMails(to: string, count = 1): Promise<Outbox> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const mails = (await outbox()).filter((m) => m.to === to && RECOVERY_SUBJECTS.includes(m.subject));
    if (mails.length >= count) return mails;
    if (Date.now() > deadline) throw new Error(`${mails.length} of ${count} recovery mails to ${to} came`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The token of a recovery mail's link. */
export function recoveryToken(mail: { text: string }): string {
  return decodeURIComponent(/reset-password\?token=([A-Za-z0-9_%-]+)/.exec(mail.text)![1]!);
}

/** The generated password from the newest mail to this address. */
export async function mailedPassword(email: string): Promise<string> {
  const mail = (await outbox()).find((m) => m.to === email);
  const match = mail && /^Password: (\S+)$/m.exec(mail.text);
  if (!match) throw new Error(`no password mail for ${email}`);
  return match[1]!;
}

export function sessionCookie(res: Response): string {
  const set = res.headers.get("Set-Cookie") ?? "";
  const m = /edgedesk_session=([^;]*)/.exec(set);
  if (!m) throw new Error(`no session cookie in ${set}`);
  return `edgedesk_session=${m[1]}`;
}

let counter = 0;
export function uniqueEmail(prefix = "user"): string {
  return `${prefix}-${Date.now()}-${++counter}@example.com`;
}

/** Registers, signs in with the mailed password, and sets a new one: an ordinary active user. */
export async function activeUser(prefix = "user"): Promise<{ email: string; password: string; cookie: string; id: string }> {
  const email = uniqueEmail(prefix);
  await api("/api/auth/register", { body: { email } });
  const mailed = await mailedPassword(email);
  const login = await api("/api/auth/login", { body: { email, password: mailed } });
  const cookie = sessionCookie(login);
  const { user } = (await login.json()) as { user: { id: string } };
  const password = "a-new-password-123";
  const changed = await api("/api/me/password", { body: { currentPassword: mailed, newPassword: password }, cookie });
  if (changed.status !== 204) throw new Error(`password change failed: ${changed.status}`);
  return { email, password, cookie, id: user.id };
}

export { env };
