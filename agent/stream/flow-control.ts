// End-to-end flow control. The relay cannot push back, so the viewer acks each update
// it has drawn and the agent keeps at most `size` updates in flight. While the window
// is full nothing is captured or queued: damage keeps merging in the DamageGrid and
// the next update, sent when an ack returns credit, carries the newest screen.

/** seq a is at or before seq b, on the u32 circle (seqs wrap after 2^32 updates). */
export function seqAtOrBefore(a: number, b: number): boolean {
  return ((b - a) | 0) >= 0;
}

export class FlowWindow {
  /** Seqs sent and not yet acked, oldest first; never longer than `size`. */
  private readonly inFlight: number[] = [];

  constructor(readonly size = 3) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError("the window holds at least one update");
  }

  get hasCredit(): boolean {
    return this.inFlight.length < this.size;
  }

  get outstanding(): number {
    return this.inFlight.length;
  }

  /** Records an update sent; the caller checked hasCredit. */
  sent(seq: number): void {
    if (!this.hasCredit) throw new Error("flow window is full");
    this.inFlight.push(seq >>> 0);
  }

  /**
   * An ack is cumulative: the viewer draws in order, so acking seq settles every
   * earlier one too (a lost ack, or several viewers acking the same seq, is harmless).
   * Returns whether credit came back. Acks for seqs never sent are ignored.
   */
  ack(seq: number): boolean {
    const newest = this.inFlight[this.inFlight.length - 1];
    if (newest === undefined || !seqAtOrBefore(seq >>> 0, newest)) return false;
    const before = this.inFlight.length;
    while (this.inFlight.length > 0 && seqAtOrBefore(this.inFlight[0]!, seq >>> 0)) this.inFlight.shift();
    return this.inFlight.length < before;
  }

  /** Forgets everything in flight: a viewer that asks for a Refresh has lost those updates. */
  reset(): void {
    this.inFlight.length = 0;
  }
}
