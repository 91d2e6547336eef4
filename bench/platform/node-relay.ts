// The baseline for figure 4: the plainest relay one would write in Node with `ws`. It pairs
// the two sockets that name the same id (/pair/<id>/agent and /pair/<id>/viewer) and forwards
// binary messages both ways, untouched. Like the SessionRelay it tells the viewer, in a text
// notice, when the agent is there, so the bench drives both relays with the same client code.
//
// Run as its own process (`tsx bench/platform/node-relay.ts`), the way workerd runs apart from
// the bench's clients; it prints "listening <port>" once it accepts connections.
import { WebSocketServer, type WebSocket } from "ws";

type Pair = { agent?: WebSocket; viewer?: WebSocket };

export function startNodeRelay(port = 0): Promise<{ port: number; close(): Promise<void> }> {
  const pairs = new Map<string, Pair>();
  const wss = new WebSocketServer({ host: "127.0.0.1", port, perMessageDeflate: false, maxPayload: 2 * 1024 * 1024 });

  const announce = (pair: Pair) => {
    if (pair.viewer?.readyState === 1) pair.viewer.send(JSON.stringify({ type: "state", agent: pair.agent?.readyState === 1, viewers: 1 }));
  };

  wss.on("connection", (ws, req) => {
    const m = /^\/pair\/([\w-]+)\/(agent|viewer)$/.exec(req.url ?? "");
    if (!m) return ws.close(4003, "bad path");
    const [, id, role] = m as unknown as [string, string, "agent" | "viewer"];
    const pair = pairs.get(id) ?? {};
    pairs.set(id, pair);
    pair[role] = ws;
    const other = (): WebSocket | undefined => (role === "agent" ? pair.viewer : pair.agent);
    ws.on("message", (data, isBinary) => {
      if (!isBinary) return;
      other()?.send(data as Buffer, { binary: true });
    });
    ws.on("close", () => {
      if (pair[role] === ws) delete pair[role];
      other()?.close(4000, "peer left");
      if (!pair.agent && !pair.viewer) pairs.delete(id);
    });
    ws.on("error", () => {});
    announce(pair);
  });

  return new Promise((resolve, reject) => {
    wss.once("error", reject);
    wss.once("listening", () => {
      const address = wss.address();
      resolve({
        port: typeof address === "object" && address ? address.port : 0,
        close: () =>
          new Promise<void>((done) => {
            for (const c of wss.clients) c.terminate();
            wss.close(() => done());
          }),
      });
    });
  });
}

// As a script: start, say where, run until killed.
if (process.argv[1] && /node-relay\.[cm]?[jt]s$/.test(process.argv[1])) {
  const relay = await startNodeRelay(Number(process.argv[2] ?? 0));
  process.stdout.write(`listening ${relay.port}\n`);
  const quit = () => void relay.close().then(() => process.exit(0));
  process.on("SIGTERM", quit);
  // Started by the bench with a stdin pipe: when the bench goes away, so does the relay.
  if (!process.stdin.isTTY) {
    process.stdin.on("end", quit).on("close", quit).on("error", quit);
    process.stdin.resume();
  }
}
