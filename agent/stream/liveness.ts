// Whether the viewer's end of a stream socket still answers. A dead network path leaves no
// close frame, and a session that never ends keeps capturing for nobody.
import type WebSocket from "ws";

/**
 * Pings every interval and terminates the socket after two pings went unanswered. Counted in
 * pings, not wall time: a long update delays reading the pong, not sending it. Anything heard
 * from the other side counts as an answer: on a slow uplink a pong can wait behind megabytes
 * of updates for longer than two beats while the viewer's acks arrive.
 */
export class Liveness {
  private timer: NodeJS.Timeout | undefined;
  private unanswered = 0;

  constructor(
    private readonly ws: WebSocket,
    /** Called just before the silent socket is terminated. */
    private readonly onSilent: () => void,
  ) {
    ws.on("pong", () => this.heard());
  }

  start(intervalMs: number): void {
    this.stop();
    this.timer = setInterval(() => {
      if (this.unanswered >= 2) {
        this.stop();
        this.onSilent();
        this.ws.terminate();
        return;
      }
      this.unanswered++;
      this.ws.ping();
    }, intervalMs);
  }

  /** Something arrived from the other side. */
  heard(): void {
    this.unanswered = 0;
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
