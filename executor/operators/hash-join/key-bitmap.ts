import * as arrow from 'apache-arrow';
import { validityBytes } from '../../../common/arrow/bitmap.js';
import type { GroupTable } from '../../hash/group-table.js';

/**
 * A row-level prefilter for the probe: for each 8–32-bit integer or day-date join key, one bit
 * per value between the build keys' min and max, set for the values the build side holds. A
 * probe row whose key misses its bitmap cannot match, so only the rows that pass every bitmap
 * are hashed and looked up — for the P/E join, prices rows whose date is not a quarter end (99%)
 * never reach the hash table. Exact for the keys it covers (no false negatives, and no false
 * positives on the value itself); the hash table still compares the full key.
 */
export class KeyBitmaps {
  private constructor(private readonly filters: readonly { readonly key: number; readonly min: number; readonly bits: Uint8Array }[]) {}

  /** Bitmaps for the table's eligible key columns whose value range spans at most `MAX_SPAN`. */
  static build(table: GroupTable): KeyBitmaps | undefined {
    const filters: { key: number; min: number; bits: Uint8Array }[] = [];
    table.keyTypes.forEach((type, key) => {
      if (!eligible(type)) return;
      const data = table.keyColumn(key);
      const values = data.values as Int32Array;
      const valid = validityBytes(data);
      let min = Infinity;
      let max = -Infinity;
      for (let g = 0; g < data.length; g++) {
        if (valid !== null && valid[g] === 0) continue;
        const v = values[g] as number;
        if (v < min) min = v;
        if (v > max) max = v;
      }
      if (min > max || max - min + 1 > MAX_SPAN) return;
      const bits = new Uint8Array(((max - min) >> 3) + 1);
      for (let g = 0; g < data.length; g++) {
        if (valid !== null && valid[g] === 0) continue;
        const at = (values[g] as number) - min;
        bits[at >> 3]! |= 1 << (at & 7);
      }
      filters.push({ key, min, bits });
    });
    return filters.length === 0 ? undefined : new KeyBitmaps(filters);
  }

  /** The bitmap of key `key` (an index into the join's keys), if it has one: the values `min + i` for each bit `i` set. */
  bitmapOf(key: number): { readonly min: number; readonly bits: Uint8Array } | undefined {
    return this.filters.find((f) => f.key === key);
  }

  /** The probe rows that pass every bitmap (NULL keys never do), ascending; written into `into` (n slots at least) when given. */
  select(keyData: readonly arrow.Data[], n: number, into?: Int32Array): Int32Array {
    let rows: Int32Array | null = null;
    let count = n;
    for (const { key, min, bits } of this.filters) {
      const data = keyData[key] as arrow.Data;
      const values = data.values as Int32Array;
      const valid = validityBytes(data);
      const out: Int32Array = rows ?? into ?? new Int32Array(n);
      // The first bitmap over rows without NULL keys (the usual case) reads the keys straight.
      count = rows === null && valid === null ? selectEvery(values, n, min, bits, out) : selectAmong(values, valid, rows, count, min, bits, out);
      rows = out;
    }
    return (rows as Int32Array).subarray(0, count);
  }
}

// Out of range: `at >>> 0` is huge for negatives, so one unsigned compare covers both ends. Each
// loop is a function of its own, so V8 optimises each for its one shape of input.

/** Rows 0…n-1 whose key has its bit set, into `out`; answers how many. */
function selectEvery(values: Int32Array, n: number, min: number, bits: Uint8Array, out: Int32Array): number {
  const span = bits.length << 3;
  let kept = 0;
  for (let i = 0; i < n; i++) {
    const at = (values[i] as number) - min;
    out[kept] = i;
    kept += (at >>> 0) < span && ((bits[at >> 3] as number) & (1 << (at & 7))) !== 0 ? 1 : 0;
  }
  return kept;
}

/** The same over `rows` (or 0…count-1 when null), NULL keys (`valid`) failing; `out` may be `rows`. */
function selectAmong(values: Int32Array, valid: Uint8Array | null, rows: Int32Array | null, count: number, min: number, bits: Uint8Array, out: Int32Array): number {
  const span = bits.length << 3;
  let kept = 0;
  for (let k = 0; k < count; k++) {
    const i = rows === null ? k : (rows[k] as number);
    const at = (values[i] as number) - min;
    const hit = (at >>> 0) < span && ((bits[at >> 3] as number) & (1 << (at & 7))) !== 0 && (valid === null || valid[i] === 1);
    out[kept] = i;
    kept += hit ? 1 : 0;
  }
  return kept;
}

/** A 4 MiB bitmap at most (2^25 values): a date range of 90,000 years, an int range of 33M. */
const MAX_SPAN = 1 << 25;

function eligible(type: arrow.DataType): boolean {
  return (arrow.DataType.isInt(type) && type.bitWidth <= 32 && (type.isSigned || type.bitWidth < 32)) || (arrow.DataType.isDate(type) && type.unit === arrow.DateUnit.DAY);
}
