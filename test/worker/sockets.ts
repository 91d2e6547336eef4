import { SELF } from "cloudflare:test";
import { ORIGIN } from "./helpers";

/** A client WebSocket opened through the Worker, with its messages and close collected. */
export type TestSocket = {
  ws: WebSocket;
  messages: (string | ArrayBuffer)[];
  closed: Promise<{ code: number; reason: string }>;
  /** Resolves with the next message that matches. */
  next(match?: (m: string | ArrayBuffer) => boolean, timeoutMs?: number): Promise<string | ArrayBuffer>;
};

export async function openSocket(path: string, headers: Record<string, string> = {}): Promise<TestSocket> {
  const res = await SELF.fetch(`${ORIGIN}${path}`, { headers: { Upgrade: "websocket", ...headers } });
  const ws = res.webSocket;
  if (!ws) throw new Error(`no WebSocket for ${path}: ${res.status} ${await res.text()}`);
  const messages: (string | ArrayBuffer)[] = [];
  const waiters: { match: (m: string | ArrayBuffer) => boolean; resolve: (m: string | ArrayBuffer) => void }[] = [];
  let onClose!: (v: { code: number; reason: string }) => void;
  const closed = new Promise<{ code: number; reason: string }>((r) => (onClose = r));
  ws.addEventListener("message", (e) => {
    const data = e.data as string | ArrayBuffer;
    const i = waiters.findIndex((w) => w.match(data));
    if (i >= 0) waiters.splice(i, 1)[0]!.resolve(data);
    else messages.push(data);
  });
  ws.addEventListener("close", (e) => onClose({ code: e.code, reason: e.reason }));
  // workerd hands binary messages to client sockets as Blobs unless asked otherwise.
  ws.binaryType = "arraybuffer";
  ws.accept();
  return {
    ws,
    messages,
    closed,
    next(match = () => true, timeoutMs = 5000) {
      const i = messages.findIndex(match);
      if (i >= 0) return Promise.resolve(messages.splice(i, 1)[0]!);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error("timed out waiting for a message")), timeoutMs);
        waiters.push({ match, resolve: (m) => (clearTimeout(timer), resolve(m)) });
      });
    },
  };
}

export const isBinary = (m: string | ArrayBuffer): m is ArrayBuffer => typeof m !== "string";
export const isText = (m: string | ArrayBuffer): m is string => typeof m === "string";
