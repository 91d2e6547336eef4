// A local WebSocket server standing in for the SessionRelay + viewer: the agent's
// stream session connects to it, and the test reads frames and sends input.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocket, WebSocketServer } from "ws";
import { FrameReader } from "../../../protocol/frame-codec";
import { AgentMsg, type CursorImage, decodeCursor, decodeMonitors, encodeViewerInput, type Frame, FrameFlags, type MonitorLayout, type ViewerInput } from "../../../protocol/stream";

export class Viewer {
  /** Messages not yet consumed by a test. */
  private readonly inbox: Uint8Array[] = [];
  /** This viewer's inflate context: nextUpdate decodes every frame message in order. */
  private readonly reader = new FrameReader();
  private waiter: (() => void) | undefined;
  readonly closed: Promise<{ code: number; reason: string }>;
  /** Every Monitors message (F6.2), decoded, in order: kept out of the inbox, which is for updates and replies. */
  readonly monitorLayouts: MonitorLayout[] = [];
  /** Every Cursor message (F6.1), decoded, in order: kept out of the inbox too (the pointer's moves send them). */
  readonly cursors: CursorImage[] = [];

  constructor(readonly ws: WebSocket) {
    ws.on("message", (data: Buffer) => {
      if (data[0] === AgentMsg.Monitors) return void this.monitorLayouts.push(decodeMonitors(new Uint8Array(data)));
      if (data[0] === AgentMsg.Cursor) return void this.cursors.push(decodeCursor(new Uint8Array(data)));
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

export type ViewerServer = {
  url: string;
  connection: Promise<Viewer>;
  /** With `hold`: resolves when the agent's upgrade request has arrived (and waits unanswered). */
  upgradeSeen: Promise<void>;
  /** With `hold`: answers the waiting upgrade, so the agent's socket opens. */
  release(): void;
  close(): Promise<void>;
};

/**
 * A relay stand-in on loopback. `hold` keeps the agent's socket connecting until release():
 * what happens on the agent's side between its connect and its open can be staged.
 */
export async function startViewerServer(options: { hold?: boolean } = {}): Promise<ViewerServer> {
  const http = createServer();
  const wss = new WebSocketServer({ noServer: true });
  let seen!: () => void;
  const upgradeSeen = new Promise<void>((resolve) => (seen = resolve));
  let accept: (() => void) | undefined;
  const connection = new Promise<Viewer>((resolve) => {
    http.on("upgrade", (req, socket, head) => {
      accept = () => wss.handleUpgrade(req, socket, head, (ws) => resolve(new Viewer(ws)));
      seen();
      if (!options.hold) accept();
    });
  });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  const { port } = http.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}/stream`,
    connection,
    upgradeSeen,
    release: () => accept?.(),
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of wss.clients) c.terminate();
        wss.close();
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  };
}
