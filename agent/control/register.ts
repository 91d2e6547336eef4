// Signing in and registering this computer: one HTTP call that trades the account's
// e-mail and password for a computer id and a long-lived agent token.
import type { AgentHello } from "../../protocol/control";

export type RegisterRequest = {
  email: string;
  password: string;
  name: string;
  os: AgentHello["os"];
  agentVersion: string;
  installed: boolean;
};

export type RegisterResponse = { computerId: string; agentToken: string };

/** An error the server reported, with its code and the message meant for a person. */
export class ServerError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Refuses a server the agent would talk to in the clear: the account's password at sign-in,
 * the agent token on every connect and a computer's stored OS credentials with each session
 * travel to it. https:// only, but for this computer's own loopback (a server run locally,
 * as `npm start` does) or with EDGEDESK_ALLOW_INSECURE_SERVER=1 set on purpose.
 */
export function assertSecureServer(server: string, env: NodeJS.ProcessEnv = process.env): void {
  const url = new URL(server);
  if (url.protocol === "https:") return;
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const loopback = host === "localhost" || host === "::1" || /^127\.\d+\.\d+\.\d+$/.test(host);
  if (url.protocol === "http:" && (loopback || env.EDGEDESK_ALLOW_INSECURE_SERVER === "1")) return;
  throw new ServerError(0, "insecure_server", `${url.origin} is not https: the password and the agent's token would cross the network readable. Use the server's https:// address.`);
}

export async function registerAgent(server: string, req: RegisterRequest, fetchImpl: typeof fetch = fetch): Promise<RegisterResponse> {
  assertSecureServer(server);
  const url = new URL("/api/agent/register", server);
  let res: Response;
  try {
    res = await fetchImpl(url, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify(req),
      // A redirect would re-send the e-mail and password to wherever it points.
      redirect: "error",
    });
  } catch (err) {
    throw new ServerError(0, "unreachable", `Cannot reach ${url.origin}: ${(err as Error).message}`);
  }
  const body: unknown = await res.json().catch(() => undefined);
  if (res.status !== 201) {
    const e = (body as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
    const code = typeof e?.code === "string" ? e.code : `http_${res.status}`;
    const message = typeof e?.message === "string" ? e.message : `The server answered ${res.status}.`;
    throw new ServerError(res.status, code, message);
  }
  const ok = body as Partial<RegisterResponse> | undefined;
  if (typeof ok?.computerId !== "string" || typeof ok.agentToken !== "string") {
    throw new ServerError(res.status, "bad_response", "The server's answer lacks computerId or agentToken.");
  }
  return { computerId: ok.computerId, agentToken: ok.agentToken };
}

/** This OS as the server names it. */
export function osName(platform: NodeJS.Platform = process.platform): AgentHello["os"] {
  if (platform === "linux") return "linux";
  if (platform === "win32") return "windows";
  if (platform === "darwin") return "macos";
  return "other";
}
