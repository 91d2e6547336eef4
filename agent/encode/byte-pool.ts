// Reusable buffers for the JPEG input (packed RGB). On a screen playing video every update
// packs ~6 MB; with a fresh allocation per rect the kernel faulted in every page again and V8
// collected garbage after a few updates: packing a 1024x512 rect took 1.5 ms or, in those
// phases, 8-9 ms (bench/session/profile-stream.ts cuts). Reused buffers keep their pages.

export class BytePool {
  private readonly free: ArrayBuffer[] = [];

  /**
   * @param size bytes of every pooled buffer: requests up to this size are served from the pool
   * @param keep buffers kept for reuse at most (as many as updates have rects in flight)
   */
  constructor(
    private readonly size: number,
    private readonly keep: number,
  ) {}

  /** A view of `bytes` bytes; hand it back with give() once nothing reads it any more. */
  take(bytes: number): Uint8Array<ArrayBuffer> {
    if (bytes > this.size) return new Uint8Array(bytes);
    return new Uint8Array(this.free.pop() ?? new ArrayBuffer(this.size), 0, bytes);
  }

  give(view: Uint8Array<ArrayBuffer>): void {
    if (view.buffer.byteLength === this.size && this.free.length < this.keep) this.free.push(view.buffer);
  }
}
