// A local WebSocket server standing in for the SessionRelay + viewer: the agent's
// stream session connects to it, and the test reads frames and sends input.
import type { AddressInfo } from "node:net";
import { WebSocket, WebSocketServer } from "ws";
import { FrameReader } from "../../../protocol/frame-codec";
import { AgentMsg, encodeViewerInput, type Frame, FrameFlags, type ViewerInput } from "../../../protocol/stream";

export class Viewer {
  /** Messages not yet consumed by a test. */
  private readonly inbox: Uint8Array[] = [];
  /** This viewer's inflate context: nextUpdate decodes every frame message in order. */
  private readonly reader = new FrameReader();
  private waiter: (() => void) | undefined;
  readonly closed: Promise<{ code: number; reason: string }>;

  constructor(readonly ws: WebSocket) {
    ws.on("message", (data: Buffer) => {
      this.inbox.push(new Uint8Array(data));
      this.waiter?.();
    });
    this.closed = new Promise((resolve) => ws.on("close", (code, reason) => resolve({ code, reason: reason.toString() })));
  }

  send(m: ViewerInput): void {
    this.ws.send(encodeViewerInput(m));
  }

  sendRaw(bytes: Uint8Array | string): void {
    this.ws.send(bytes);
  }

  /** Messages received and not yet taken. */
  get pending(): number {
    return this.inbox.length;
  }

  async next(timeoutMs = 5000): Promise<Uint8Array> {
    const deadline = Date.now() + timeoutMs;
    while (this.inbox.length === 0) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error("no message from the agent in time");
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(t);
          resolve();
        };
      });
      this.waiter = undefined;
    }
    return this.inbox.shift()!;
  }

  /** The messages of the next update, up to and including the final one; Pongs are skipped. */
  async nextUpdate(timeoutMs = 5000): Promise<{ messages: Uint8Array[]; frames: Frame[] }> {
    const messages: Uint8Array[] = [];
    const frames: Frame[] = [];
    for (;;) {
      const m = await this.next(timeoutMs);
      if (m[0] !== AgentMsg.Frame) continue;
      const f = this.reader.read(m);
      if (!f) throw new Error("a frame before the stream's first key frame");
      messages.push(m);
      frames.push(f);
      if (f.flags & FrameFlags.final) return { messages, frames };
    }
  }
}

export type ViewerServer = { url: string; connection: Promise<Viewer>; close(): Promise<void> };

export async function startViewerServer(): Promise<ViewerServer> {
  const wss = new WebSocketServer({ host: "127.0.0.1", port: 0 });
  await new Promise<void>((resolve) => wss.once("listening", () => resolve()));
  const { port } = wss.address() as AddressInfo;
  const connection = new Promise<Viewer>((resolve) => wss.once("connection", (ws) => resolve(new Viewer(ws))));
  return {
    url: `ws://127.0.0.1:${port}/stream`,
    connection,
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of wss.clients) c.terminate();
        wss.close(() => resolve());
      }),
  };
}
