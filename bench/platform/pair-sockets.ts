// The two ends of a relayed socket pair, as plain `ws` clients: what the load code drives.
// Kept apart from pairs.ts (which makes Edgedesk sessions the real way, with the e2e harness)
// so the scale figure's load thread loads nothing but `ws` (see load-thread.ts).
import WebSocket from "ws";

/** Client options for every bench socket: no compression (payloads are incompressible anyway). */
export const WS_OPTIONS = { perMessageDeflate: false, maxPayload: 4 * 1024 * 1024 } as const;

/** Where the two ends of a pair connect; the viewer's headers carry its sign-in cookie. */
export type PairUrls = { agentUrl: string; viewerUrl: string; viewerHeaders: Record<string, string> };

export type Pair = {
  /** Sends agent -> viewer messages (first byte 0x01) and gets viewer -> agent ones. */
  agent: WebSocket;
  viewer: WebSocket;
  close(): Promise<void>;
};

function openSocket(url: string): Promise<WebSocket> {
  const ws = new WebSocket(url, WS_OPTIONS);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error(`socket ${url.slice(0, 80)} did not open`));
    }, 15_000);
    ws.once("open", () => {
      clearTimeout(timer);
      ws.removeAllListeners("error");
      ws.on("error", () => {});
      resolve(ws);
    });
    ws.once("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

/** Resolves when the relay tells the viewer (text notice) that the agent is connected. */
function agentPresent(viewer: WebSocket, timeoutMs = 15_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("the relay never reported the agent")), timeoutMs);
    const onMessage = (data: WebSocket.RawData, isBinary: boolean) => {
      if (isBinary) return;
      const notice = JSON.parse(data.toString()) as { type: string; agent?: boolean };
      if (notice.type === "state" && notice.agent) {
        clearTimeout(timer);
        viewer.off("message", onMessage);
        resolve();
      }
    };
    viewer.on("message", onMessage);
  });
}

export function closeSocket(ws: WebSocket): Promise<void> {
  return new Promise((resolve) => {
    if (ws.readyState === WebSocket.CLOSED) return resolve();
    const timer = setTimeout(() => {
      ws.terminate();
      resolve();
    }, 3_000);
    ws.once("close", () => {
      clearTimeout(timer);
      resolve();
    });
    if (ws.readyState === WebSocket.OPEN) ws.close(1000, "bench done");
  });
}

function pairOf(agent: WebSocket, viewer: WebSocket): Pair {
  return { agent, viewer, close: async () => void (await Promise.all([closeSocket(viewer), closeSocket(agent)])) };
}

/** A pair on any relay that pairs an agent URL with a viewer URL and announces the agent to the viewer. */
export async function openUrlPair(agentUrl: string, viewerUrl: string, viewerHeaders: Record<string, string> = {}): Promise<Pair> {
  const agent = await openSocket(agentUrl);
  const viewer = new WebSocket(viewerUrl, { ...WS_OPTIONS, headers: viewerHeaders, handshakeTimeout: 15_000 });
  const present = agentPresent(viewer);
  // Should the viewer fail to open, `present` rejects later with nobody waiting: in the load
  // thread an unhandled rejection would end the thread.
  present.catch(() => {});
  try {
    await new Promise<void>((resolve, reject) => {
      viewer.once("open", () => resolve());
      viewer.once("error", reject);
    });
    viewer.removeAllListeners("error");
    viewer.on("error", () => {});
    await present;
  } catch (e) {
    // Neither end stays open for a pair that never formed.
    viewer.removeAllListeners("error");
    viewer.on("error", () => {});
    viewer.terminate();
    agent.terminate();
    throw e;
  }
  return pairOf(agent, viewer);
}

