import * as arrow from 'apache-arrow';
import { validityBytes } from '../../common/arrow/bitmap.js';
import type { SortKey } from '../kernels/sort.js';

/**
 * Order-preserving unsigned 32-bit words for one ORDER BY key, most significant word first:
 * comparing two rows' words left to right as unsigned integers orders them as SQL does (with
 * the key's direction applied). Floats map through their IEEE bits (negative: all bits flipped;
 * positive: sign bit set), with -0 folded into +0 and every NaN made the one NaN above +Infinity
 * (PostgreSQL's order). Equal words ⇔ equal values, so peers can be found on the words too.
 * `undefined` for types without such a form (text, nested): the caller sorts by comparator.
 */
export interface KeyWords {
  readonly words: Uint32Array[];
  /** 1 per non-NULL row, or null when the key has no NULLs. */
  readonly valid: Uint8Array | null;
  readonly nullsFirst: boolean;
}

export function keyWords(key: SortKey, length: number): KeyWords | undefined {
  const { data } = key;
  const type = data.type;
  let words: Uint32Array[];
  switch (type.typeId) {
    case arrow.Type.Int: {
      const t = type as arrow.Int;
      if (t.bitWidth === 64) {
        const v = data.values as BigInt64Array;
        const u = new Uint32Array(v.buffer, v.byteOffset, length * 2);
        const hi = new Uint32Array(length);
        const lo = new Uint32Array(length);
        const flip = t.isSigned ? 0x80000000 : 0;
        for (let i = 0; i < length; i++) {
          lo[i] = u[2 * i];
          hi[i] = (u[2 * i + 1] ^ flip) >>> 0;
        }
        words = [hi, lo];
      } else {
        words = [int32Word(data.values as Int32Array, length, t.isSigned)];
      }
      break;
    }
    case arrow.Type.Date:
      if ((type as arrow.Date_).unit !== arrow.DateUnit.DAY) return undefined;
      words = [int32Word(data.values as Int32Array, length, true)];
      break;
    case arrow.Type.Timestamp: {
      const v = data.values as BigInt64Array;
      const u = new Uint32Array(v.buffer, v.byteOffset, length * 2);
      const hi = new Uint32Array(length);
      const lo = new Uint32Array(length);
      for (let i = 0; i < length; i++) {
        lo[i] = u[2 * i];
        hi[i] = (u[2 * i + 1] ^ 0x80000000) >>> 0;
      }
      words = [hi, lo];
      break;
    }
    case arrow.Type.Float: {
      if ((type as arrow.Float).precision !== arrow.Precision.DOUBLE) {
        const f = Float64Array.from(data.values as Float32Array);
        words = floatWords(f, length);
      } else words = floatWords(data.values as Float64Array, length);
      break;
    }
    default:
      return undefined;
  }
  if (key.descending) for (const w of words) for (let i = 0; i < length; i++) w[i] = ~w[i] >>> 0;
  const valid = validityBytes(data);
  if (valid !== null) for (const w of words) for (let i = 0; i < length; i++) if (valid[i] === 0) w[i] = 0;
  return { words, valid, nullsFirst: key.nullsFirst };
}

function int32Word(v: Int32Array, length: number, signed: boolean): Uint32Array {
  const out = new Uint32Array(length);
  const flip = signed ? 0x80000000 : 0;
  for (let i = 0; i < length; i++) out[i] = (v[i] ^ flip) >>> 0;
  return out;
}

function floatWords(v: Float64Array, length: number): Uint32Array[] {
  const scratch = new Float64Array(1);
  const bits = new Uint32Array(scratch.buffer);
  const hi = new Uint32Array(length);
  const lo = new Uint32Array(length);
  for (let i = 0; i < length; i++) {
    let x = v[i];
    if (x === 0) x = 0; // -0 → +0
    else if (x !== x) x = NaN; // one NaN
    scratch[0] = x;
    const h = bits[1];
    const l = bits[0];
    if ((h & 0x80000000) !== 0) {
      hi[i] = ~h >>> 0;
      lo[i] = ~l >>> 0;
    } else {
      hi[i] = (h | 0x80000000) >>> 0;
      lo[i] = l;
    }
  }
  return [hi, lo];
}

/** Reusable buffers for `radixSortRange` (sized for the largest range sorted). */
export class RadixScratch {
  idx: Int32Array = new Int32Array(0);
  tmp: Int32Array = new Int32Array(0);
  word: Uint32Array = new Uint32Array(0);
  valid: Uint8Array = new Uint8Array(0);
  rows: Int32Array = new Int32Array(0);
  readonly counts = new Int32Array(65_537);
  ensure(m: number): void {
    if (this.idx.length >= m) return;
    this.idx = new Int32Array(m);
    this.tmp = new Int32Array(m);
    this.word = new Uint32Array(m);
    this.valid = new Uint8Array(m);
    this.rows = new Int32Array(m);
  }
}

/**
 * Stable LSD radix sort of `order[start, end)` (row numbers) by the keys' words, least
 * significant digit first; NULLs are placed by one more two-bucket pass per key. Each word is
 * first gathered into a range-local array, so the passes touch only memory the size of the
 * range (a partition: usually cache-resident); digits are 11 bits for ranges up to 64k rows and
 * 16 bits beyond, and a pass whose digit is the same for every row is skipped.
 */
export function radixSortRange(order: Int32Array, start: number, end: number, keys: readonly KeyWords[], scratch: RadixScratch): void {
  const m = end - start;
  if (m < 2 || keys.length === 0) return;
  scratch.ensure(m);
  let idx = scratch.idx;
  let tmp = scratch.tmp;
  const { word: local, valid: localValid, counts, rows } = scratch;
  for (let i = 0; i < m; i++) {
    idx[i] = i;
    rows[i] = order[start + i];
  }
  const bits = m > 65_536 ? 16 : 11;
  const buckets = 1 << bits;
  const mask = buckets - 1;
  for (let k = keys.length - 1; k >= 0; k--) {
    const key = keys[k];
    for (let w = key.words.length - 1; w >= 0; w--) {
      const word = key.words[w];
      for (let i = 0; i < m; i++) local[i] = word[rows[i]];
      for (let shift = 0; shift < 32; shift += bits) {
        counts.fill(0, 0, buckets + 1);
        for (let i = 0; i < m; i++) counts[((local[i] >>> shift) & mask) + 1]++;
        let single = false;
        for (let d = 1; d <= buckets; d++) if (counts[d] === m) { single = true; break; }
        if (single) continue;
        for (let d = 1; d <= buckets; d++) counts[d] += counts[d - 1];
        for (let j = 0; j < m; j++) {
          const i = idx[j];
          tmp[counts[(local[i] >>> shift) & mask]++] = i;
        }
        const t = idx;
        idx = tmp;
        tmp = t;
      }
    }
    if (key.valid !== null) {
      const valid = key.valid;
      const first = key.nullsFirst ? 0 : 1; // the validity that sorts first
      let nFirst = 0;
      for (let i = 0; i < m; i++) {
        localValid[i] = valid[rows[i]];
        if (localValid[i] === first) nFirst++;
      }
      if (nFirst !== 0 && nFirst !== m) {
        let a = 0;
        let b = nFirst;
        for (let j = 0; j < m; j++) {
          const i = idx[j];
          if (localValid[i] === first) tmp[a++] = i;
          else tmp[b++] = i;
        }
        const t = idx;
        idx = tmp;
        tmp = t;
      }
    }
  }
  for (let j = 0; j < m; j++) order[start + j] = rows[idx[j]];
  scratch.idx = idx;
  scratch.tmp = tmp;
}

/**
 * Stable counting sort of row numbers `0..length-1` by a small integer bucket per row
 * (`bucket[row]` in [0, buckets)). Returns the order and each bucket's start (buckets + 1 entries).
 */
export function countingSort(bucket: Int32Array, buckets: number): { order: Int32Array; starts: Int32Array } {
  const n = bucket.length;
  const starts = new Int32Array(buckets + 1);
  for (let i = 0; i < n; i++) starts[bucket[i] + 1]++;
  for (let d = 1; d <= buckets; d++) starts[d] += starts[d - 1];
  const next = starts.slice();
  const order = new Int32Array(n);
  for (let row = 0; row < n; row++) order[next[bucket[row]]++] = row;
  return { order, starts };
}

/**
 * Marks `newGroup[j] = 1` where sorted row `order[start + j]` differs from the row before it on
 * any key (NULL equal to NULL); each word is gathered once, so the loops stay flat.
 */
export function markPeerBreaks(order: Int32Array, start: number, end: number, keys: readonly KeyWords[], newGroup: Uint8Array, scratch: RadixScratch): void {
  const m = end - start;
  newGroup.fill(0, 0, m);
  if (m === 0) return;
  newGroup[0] = 1;
  scratch.ensure(m);
  const local = scratch.word;
  const localValid = scratch.valid;
  for (const key of keys) {
    for (const word of key.words) {
      for (let j = 0; j < m; j++) local[j] = word[order[start + j]];
      for (let j = 1; j < m; j++) if (local[j] !== local[j - 1]) newGroup[j] = 1;
    }
    if (key.valid !== null) {
      const valid = key.valid;
      for (let j = 0; j < m; j++) localValid[j] = valid[order[start + j]];
      for (let j = 1; j < m; j++) if (localValid[j] !== localValid[j - 1]) newGroup[j] = 1;
    }
  }
}
