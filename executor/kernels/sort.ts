import * as arrow from 'apache-arrow';
import { scalarAt, type ScalarValue } from '../arrow/scalar.js';
import { SqlError } from '../../common/sql-error.js';
import { boolBytes, validityBytes } from '../../common/arrow/bitmap.js';
import { compareDecimalWords } from '../values/decimal.js';
import { compareBytes, compareNaN } from './compare.js';
import { intervalSpans } from './interval.js';

/** One ORDER BY key, evaluated over the rows being sorted. */
export interface SortKey {
  readonly data: arrow.Data;
  readonly descending: boolean;
  readonly nullsFirst: boolean;
}

/**
 * Row numbers `0..length-1` ordered by `keys` (stable: ties keep input order). Comparators read
 * the keys' typed arrays by row number, so nothing is boxed per row.
 */
export function sortIndices(keys: readonly SortKey[], length: number): Int32Array {
  const comparators = keys.map(rowComparator);
  const indices = new Int32Array(length);
  for (let i = 0; i < length; i++) indices[i] = i;
  const n = comparators.length;
  indices.sort((a, b) => {
    for (let k = 0; k < n; k++) {
      const c = comparators[k](a, b);
      if (c !== 0) return c;
    }
    return a - b;
  });
  return indices;
}

type RowComparator = (a: number, b: number) => number;

/** A comparator of two rows of one key, with its direction and NULL placement applied. */
export function rowComparator(key: SortKey): RowComparator {
  return crossComparator(key, key.data);
}

/**
 * Compares row `a` of `key.data` with row `b` of `other` (same type), with the key's direction
 * and NULL placement: top-N uses it to test a new batch's rows against its current boundary row.
 */
export function crossComparator(key: SortKey, other: arrow.Data): RowComparator {
  const validA = validityBytes(key.data);
  return crossComparatorWithValidity(key, other, validA, other === key.data ? validA : validityBytes(other));
}

/**
 * `crossComparator` with both sides' validity already unpacked (`validityBytes`, null = no
 * NULLs): the spill merge (executor/spill/merge.ts) compares each run's current batch with every
 * other run's and unpacks a batch's validity once, not once per pair.
 */
export function crossComparatorWithValidity(key: SortKey, other: arrow.Data, validA: Uint8Array | null, validB: Uint8Array | null): RowComparator {
  const values = valueComparator(key.data, other);
  const dir = key.descending ? -1 : 1;
  if (validA === null && validB === null) return key.descending ? (a, b) => -values(a, b) : values;
  const nullOrder = key.nullsFirst ? -1 : 1;
  return (a, b) => {
    const va = validA === null ? 1 : validA[a];
    const vb = validB === null ? 1 : validB[b];
    if (va === 0 || vb === 0) return va === vb ? 0 : va === 0 ? nullOrder : -nullOrder;
    return dir * values(a, b);
  };
}

/** Ascending comparator of row `a` of `x` with row `b` of `y` (NULLs not considered). */
function valueComparator(x: arrow.Data, y: arrow.Data): RowComparator {
  switch (x.typeId) {
    case arrow.Type.Int:
    case arrow.Type.Date:
    case arrow.Type.Timestamp:
    case arrow.Type.Time:
    case arrow.Type.Duration: {
      const v = x.values as Int32Array;
      const w = y.values as Int32Array;
      return (a, b) => (v[a] < w[b] ? -1 : v[a] > w[b] ? 1 : 0);
    }
    case arrow.Type.Float: {
      const v = x.values as Float64Array;
      const w = y.values as Float64Array;
      return (a, b) => {
        const p = v[a];
        const q = w[b];
        return p < q ? -1 : p > q ? 1 : p === q ? 0 : compareNaN(p, q);
      };
    }
    case arrow.Type.Bool: {
      const v = boolBytes(x);
      const w = y === x ? v : boolBytes(y);
      return (a, b) => v[a] - w[b];
    }
    case arrow.Type.Decimal: {
      const v = x.values as Uint32Array;
      const w = y.values as Uint32Array;
      return (a, b) => compareDecimalWords(v, a, w, b);
    }
    case arrow.Type.Utf8:
    case arrow.Type.Binary: {
      const o = x.valueOffsets as Int32Array;
      const v = x.values as Uint8Array;
      const p = y.valueOffsets as Int32Array;
      const w = y.values as Uint8Array;
      return (a, b) => compareBytes(v, o[a], o[a + 1], w, p[b], p[b + 1]);
    }
    case arrow.Type.Interval: {
      const v = intervalSpans(x);
      const w = y === x ? v : intervalSpans(y);
      return (a, b) => (v[a] < w[b] ? -1 : v[a] > w[b] ? 1 : 0);
    }
    case arrow.Type.Null:
      return () => 0;
    case arrow.Type.Struct:
    case arrow.Type.List:
      // Rows and arrays (PostgreSQL's record and array order): a boxed slow path, field by field.
      return (a, b) => compareNested(scalarAt(x, a), scalarAt(y, b), x.type);
    default:
      throw SqlError.unsupportedFeature(`ORDER BY a ${String(x.type)} value`);
  }
}

/**
 * The rows of `key.data` that sort before row `row` of `other` (same type) in the key's order,
 * NULL placement included, and the rows that tie with it — top-N's test of a batch against its
 * boundary row, as one branch-light loop over the typed array instead of a comparator call per
 * row. Numbers, day dates and 64-bit integers / timestamps (as word pairs, no BigInt); undefined
 * for other types (the caller uses `crossComparator`).
 */
export function rowsBeforeRow(key: SortKey, other: arrow.Data, row: number): { readonly before: Int32Array; readonly ties: Int32Array } | undefined {
  const data = key.data;
  const n = data.length;
  const type = data.type;
  const int64 = (arrow.DataType.isInt(type) && type.bitWidth === 64 && type.isSigned) || arrow.DataType.isTimestamp(type);
  const number = (arrow.DataType.isInt(type) && type.bitWidth <= 32) || arrow.DataType.isFloat(type) || (arrow.DataType.isDate(type) && type.unit === arrow.DateUnit.DAY);
  if (!int64 && !number) return undefined;
  // Few rows beat a settled boundary: small lists that grow, not two row-sized arrays per batch.
  let before = new Int32Array(Math.min(n, 256));
  let ties = new Int32Array(Math.min(n, 256));
  let nb = 0;
  let nt = 0;
  const addBefore = (i: number) => {
    if (nb === before.length) before = grownTo(before, n);
    before[nb++] = i;
  };
  const addTie = (i: number) => {
    if (nt === ties.length) ties = grownTo(ties, n);
    ties[nt++] = i;
  };
  const valid = validityBytes(data);
  const boundValid = validityBytes(other);
  if (boundValid !== null && boundValid[row] === 0) {
    // Against a NULL: NULLs tie; with NULLS LAST every value sorts before it, with FIRST none.
    for (let i = 0; i < n; i++) {
      if (valid !== null && valid[i] === 0) addTie(i);
      else if (!key.nullsFirst) addBefore(i);
    }
    return { before: before.subarray(0, nb), ties: ties.subarray(0, nt) };
  }
  // A NULL row sorts before any value only with NULLS FIRST.
  const nullBefore = key.nullsFirst;
  const dir = key.descending ? -1 : 1;
  if (int64) {
    const words = (d: arrow.Data) => {
      const v = d.values as BigInt64Array;
      return { high: new Int32Array(v.buffer, v.byteOffset, d.length * 2), low: new Uint32Array(v.buffer, v.byteOffset, d.length * 2) };
    };
    const { high, low } = words(data);
    const bound = words(other);
    const bh = bound.high[2 * row + 1] as number;
    const bl = bound.low[2 * row] as number;
    for (let i = 0; i < n; i++) {
      if (valid !== null && valid[i] === 0) {
        if (nullBefore) addBefore(i);
        continue;
      }
      const h = high[2 * i + 1] as number;
      const l = low[2 * i] as number;
      const c = dir * (h < bh ? -1 : h > bh ? 1 : l < bl ? -1 : l > bl ? 1 : 0);
      if (c < 0) addBefore(i);
      else if (c === 0) addTie(i);
    }
  } else {
    const v = data.values as Float64Array;
    const b = (other.values as Float64Array)[row] as number;
    for (let i = 0; i < n; i++) {
      if (valid !== null && valid[i] === 0) {
        if (nullBefore) addBefore(i);
        continue;
      }
      const x = v[i] as number;
      const c = dir * (x < b ? -1 : x > b ? 1 : x === b ? 0 : compareNaN(x, b));
      if (c < 0) addBefore(i);
      else if (c === 0) addTie(i);
    }
  }
  return { before: before.subarray(0, nb), ties: ties.subarray(0, nt) };
}

function grownTo(a: Int32Array<ArrayBuffer>, max: number): Int32Array<ArrayBuffer> {
  const out = new Int32Array(Math.min(max, a.length * 2));
  out.set(a);
  return out;
}

/**
 * PostgreSQL's order of rows (record comparison: field by field) and arrays (element by element,
 * then the shorter first), a NULL field or element after every value.
 */
function compareNested(p: ScalarValue, q: ScalarValue, type: arrow.DataType): number {
  if (p === null || q === null) return p === q ? 0 : p === null ? 1 : -1;
  if (type.typeId === arrow.Type.Struct) {
    for (const f of (type as arrow.Struct).children) {
      const c = compareNested((p as Record<string, ScalarValue>)[f.name] ?? null, (q as Record<string, ScalarValue>)[f.name] ?? null, f.type);
      if (c !== 0) return c;
    }
    return 0;
  }
  if (type.typeId === arrow.Type.List) {
    const element = (type as arrow.List).children[0].type;
    const u = p as readonly ScalarValue[];
    const v = q as readonly ScalarValue[];
    for (let i = 0; i < Math.min(u.length, v.length); i++) {
      const c = compareNested(u[i], v[i], element);
      if (c !== 0) return c;
    }
    return u.length - v.length;
  }
  if (p instanceof Uint8Array && q instanceof Uint8Array) return compareBytes(p, 0, p.length, q, 0, q.length);
  if (typeof p === 'number' && typeof q === 'number' && (Number.isNaN(p) || Number.isNaN(q))) return compareNaN(p, q);
  return p < q ? -1 : p > q ? 1 : 0;
}
