import { describe, expect, it } from "vitest";
import { FlowWindow, seqAtOrBefore } from "../../agent/stream/flow-control";

describe("flow window", () => {
  it("allows `size` updates in flight, then none until an ack", () => {
    const w = new FlowWindow(3);
    for (const seq of [1, 2, 3]) {
      expect(w.hasCredit).toBe(true);
      w.sent(seq);
    }
    expect(w.hasCredit).toBe(false);
    expect(() => w.sent(4)).toThrow();
    expect(w.ack(1)).toBe(true);
    expect(w.outstanding).toBe(2);
    expect(w.hasCredit).toBe(true);
  });

  it("treats acks as cumulative and ignores stale, duplicate or unknown ones", () => {
    const w = new FlowWindow(3);
    w.sent(1);
    w.sent(2);
    w.sent(3);
    expect(w.ack(2)).toBe(true); // settles 1 and 2
    expect(w.outstanding).toBe(1);
    expect(w.ack(2)).toBe(false); // a second viewer acking the same seq
    expect(w.ack(99)).toBe(false); // never sent
    expect(w.outstanding).toBe(1);
    expect(w.ack(3)).toBe(true);
    expect(w.outstanding).toBe(0);
  });

  it("handles seqs wrapping past 2^32", () => {
    expect(seqAtOrBefore(0xffffffff, 0)).toBe(true);
    expect(seqAtOrBefore(0, 0xffffffff)).toBe(false);
    const w = new FlowWindow(2);
    w.sent(0xffffffff);
    w.sent(0);
    expect(w.ack(0)).toBe(true);
    expect(w.outstanding).toBe(0);
  });

  it("forgets in-flight updates on reset (a Refresh)", () => {
    const w = new FlowWindow(1);
    w.sent(5);
    w.reset();
    expect(w.hasCredit).toBe(true);
    w.sent(6);
    expect(w.ack(5)).toBe(false); // the old update's ack returns nothing
    expect(w.hasCredit).toBe(false);
  });
});
