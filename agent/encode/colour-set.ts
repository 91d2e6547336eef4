// A small set of 32-bit colours, each numbered in the order it was first seen. Tile
// classification and palette building run on every changed tile of every update, so the
// table is allocated once and cleared by bumping a generation number instead of zeroing.

export class ColourSet {
  /** The colours in the order they were added (the first `size` entries). */
  readonly colours: Uint32Array;
  private readonly keys: Uint32Array;
  private readonly indices: Uint16Array;
  private readonly gens: Uint32Array;
  private readonly mask: number;
  private readonly shift: number;
  private gen = 0;
  private count = 0;

  /** Holds at most `capacity` colours; the table has a power of two > 2x that many slots, so probes stay short. */
  constructor(readonly capacity: number) {
    let bits = 1;
    while (1 << bits <= 2 * capacity) bits++;
    this.keys = new Uint32Array(1 << bits);
    this.indices = new Uint16Array(1 << bits);
    this.gens = new Uint32Array(1 << bits);
    this.mask = (1 << bits) - 1;
    this.shift = 32 - bits;
    this.colours = new Uint32Array(capacity);
  }

  get size(): number {
    return this.count;
  }

  clear(): void {
    this.count = 0;
    this.gen = (this.gen + 1) >>> 0;
    if (this.gen === 0) {
      this.gens.fill(0);
      this.gen = 1;
    }
  }

  /** The colour's number, adding it if new; -1 when it is new and the set is full. */
  add(p: number): number {
    let h = Math.imul(p, 0x9e3779b1) >>> this.shift;
    for (;;) {
      if (this.gens[h] !== this.gen) {
        if (this.count === this.capacity) return -1;
        this.gens[h] = this.gen;
        this.keys[h] = p;
        this.indices[h] = this.count;
        this.colours[this.count] = p;
        return this.count++;
      }
      if (this.keys[h] === p) return this.indices[h]!;
      h = (h + 1) & this.mask;
    }
  }
}
