// A stand-in for the Worker's agent endpoints, speaking the same HTTP and WebSocket
// contract: POST /api/agent/register, the control socket at /api/agent/connect, and a
// relay stream endpoint the hub points agents at. Tests drive the hub side by hand.
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocket, WebSocketServer } from "ws";
import type { AgentHello, AgentToHub, HubToAgent, SystemInfo } from "../../../protocol/control";
import { Viewer } from "./viewer";

export const ACCOUNT = { email: "ada@example.com", password: "correct horse battery" };
export const COMPUTER_ID = "5b1d3f0e-8c1a-4d6e-9f7a-0c2b4e6d8a10";
export const AGENT_TOKEN = "agent-token-1234567890";

export type ControlConnection = {
  ws: WebSocket;
  hellos: AgentHello[];
  systemInfos: SystemInfo[];
  /** Binary control messages (screenshots), with the time each arrived. */
  binaries: { data: Buffer; at: number }[];
  texts: string[];
  request: IncomingMessage;
  openedAt: number;
};

export class FakeServer {
  readonly registrations: unknown[] = [];
  readonly controls: ControlConnection[] = [];
  /** Refuse control sockets with this close code right after they open (e.g. 4401). */
  closeControlWith: number | undefined;
  /** false plays a dead path: pings go unanswered. */
  answerPings = true;
  private readonly http: Server;
  private readonly wss = new WebSocketServer({ noServer: true });
  private controlsTaken = 0;
  private controlWaiters: ((c: ControlConnection) => void)[] = [];
  private readonly streams: Viewer[] = [];
  /** Every stream upgrade's path and query, in order: what agents asked this server for. */
  readonly streamRequests: string[] = [];
  private streamWaiters: ((v: Viewer) => void)[] = [];
  origin = "";

  constructor() {
    this.http = createServer((req, res) => {
      if (req.method === "POST" && req.url === "/api/agent/register") {
        let body = "";
        req.on("data", (d) => (body += d));
        req.on("end", () => {
          const json = JSON.parse(body) as { email?: string; password?: string };
          this.registrations.push(json);
          const ok = json.email === ACCOUNT.email && json.password === ACCOUNT.password;
          res.writeHead(ok ? 201 : 401, { "content-type": "application/json" });
          res.end(
            JSON.stringify(
              ok
                ? { computerId: COMPUTER_ID, agentToken: AGENT_TOKEN }
                : { error: { code: "invalid_credentials", message: "Wrong e-mail or password." } },
            ),
          );
        });
        return;
      }
      res.writeHead(404).end();
    });
    this.http.on("upgrade", (req, socket, head) => {
      const url = new URL(req.url ?? "/", "http://x");
      if (url.pathname === "/api/agent/connect") {
        if (req.headers.authorization !== `Bearer ${AGENT_TOKEN}` || url.searchParams.get("computer") !== COMPUTER_ID) {
          socket.end("HTTP/1.1 401 Unauthorized\r\nconnection: close\r\n\r\n");
          return;
        }
        this.wss.handleUpgrade(req, socket, head, (ws) => this.onControl(ws, req));
      } else if (url.pathname === "/relay/stream") {
        this.streamRequests.push(req.url ?? "");
        this.wss.handleUpgrade(req, socket, head, (ws) => {
          const v = new Viewer(ws);
          const waiter = this.streamWaiters.shift();
          if (waiter) waiter(v);
          else this.streams.push(v);
        });
      } else {
        socket.end("HTTP/1.1 404 Not Found\r\n\r\n");
      }
    });
  }

  async listen(): Promise<this> {
    await new Promise<void>((resolve) => this.http.listen(0, "127.0.0.1", resolve));
    this.origin = `http://127.0.0.1:${(this.http.address() as AddressInfo).port}`;
    return this;
  }

  /** The next control connection not yet handed to the test. */
  nextControl(): Promise<ControlConnection> {
    if (this.controlsTaken < this.controls.length) return Promise.resolve(this.controls[this.controlsTaken++]!);
    return new Promise((resolve) => this.controlWaiters.push(resolve));
  }

  /** The next stream socket an agent opened. */
  nextStream(): Promise<Viewer> {
    const ready = this.streams.shift();
    if (ready) return Promise.resolve(ready);
    return new Promise((resolve) => this.streamWaiters.push(resolve));
  }

  send(c: ControlConnection, msg: HubToAgent): void {
    c.ws.send(JSON.stringify(msg));
  }

  /** The path an open-stream names; the agent joins it to its server (this one). */
  streamPath(sessionId: string): string {
    return `/relay/stream?session=${sessionId}&ticket=t-${sessionId}`;
  }

  async close(): Promise<void> {
    for (const c of this.wss.clients) c.terminate();
    this.http.closeAllConnections();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }

  private onControl(ws: WebSocket, request: IncomingMessage): void {
    const c: ControlConnection = { ws, hellos: [], systemInfos: [], binaries: [], texts: [], request, openedAt: Date.now() };
    this.controls.push(c);
    ws.on("message", (data, isBinary) => {
      if (isBinary) {
        c.binaries.push({ data: Buffer.from(data as Buffer), at: Date.now() });
        return;
      }
      const text = data.toString();
      c.texts.push(text);
      // The runtime's auto-response in the real hub.
      if (text === "ping") {
        if (this.answerPings) ws.send("pong");
        return;
      }
      const msg = JSON.parse(text) as AgentToHub;
      if (msg.type === "hello") c.hellos.push(msg);
      else if (msg.type === "system-info") c.systemInfos.push(msg.info);
    });
    if (this.closeControlWith !== undefined) ws.close(this.closeControlWith, "refused");
    const waiter = this.controlWaiters.shift();
    if (waiter) {
      this.controlsTaken++;
      waiter(c);
    }
  }
}
