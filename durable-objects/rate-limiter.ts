import { DurableObject } from "cloudflare:workers";

/** Failures an object keeps, and so the highest limit it can enforce. */
export const MAX_COUNTED = 100;

/**
 * Counts failures for one key (an account or an IP address) in a sliding window.
 * One object per key means every Worker instance in the world sees the same count.
 * The timestamps live in the object's own storage, so eviction forgets nothing.
 * Each method runs without an await (the storage calls are synchronous), so no other call
 * to the same object runs in the middle of one. Once its last failure is out of the window,
 * an alarm forgets everything: keys are per address, IP and password, and most are used
 * once, so without it their objects would keep a few bytes each for ever.
 */
export class RateLimiter extends DurableObject<Env> {
  private failures(now: number, windowMs: number): number[] {
    const all = (this.ctx.storage.kv.get<number[]>("failures") ?? []).filter((t) => t > now - windowMs);
    return all;
  }

  private wait(limit: number, windowMs: number, now: number): number {
    const recent = this.failures(now, windowMs);
    if (recent.length < limit) return 0;
    // The oldest failure that still counts decides when a slot frees up.
    return recent[recent.length - limit]! + windowMs - now;
  }

  private record(windowMs: number, now: number): void {
    const recent = this.failures(now, windowMs);
    recent.push(now);
    // Bounded: never keep more than a window's worth of a reasonable limit.
    this.ctx.storage.kv.put("failures", recent.slice(-MAX_COUNTED));
    // A key is always used with one window, so when this fires nothing counts any more. The
    // newest failure decides (calls from different Workers may bring their `now` out of order).
    void this.ctx.storage.setAlarm(Math.max(...recent) + windowMs);
  }

  /** How long the caller must wait before another attempt, 0 if it may go ahead. */
  async retryAfterMs(limit: number, windowMs: number, now = Date.now()): Promise<number> {
    return this.wait(limit, windowMs, now);
  }

  async recordFailure(windowMs: number, now = Date.now()): Promise<void> {
    this.record(windowMs, now);
  }

  /**
   * Takes one of `limit` slots in the window if one is free, in one call: a check and a
   * record made as two calls let parallel requests all pass the check before any recorded.
   * Returns 0 when taken, otherwise how long until a slot frees up (nothing recorded then).
   */
  async take(limit: number, windowMs: number, now = Date.now()): Promise<number> {
    const wait = this.wait(limit, windowMs, now);
    if (wait === 0) this.record(windowMs, now);
    return wait;
  }

  /** Gives back a slot taken at `takenAt` (the attempt turned out not to be a failure). */
  async giveBack(takenAt: number): Promise<void> {
    const all = this.ctx.storage.kv.get<number[]>("failures") ?? [];
    const at = all.lastIndexOf(takenAt);
    if (at < 0) return;
    all.splice(at, 1);
    this.ctx.storage.kv.put("failures", all);
  }

  async reset(): Promise<void> {
    this.ctx.storage.kv.delete("failures");
  }

  override async alarm(): Promise<void> {
    await this.ctx.storage.deleteAll();
  }
}
