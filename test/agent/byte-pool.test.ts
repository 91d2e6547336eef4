// The JPEG input pool: buffers come back for reuse, never to two holders at once.
import { describe, expect, it } from "vitest";
import { BytePool } from "../../agent/encode/byte-pool";

describe("BytePool", () => {
  it("reuses a buffer handed back, gives each holder its own, and lets big requests through", () => {
    const pool = new BytePool(1024, 2);
    const a = pool.take(100);
    const b = pool.take(1024);
    expect(a.byteLength).toBe(100);
    expect(a.buffer).not.toBe(b.buffer);
    pool.give(a);
    const c = pool.take(10);
    expect(c.buffer).toBe(a.buffer);
    // Larger than the pool's buffers: a plain allocation, not kept when handed back.
    const big = pool.take(4096);
    expect(big.byteLength).toBe(4096);
    pool.give(big);
    expect(pool.take(4096).buffer).not.toBe(big.buffer);
    // At most `keep` buffers wait for reuse.
    pool.give(b);
    pool.give(c);
    pool.give(new Uint8Array(new ArrayBuffer(1024)));
    const taken = [pool.take(1), pool.take(1), pool.take(1)].map((v) => v.buffer);
    expect(new Set(taken).size).toBe(3);
    expect(taken).toContain(b.buffer);
    expect(taken).toContain(c.buffer);
  });
});
