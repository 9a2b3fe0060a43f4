import { mix32 } from './value-hash.js';

/**
 * Distinct byte strings (UTF-8 or binary) numbered 0, 1, 2, … in order of first sight: an open
 * addressing table (slots hold id + 1, linear probing, load ≤ 1/2) over one growing byte arena.
 * GROUP BY, joins and DISTINCT key a string column by these ids, so their own tables compare
 * one integer per row instead of the bytes (key-columns.ts); a batch's repeated strings are
 * hashed once per distinct value through its chunk dictionary (chunk-dictionary.ts).
 *
 * ```ts
 * const strings = new BytesInterner();
 * strings.intern(bytes, 0, 4, hashBytes(bytes, 0, 4), true); // 0 — and 0 again for equal bytes
 * ```
 */
export class BytesInterner {
  private slots = new Int32Array(64);
  private hashes = new Uint32Array(32);
  private offsets = new Int32Array(33);
  private arena = new Uint8Array(256);
  private count = 0;

  /** The number of distinct strings. */
  get size(): number {
    return this.count;
  }

  /** The arena holding every string's bytes (string `id` is `bytes[start(id), end(id))`). */
  get bytes(): Uint8Array {
    return this.arena;
  }

  start(id: number): number {
    return this.offsets[id] as number;
  }

  end(id: number): number {
    return this.offsets[id + 1] as number;
  }

  /** The stored hash of string `id` (as given to `intern`). */
  hashOf(id: number): number {
    return this.hashes[id] as number;
  }

  /**
   * The id of `src[start, end)` (whose hash is `hash`); a new id when unseen and `insert`, else
   * -1 when unseen.
   */
  intern(src: Uint8Array, start: number, end: number, hash: number, insert: boolean): number {
    const len = end - start;
    const slots = this.slots;
    const mask = slots.length - 1;
    let slot = mix32(hash) & mask;
    for (;;) {
      const entry = slots[slot] as number;
      if (entry === 0) break;
      const id = entry - 1;
      if (this.hashes[id] === hash) {
        const a = this.offsets[id] as number;
        if ((this.offsets[id + 1] as number) - a === len) {
          const arena = this.arena;
          let k = 0;
          while (k < len && arena[a + k] === src[start + k]) k++;
          if (k === len) return id;
        }
      }
      slot = (slot + 1) & mask;
    }
    if (!insert) return -1;
    const id = this.count++;
    this.reserve(id + 1, len);
    const at = this.offsets[id] as number;
    this.arena.set(src.subarray(start, end), at);
    this.offsets[id + 1] = at + len;
    this.hashes[id] = hash;
    slots[slot] = id + 1;
    if (this.count * 2 > slots.length) this.grow();
    return id;
  }

  private reserve(strings: number, extraBytes: number): void {
    if (strings > this.hashes.length) {
      const hashes = new Uint32Array(this.hashes.length * 2);
      hashes.set(this.hashes);
      this.hashes = hashes;
      const offsets = new Int32Array(hashes.length + 1);
      offsets.set(this.offsets);
      this.offsets = offsets;
    }
    const needed = (this.offsets[strings - 1] as number) + extraBytes;
    if (needed > this.arena.length) {
      const arena = new Uint8Array(Math.max(needed, this.arena.length * 2));
      arena.set(this.arena);
      this.arena = arena;
    }
  }

  /** Doubles the slots and re-inserts every string by its stored hash (no bytes re-read). */
  private grow(): void {
    const slots = new Int32Array(this.slots.length * 2);
    const mask = slots.length - 1;
    for (let id = 0; id < this.count; id++) {
      let slot = mix32(this.hashes[id] as number) & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = id + 1;
    }
    this.slots = slots;
  }
}
