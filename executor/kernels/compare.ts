import * as arrow from 'apache-arrow';
import { SqlError } from '../../common/sql-error.js';
import { andValidity, boolBytes, packBits, validityBytes, validityProps } from '../../common/arrow/bitmap.js';
import { compareDecimalWords } from '../values/decimal.js';
import { intervalSpans } from './interval.js';

/** The six comparison operators, in SQL spelling. */
export type CompareOp = '=' | '<>' | '<' | '<=' | '>' | '>=';

/**
 * `left op right` row by row for two Data of the same type (the planner casts both sides to a
 * common type first). NULL on either side gives NULL. Floats order NaN above every other value
 * and equal to itself (PostgreSQL's rule); strings and binaries compare by bytes, which for
 * UTF-8 is code-point order; decimals compare on their 128-bit words.
 */
export function compare(op: CompareOp, left: arrow.Data, right: arrow.Data): arrow.Data<arrow.Bool> {
  const length = left.length;
  const out = fusedCompare(op, left, right, length) ?? opFromOrder(op, threeWay(left, right), length);
  const valid = andValidity(validityBytes(left), validityBytes(right));
  return arrow.makeData({ type: new arrow.Bool(), length, ...validityProps(valid), data: packBits(out) });
}

/** Applies `op` to a three-way order per row. */
function opFromOrder(op: CompareOp, order: Int8Array, length: number): Uint8Array {
  const out = new Uint8Array(length);
  switch (op) {
    case '=': for (let i = 0; i < length; i++) out[i] = order[i] === 0 ? 1 : 0; break;
    case '<>': for (let i = 0; i < length; i++) out[i] = order[i] !== 0 ? 1 : 0; break;
    case '<': for (let i = 0; i < length; i++) out[i] = order[i] < 0 ? 1 : 0; break;
    case '<=': for (let i = 0; i < length; i++) out[i] = order[i] <= 0 ? 1 : 0; break;
    case '>': for (let i = 0; i < length; i++) out[i] = order[i] > 0 ? 1 : 0; break;
    case '>=': for (let i = 0; i < length; i++) out[i] = order[i] >= 0 ? 1 : 0; break;
  }
  return out;
}

/**
 * One pass straight to the result for 32-bit integers, dates and floats (the common filters),
 * instead of a three-way order and a second pass. Floats with a NaN anywhere take the general
 * path, which orders NaN above every number as PostgreSQL does. Undefined: not a fused type.
 */
function fusedCompare(op: CompareOp, left: arrow.Data, right: arrow.Data, length: number): Uint8Array | undefined {
  const t = left.type;
  const numeric32 = (arrow.DataType.isInt(t) && t.bitWidth <= 32) || (arrow.DataType.isDate(t) && t.unit === arrow.DateUnit.DAY);
  const float = arrow.DataType.isFloat(t);
  if (!numeric32 && !float) return undefined;
  const a = left.values as Float64Array;
  const b = right.values as Float64Array;
  if (float) {
    for (let i = 0; i < length; i++) if (a[i] !== a[i] || b[i] !== b[i]) return undefined; // NaN
  }
  const out = new Uint8Array(length);
  switch (op) {
    case '=': for (let i = 0; i < length; i++) out[i] = a[i] === b[i] ? 1 : 0; break;
    case '<>': for (let i = 0; i < length; i++) out[i] = a[i] !== b[i] ? 1 : 0; break;
    case '<': for (let i = 0; i < length; i++) out[i] = a[i] < b[i] ? 1 : 0; break;
    case '<=': for (let i = 0; i < length; i++) out[i] = a[i] <= b[i] ? 1 : 0; break;
    case '>': for (let i = 0; i < length; i++) out[i] = a[i] > b[i] ? 1 : 0; break;
    case '>=': for (let i = 0; i < length; i++) out[i] = a[i] >= b[i] ? 1 : 0; break;
  }
  return out;
}

/** -1/0/1 per row (the value for a NULL row is unspecified). */
export function threeWay(left: arrow.Data, right: arrow.Data): Int8Array {
  const length = left.length;
  const out = new Int8Array(length);
  switch (left.typeId) {
    case arrow.Type.Int:
    case arrow.Type.Date:
    case arrow.Type.Timestamp:
    case arrow.Type.Time:
    case arrow.Type.Duration: {
      if (left.values instanceof BigInt64Array) return threeWayInt64(left.values, right.values as BigInt64Array, length, out);
      const a = left.values as Int32Array;
      const b = right.values as Int32Array;
      for (let i = 0; i < length; i++) out[i] = a[i] < b[i] ? -1 : a[i] > b[i] ? 1 : 0;
      return out;
    }
    case arrow.Type.Interval: {
      const a = intervalSpans(left);
      const b = intervalSpans(right);
      for (let i = 0; i < length; i++) out[i] = a[i] < b[i] ? -1 : a[i] > b[i] ? 1 : 0;
      return out;
    }
    case arrow.Type.Float: {
      const a = left.values as Float64Array;
      const b = right.values as Float64Array;
      for (let i = 0; i < length; i++) {
        const x = a[i];
        const y = b[i];
        out[i] = x < y ? -1 : x > y ? 1 : x === y ? 0 : compareNaN(x, y);
      }
      return out;
    }
    case arrow.Type.Bool: {
      const a = boolBytes(left);
      const b = boolBytes(right);
      for (let i = 0; i < length; i++) out[i] = a[i] - b[i];
      return out;
    }
    case arrow.Type.Decimal: {
      const a = left.values as Uint32Array;
      const b = right.values as Uint32Array;
      for (let i = 0; i < length; i++) out[i] = compareDecimalWords(a, i, b, i);
      return out;
    }
    case arrow.Type.Utf8:
    case arrow.Type.Binary: {
      const ao = left.valueOffsets as Int32Array;
      const bo = right.valueOffsets as Int32Array;
      const av = left.values as Uint8Array;
      const bv = right.values as Uint8Array;
      for (let i = 0; i < length; i++) out[i] = compareBytes(av, ao[i], ao[i + 1], bv, bo[i], bo[i + 1]);
      return out;
    }
    default:
      throw SqlError.unsupportedFeature(`comparison of ${String(left.type)} values`);
  }
}

/** NaN sorts above every number and equals itself; only called when `x < y`, `x > y`, `x === y` all failed. */
export function compareNaN(x: number, y: number): number {
  const xn = x !== x;
  const yn = y !== y;
  return xn === yn ? 0 : xn ? 1 : -1;
}

/** Lexicographic byte comparison of `a[as, ae)` and `b[bs, be)`. */
export function compareBytes(a: Uint8Array, as: number, ae: number, b: Uint8Array, bs: number, be: number): number {
  const n = Math.min(ae - as, be - bs);
  for (let k = 0; k < n; k++) {
    const d = a[as + k] - b[bs + k];
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  const la = ae - as;
  const lb = be - bs;
  return la < lb ? -1 : la > lb ? 1 : 0;
}

/**
 * 64-bit integers (int8, timestamps) compared as (signed high word, unsigned low word) pairs:
 * the same order as comparing the BigInts, but with number operations V8 runs far faster than
 * BigInt comparisons. Little-endian: the low word of value i is word 2i.
 */
function threeWayInt64(a: BigInt64Array, b: BigInt64Array, length: number, out: Int8Array): Int8Array {
  const ah = new Int32Array(a.buffer, a.byteOffset, length * 2);
  const al = new Uint32Array(a.buffer, a.byteOffset, length * 2);
  const bh = new Int32Array(b.buffer, b.byteOffset, length * 2);
  const bl = new Uint32Array(b.buffer, b.byteOffset, length * 2);
  for (let i = 0; i < length; i++) {
    const hi = 2 * i + 1;
    const x = ah[hi];
    const y = bh[hi];
    if (x !== y) {
      out[i] = x < y ? -1 : 1;
      continue;
    }
    const p = al[hi - 1];
    const q = bl[hi - 1];
    out[i] = p < q ? -1 : p > q ? 1 : 0;
  }
  return out;
}
