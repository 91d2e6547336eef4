// A stream the agent will not run (it already runs its maximum): it joins the session with
// the ticket it was given only to close with Busy, so the relay tells the viewer at once
// instead of the viewer waiting out the relay's 30-second lone-peer timeout.
import WebSocket from "ws";
import { CloseCode } from "../../protocol/stream";
import type { Log } from "../log";

/** Joins the stream at `url` and closes it with Busy; resolves once the socket is gone. */
export function refuseStream(url: string, log: Log, timeoutMs = 15_000): Promise<void> {
  return new Promise((resolve) => {
    let ws: WebSocket;
    try {
      ws = new WebSocket(url, { perMessageDeflate: false, handshakeTimeout: timeoutMs, maxPayload: 64 * 1024 });
    } catch (err) {
      log("could not refuse a stream", { error: String(err) });
      return resolve();
    }
    // Whatever the relay sends first (a state notice) is not read: the answer is no.
    const giveUp = setTimeout(() => ws.terminate(), timeoutMs);
    ws.on("open", () => ws.close(CloseCode.Busy, "the remote computer runs too many sessions"));
    ws.on("error", (err) => log("could not refuse a stream", { error: err.message }));
    ws.on("close", () => {
      clearTimeout(giveUp);
      resolve();
    });
  });
}
