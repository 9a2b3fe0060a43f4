import type * as arrow from 'apache-arrow';
import { keyColumnFor, mix32, type BoundKeyColumn, type KeyColumn } from './key-columns.js';

/**
 * Maps multi-column keys to dense group ids 0, 1, 2, … — the hash table behind GROUP BY,
 * DISTINCT, set operations, window partitions and the build side of hash joins (DESIGN.md §3:
 * open addressing over typed arrays; a `Map` keyed by boxed values measured 9× slower than DuckDB).
 *
 * Slots hold `group id + 1` (0 = empty) with linear probing at a load factor ≤ 1/2; each group's
 * full hash is kept so most mismatches are rejected without comparing keys. Keys are stored per
 * column (see key-columns.ts), so `keys()` hands the distinct keys back as Arrow columns.
 *
 * ```ts
 * const table = new GroupTable([new arrow.Utf8()]);
 * const ids = table.findOrInsert([tickerColumn], batch.numRows); // Int32Array of group ids
 * ```
 */
export class GroupTable {
  private readonly columns: KeyColumn[];
  private slots = new Int32Array(1024);
  private groupHashes = new Uint32Array(512);
  private count = 0;

  constructor(readonly keyTypes: readonly arrow.DataType[]) {
    this.columns = keyTypes.map(keyColumnFor);
  }

  /** The number of distinct keys seen. */
  get size(): number {
    return this.count;
  }

  /** The group id of each row of the key columns, adding groups for keys not seen before. */
  findOrInsert(keys: readonly arrow.Data[], length: number): Int32Array {
    return this.probe(keys, length, true);
  }

  /** The group id of each row, or -1 where the key is not in the table (a join probe). */
  find(keys: readonly arrow.Data[], length: number): Int32Array {
    return this.probe(keys, length, false);
  }

  /** The distinct keys as Arrow columns, row g holding group g's key. */
  keys(): arrow.Data[] {
    return this.columns.map((c) => c.toData());
  }

  /** 1 for rows where any key column is NULL (joins skip these: NULL never equals anything). */
  static nullKeyRows(keys: readonly arrow.Data[], length: number, columns = keys.map((k) => keyColumnFor(k.type).bind(k))): Uint8Array | null {
    let out: Uint8Array | null = null;
    for (const c of columns) {
      if (c.nulls === null) continue;
      out ??= new Uint8Array(length);
      for (let i = 0; i < length; i++) out[i]! |= c.nulls[i] as number;
    }
    return out;
  }

  private probe(keys: readonly arrow.Data[], length: number, insert: boolean): Int32Array {
    const bound: BoundKeyColumn[] = this.columns.map((c, k) => c.bind(keys[k] as arrow.Data));
    const hashes = new Uint32Array(length);
    for (const column of bound) column.hashInto(hashes);
    const out = new Int32Array(length);
    const width = bound.length;
    // The table's arrays in locals (re-read after a grow): the loop below runs once per row.
    let slots = this.slots;
    let groupHashes = this.groupHashes;
    let mask = slots.length - 1;
    const only = width === 1 ? (bound[0] as BoundKeyColumn) : undefined;
    for (let i = 0; i < length; i++) {
      const h = mix32(hashes[i] as number);
      let slot = h & mask;
      for (;;) {
        const entry = slots[slot] as number;
        if (entry === 0) {
          if (!insert) {
            out[i] = -1;
            break;
          }
          const group = this.count++;
          for (let k = 0; k < width; k++) (bound[k] as BoundKeyColumn).append(i);
          this.storeHash(group, h);
          slots[slot] = group + 1;
          out[i] = group;
          if (this.count * 2 > slots.length) {
            this.grow();
            slots = this.slots;
            mask = slots.length - 1;
          }
          groupHashes = this.groupHashes;
          break;
        }
        const group = entry - 1;
        if (groupHashes[group] === h && (only !== undefined ? only.equals(i, group) : this.keysEqual(bound, i, group))) {
          out[i] = group;
          break;
        }
        slot = (slot + 1) & mask;
      }
    }
    return out;
  }

  private keysEqual(bound: readonly BoundKeyColumn[], row: number, group: number): boolean {
    for (let k = 0; k < bound.length; k++) if (!(bound[k] as BoundKeyColumn).equals(row, group)) return false;
    return true;
  }

  private storeHash(group: number, h: number): void {
    if (group >= this.groupHashes.length) {
      const grown = new Uint32Array(this.groupHashes.length * 2);
      grown.set(this.groupHashes);
      this.groupHashes = grown;
    }
    this.groupHashes[group] = h;
  }

  /** Doubles the slot array and re-inserts every group by its stored hash (no key is re-read). */
  private grow(): void {
    const slots = new Int32Array(this.slots.length * 2);
    const mask = slots.length - 1;
    for (let g = 0; g < this.count; g++) {
      let slot = (this.groupHashes[g] as number) & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = g + 1;
    }
    this.slots = slots;
  }
}
