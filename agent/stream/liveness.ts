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
  /** When the other side last sent a message (not a pong), or the start. */
  private lastMessageAt = 0;

  constructor(
    private readonly ws: WebSocket,
    /** Called just before the silent socket is terminated. */
    private readonly onSilent: () => void,
    /**
     * How long the other side may send no message at all, pongs or not (a relay answers
     * pings itself while the viewer behind it is gone), checked at each beat; `onQuiet` is
     * called once when it is passed, instead of terminating.
     */
    private readonly quiet: { ms: number; onQuiet: (silentMs: number) => void },
  ) {
    ws.on("pong", () => this.heard());
  }

  start(intervalMs: number): void {
    this.stop();
    this.lastMessageAt = Date.now();
    this.timer = setInterval(() => {
      const silentMs = Date.now() - this.lastMessageAt;
      if (silentMs > this.quiet.ms) {
        this.stop();
        this.quiet.onQuiet(silentMs);
        return;
      }
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
  private heard(): void {
    this.unanswered = 0;
  }

  /** A message arrived from the other side (which also answers for the path). */
  heardMessage(): void {
    this.heard();
    this.lastMessageAt = Date.now();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
