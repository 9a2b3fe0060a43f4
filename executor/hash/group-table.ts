import type * as arrow from 'apache-arrow';
import { keyColumnFor, NULL_CODE, UNKNOWN_CODE, type BatchDictionary, type BoundKeyColumn, type KeyColumn } from './key-columns.js';
import { mix32, nullFlags } from './value-hash.js';

/**
 * Maps multi-column keys to dense group ids 0, 1, 2, … — the hash table behind GROUP BY,
 * DISTINCT, set operations, window partitions and the build side of hash joins (DESIGN.md §3:
 * open addressing over typed arrays; a `Map` keyed by boxed values measured 9× slower than DuckDB).
 *
 * Every key is a row of W uint32 words (key-columns.ts: fixed-width values as themselves,
 * strings and nested values as interned ids), then one null-mask word per 32 columns, so
 * hashing and comparing is one loop over integers per row, whatever the key types. Slots hold
 * `group id + 1` (0 = empty) with linear probing at a load factor ≤ 1/2; each group's full hash
 * is kept so most mismatches are rejected without comparing words and growth re-reads no key.
 *
 * A table over one string (or nested) column skips hashing altogether: the column's ids are dense,
 * so an array indexed by id gives the group (GROUP BY ticker: one lookup per row).
 *
 * ```ts
 * const table = new GroupTable([new arrow.Utf8()]);
 * const ids = table.findOrInsert([tickerColumn], batch.numRows); // Int32Array of group ids
 * ```
 */
export class GroupTable {
  private readonly columns: KeyColumn[];
  /** Where each column's words start in a key row. */
  private readonly at: number[];
  /** Words per key row: the columns' words, then the null-mask words. */
  private readonly stride: number;
  private readonly maskAt: number;
  private readonly direct: boolean;
  private slots = new Int32Array(1024);
  private groupHashes = new Uint32Array(512);
  private keyWords: Uint32Array;
  private count = 0;
  /** Direct mode: group of each id of the one coded column (-1 = none yet), and of NULL. */
  private idGroup = new Int32Array(0);
  private nullGroup = -1;
  /** Scratch key rows of the current batch, reused across batches. */
  private rows = new Uint32Array(0);
  /** Key columns built by `keyColumn`, with the group count they cover. */
  private readonly builtKeys = new Map<number, { readonly count: number; readonly data: arrow.Data }>();

  constructor(readonly keyTypes: readonly arrow.DataType[]) {
    this.columns = keyTypes.map(keyColumnFor);
    this.at = [];
    let w = 0;
    for (const c of this.columns) {
      this.at.push(w);
      w += c.width;
    }
    this.maskAt = w;
    this.stride = w + Math.ceil(this.columns.length / 32);
    this.direct = this.columns.length === 1 && (this.columns[0] as KeyColumn).coded;
    this.keyWords = new Uint32Array(512 * this.stride);
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

  /**
   * Inserts the rows' keys and answers the rows whose key was new — its first occurrence only,
   * in row order (DISTINCT aggregates feed only these rows to their accumulators). A batch of
   * one string column with no new value costs one lookup per distinct value, none per row.
   */
  insertNew(keys: readonly arrow.Data[], length: number): Int32Array {
    const before = this.count;
    if (this.direct) {
      const only = (this.columns[0] as KeyColumn).bind(keys[0] as arrow.Data, true);
      if (only.dictionary !== undefined && (only.nulls === null || this.nullGroup >= 0)) {
        const batch = only.dictionary();
        this.dictionaryGroups(batch, true);
        const out = new Int32Array(this.count - before);
        for (let d = 0, k = 0; d < batch.ids.length && k < out.length; d++) {
          if ((this.idGroup[batch.ids[d] as number] as number) >= before) out[k++] = batch.firstRows[d] as number;
        }
        return out;
      }
    }
    const groups = this.findOrInsert(keys, length);
    const out = new Int32Array(this.count - before);
    if (out.length === 0) return out;
    let expected = before;
    for (let i = 0; i < length; i++) if (groups[i] === expected) out[expected++ - before] = i;
    return out;
  }

  /** The distinct keys as Arrow columns, row g holding group g's key. */
  keys(): arrow.Data[] {
    return this.columns.map((_, k) => this.keyColumn(k));
  }

  /**
   * Key column `k` alone (see `keys()`). Kept until the next new group: a join's key bitmaps and
   * its runtime filters both read the built table's key columns.
   */
  keyColumn(k: number): arrow.Data {
    const known = this.builtKeys.get(k);
    if (known !== undefined && known.count === this.count) return known.data;
    const data = this.buildKeyColumn(k);
    this.builtKeys.set(k, { count: this.count, data });
    return data;
  }

  private buildKeyColumn(k: number): arrow.Data {
    const { stride, count, keyWords } = this;
    const maskWord = this.maskAt + (k >> 5);
    const bit = 1 << (k & 31);
    let nulls: Uint8Array | null = null;
    for (let g = 0; g < count; g++) {
      if (((keyWords[g * stride + maskWord] as number) & bit) === 0) continue;
      nulls ??= new Uint8Array(count);
      nulls[g] = 1;
    }
    return (this.columns[k] as KeyColumn).toData(keyWords, stride, this.at[k] as number, count, nulls);
  }

  /** 1 for rows where any key column is NULL (joins skip these: NULL never equals anything). */
  static nullKeyRows(keys: readonly arrow.Data[], length: number): Uint8Array | null {
    let out: Uint8Array | null = null;
    for (const k of keys) {
      const nulls = nullFlags(k);
      if (nulls === null) continue;
      out ??= new Uint8Array(length);
      for (let i = 0; i < length; i++) out[i]! |= nulls[i] as number;
    }
    return out;
  }

  private probe(keys: readonly arrow.Data[], length: number, insert: boolean): Int32Array {
    const bound = this.columns.map((c, k) => c.bind(keys[k] as arrow.Data, insert));
    const only = bound[0] as BoundKeyColumn;
    if (this.direct && only.dictionary !== undefined && (only.nulls === null || this.nullGroup >= 0)) {
      return this.probeDictionary(only.dictionary(), insert);
    }
    const stride = this.stride;
    if (this.rows.length < length * stride) this.rows = new Uint32Array(length * stride);
    const rows = this.rows;
    rows.fill(0, 0, length * stride);
    for (let k = 0; k < bound.length; k++) {
      const column = bound[k] as BoundKeyColumn;
      column.writeWords(rows, stride, this.at[k] as number);
      const nulls = column.nulls;
      if (nulls === null) continue;
      const maskWord = this.maskAt + (k >> 5);
      const bit = 1 << (k & 31);
      for (let i = 0; i < length; i++) if (nulls[i] === 1) rows[i * stride + maskWord]! |= bit;
    }
    return this.direct ? this.probeDirect(rows, length, insert) : this.probeHashed(rows, length, insert);
  }

  /**
   * One string column whose batch arrives dictionary-encoded (and whose NULL group, if the batch
   * has NULLs, exists already): each distinct value of the batch is looked up once — in order of
   * first appearance, so new groups get the ids a row-by-row pass would give — and each row
   * takes its value's group.
   */
  private probeDictionary(batch: BatchDictionary, insert: boolean): Int32Array {
    const local = this.dictionaryGroups(batch, insert);
    const codes = batch.codes;
    const n = codes.length;
    const out = new Int32Array(n);
    const nullGroup = this.nullGroup;
    for (let i = 0; i < n; i++) {
      const c = codes[i] as number;
      out[i] = c < 0 ? nullGroup : (local[c] as number);
    }
    return out;
  }

  /** The group of each distinct value of a dictionary-encoded batch (-1: not found). */
  private dictionaryGroups({ ids }: BatchDictionary, insert: boolean): Int32Array {
    const local = new Int32Array(ids.length);
    const row = new Uint32Array(this.stride);
    for (let d = 0; d < ids.length; d++) {
      const id = ids[d] as number;
      if (id === UNKNOWN_CODE) {
        local[d] = -1;
        continue;
      }
      if (id >= this.idGroup.length) {
        const grown = new Int32Array(Math.max(1024, this.idGroup.length * 2, id + 1)).fill(-1);
        grown.set(this.idGroup);
        this.idGroup = grown;
      }
      let g = this.idGroup[id] as number;
      if (g < 0 && insert) {
        row[0] = id;
        this.idGroup[id] = g = this.addGroup(row, 0, 0);
      }
      local[d] = g;
    }
    return local;
  }

  /** One coded column: its dense ids index `idGroup`. */
  private probeDirect(rows: Uint32Array, length: number, insert: boolean): Int32Array {
    const out = new Int32Array(length);
    const stride = this.stride;
    let idGroup = this.idGroup;
    for (let i = 0; i < length; i++) {
      const id = rows[i * stride] as number;
      if (id === UNKNOWN_CODE) {
        out[i] = -1;
        continue;
      }
      if (id === NULL_CODE) {
        if (this.nullGroup < 0 && insert) this.nullGroup = this.addGroup(rows, i, 0);
        out[i] = this.nullGroup;
        continue;
      }
      if (id >= idGroup.length) {
        if (!insert) {
          out[i] = -1;
          continue;
        }
        const grown = new Int32Array(Math.max(1024, idGroup.length * 2, id + 1)).fill(-1);
        grown.set(idGroup);
        this.idGroup = idGroup = grown;
      }
      let g = idGroup[id] as number;
      if (g < 0 && insert) idGroup[id] = g = this.addGroup(rows, i, 0);
      out[i] = g;
    }
    return out;
  }

  private probeHashed(rows: Uint32Array, length: number, insert: boolean): Int32Array {
    const stride = this.stride;
    const hashes = hashRows(rows, length, stride);
    const out = new Int32Array(length);
    // The table's arrays in locals (re-read after a grow): the loop below runs once per row.
    let slots = this.slots;
    let groupHashes = this.groupHashes;
    let keyWords = this.keyWords;
    let mask = slots.length - 1;
    for (let i = 0; i < length; i++) {
      const h = hashes[i] as number;
      const r = i * stride;
      let slot = h & mask;
      for (;;) {
        const entry = slots[slot] as number;
        if (entry === 0) {
          if (!insert) {
            out[i] = -1;
            break;
          }
          const group = this.addGroup(rows, i, h);
          slots[slot] = group + 1;
          out[i] = group;
          if (this.count * 4 > slots.length) {
            this.grow();
            slots = this.slots;
            mask = slots.length - 1;
          }
          groupHashes = this.groupHashes;
          keyWords = this.keyWords;
          break;
        }
        const group = entry - 1;
        if (groupHashes[group] === h) {
          const g = group * stride;
          let w = 0;
          while (w < stride && keyWords[g + w] === rows[r + w]) w++;
          if (w === stride) {
            out[i] = group;
            break;
          }
        }
        slot = (slot + 1) & mask;
      }
    }
    return out;
  }

  /** Stores row `i` of `rows` as the next group, with hash `h`. */
  private addGroup(rows: Uint32Array, i: number, h: number): number {
    const group = this.count++;
    const stride = this.stride;
    if (group >= this.groupHashes.length) {
      const hashes = new Uint32Array(this.groupHashes.length * 2);
      hashes.set(this.groupHashes);
      this.groupHashes = hashes;
      const words = new Uint32Array(hashes.length * stride);
      words.set(this.keyWords);
      this.keyWords = words;
    }
    this.groupHashes[group] = h;
    this.keyWords.set(rows.subarray(i * stride, (i + 1) * stride), group * stride);
    return group;
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

/** murmur3_32 over each row's `stride` words (body per word, then the finaliser). */
export function hashRows(rows: Uint32Array, length: number, stride: number): Uint32Array {
  const hashes = new Uint32Array(length);
  for (let i = 0, r = 0; i < length; i++, r += stride) {
    let h = 0x9747b28c;
    for (let w = 0; w < stride; w++) {
      let k = Math.imul(rows[r + w] as number, 0xcc9e2d51);
      k = (k << 15) | (k >>> 17);
      h ^= Math.imul(k, 0x1b873593);
      h = (h << 13) | (h >>> 19);
      h = (Math.imul(h, 5) + 0xe6546b64) | 0;
    }
    hashes[i] = mix32(h ^ (stride * 4));
  }
  return hashes;
}
