import * as arrow from 'apache-arrow';
import { SqlError, require } from '../../common/sql-error.js';
import { validityBytes } from '../../common/arrow/bitmap.js';
import { take } from '../../common/arrow/take.js';
import { concat } from '../arrow/concat.js';
import { dataFromValues, type ScalarValue } from '../arrow/scalar.js';
import { numberToDecimal, parseDecimal } from '../values/decimal.js';
import { WindowError } from './errors.js';
import type { FrameExtent } from './frame.js';
import type { WindowLayout } from './layout.js';

/**
 * The value functions: each picks, for every row, one row of its partition (or none) and the
 * result is the argument at that row — computed as an index array and applied with one `take`,
 * so every type (strings, decimals, structs) works the same way.
 *
 * - `lag(x, k, d)` / `lead(x, k, d)`: the row k before / after in the partition (the frame is
 *   ignored, as SQL says), `d` (NULL by default) past the partition's edge; a negative k looks
 *   the other way (PostgreSQL). IGNORE NULLS counts only rows where x is not NULL.
 * - `first_value` / `last_value` / `nth_value(x, n)`: the first / last / n-th row of the frame
 *   (EXCLUDE honoured); IGNORE NULLS counts only non-NULL values.
 */
export type ValueName = 'lag' | 'lead' | 'first_value' | 'last_value' | 'nth_value';

/** Sorted positions where the argument is not NULL, and how many precede each position. */
interface NonNulls {
  /** `before[p]` = non-NULL rows among positions [0, p) (length + 1 entries). */
  readonly before: Int32Array;
  /** The positions holding non-NULL values, ascending. */
  readonly positions: Int32Array;
  readonly valid: Uint8Array;
}

function nonNulls(arg: arrow.Data, layout: WindowLayout): NonNulls {
  const { length, order } = layout;
  const validIn = validityBytes(arg);
  const valid = new Uint8Array(length);
  if (validIn === null) valid.fill(1);
  else for (let p = 0; p < length; p++) valid[p] = validIn[order[p]];
  const before = new Int32Array(length + 1);
  let count = 0;
  for (let p = 0; p < length; p++) {
    before[p] = count;
    count += valid[p];
  }
  before[length] = count;
  const positions = new Int32Array(count);
  for (let p = 0, k = 0; p < length; p++) if (valid[p] !== 0) positions[k++] = p;
  return { before, positions, valid };
}

/** lag / lead: the result column in sorted positions. */
export function offsetColumn(name: 'lag' | 'lead', arg: arrow.Data, layout: WindowLayout, params: readonly ScalarValue[], ignoreNulls: boolean): arrow.Data {
  const { length, partitionBounds, order } = layout;
  const rawOffset = params.length > 0 ? params[0] : 1;
  const fallback = params.length > 1 ? coerceScalar(params[1], arg.type) : null;
  const picked = new Int32Array(length);
  if (rawOffset === null || rawOffset === undefined) return take(arg, picked.fill(-1)); // lag(x, NULL) is NULL
  const k = (name === 'lag' ? -1 : 1) * Number(rawOffset);
  require(Number.isInteger(k), () => SqlError.datatypeMismatch(`${name} offset must be an integer`));
  // Index `arg.length` is the default value, appended as one extra row.
  const defaultIndex = fallback === null ? -1 : arg.length;
  const source = fallback === null ? arg : concat([arg, dataFromValues(arg.type, [fallback])]);
  const nn = ignoreNulls ? nonNulls(arg, layout) : undefined;
  for (let p = 0; p + 1 < partitionBounds.length; p++) {
    const ps = partitionBounds[p];
    const pe = partitionBounds[p + 1];
    if (nn === undefined || k === 0) {
      for (let r = ps; r < pe; r++) {
        const t = r + k;
        picked[r] = t >= ps && t < pe ? order[t] : defaultIndex;
      }
      continue;
    }
    const { before, positions } = nn;
    for (let r = ps; r < pe; r++) {
      // the |k|-th non-NULL row before r (k < 0) or after r (k > 0)
      const j = k < 0 ? before[r] + k : before[r + 1] + k - 1;
      picked[r] = j >= 0 && j < positions.length && positions[j] >= ps && positions[j] < pe ? order[positions[j]] : defaultIndex;
    }
  }
  return take(source, picked);
}

/** first_value / last_value / nth_value over each row's frame: the result column in sorted positions. */
export function frameValueColumn(name: 'first_value' | 'last_value' | 'nth_value', arg: arrow.Data, layout: WindowLayout, frame: FrameExtent, params: readonly ScalarValue[], ignoreNulls: boolean): arrow.Data {
  const { length, order } = layout;
  const { lo, hi, aHi, bLo, self } = frame;
  const picked = new Int32Array(length);
  let nth = 1;
  if (name === 'nth_value') {
    const raw = params[0] ?? null;
    if (raw === null) return take(arg, picked.fill(-1));
    nth = Number(raw);
    if (!(nth > 0)) throw WindowError.nthValue();
  }
  if (!ignoreNulls) {
    for (let r = 0; r < length; r++) {
      const a = aHi[r] - lo[r];
      const s = self !== null && self[r] !== 0 ? 1 : 0;
      const b = hi[r] - bLo[r];
      let pos = -1;
      if (name === 'last_value') pos = b > 0 ? hi[r] - 1 : s > 0 ? r : a > 0 ? aHi[r] - 1 : -1;
      else if (nth <= a) pos = lo[r] + nth - 1;
      else if (nth <= a + s) pos = r;
      else if (nth <= a + s + b) pos = bLo[r] + (nth - a - s) - 1;
      picked[r] = pos < 0 ? -1 : order[pos];
    }
    return take(arg, picked);
  }
  const { before, positions, valid } = nonNulls(arg, layout);
  for (let r = 0; r < length; r++) {
    const a = before[aHi[r]] - before[lo[r]];
    const s = self !== null && self[r] !== 0 ? valid[r] : 0;
    const b = before[hi[r]] - before[bLo[r]];
    let pos = -1;
    if (name === 'last_value') pos = b > 0 ? positions[before[hi[r]] - 1] : s > 0 ? r : a > 0 ? positions[before[aHi[r]] - 1] : -1;
    else if (nth <= a) pos = positions[before[lo[r]] + nth - 1];
    else if (nth <= a + s) pos = r;
    else if (nth <= a + s + b) pos = positions[before[bLo[r]] + (nth - a - s) - 1];
    picked[r] = pos < 0 ? -1 : order[pos];
  }
  return take(arg, picked);
}

/**
 * A constant (lag/lead's default) in the ScalarValue form of `type`: the planner usually casts
 * it already; this covers literals that arrive as plain numbers or text.
 */
export function coerceScalar(value: ScalarValue, type: arrow.DataType): ScalarValue {
  if (value === null || value === undefined) return null;
  switch (type.typeId) {
    case arrow.Type.Int:
      if ((type as arrow.Int).bitWidth === 64) return typeof value === 'bigint' ? value : BigInt(Math.trunc(Number(value)));
      return Number(value);
    case arrow.Type.Timestamp:
      return typeof value === 'bigint' ? value : BigInt(Math.trunc(Number(value)));
    case arrow.Type.Float:
    case arrow.Type.Date:
      return Number(value);
    case arrow.Type.Decimal: {
      const scale = (type as arrow.Decimal).scale;
      // A bigint is already the ScalarValue form of a decimal: the unscaled value (executor/arrow/scalar.ts).
      const unscaled = typeof value === 'bigint' ? value : typeof value === 'number' ? numberToDecimal(value, scale) : typeof value === 'string' ? parseDecimal(value, scale) : undefined;
      if (unscaled === undefined) throw SqlError.invalidText(`invalid input syntax for type numeric: "${String(value)}"`);
      return unscaled;
    }
    case arrow.Type.Utf8:
      return typeof value === 'string' ? value : String(value);
    default:
      return value;
  }
}
