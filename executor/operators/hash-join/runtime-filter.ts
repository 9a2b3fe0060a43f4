import * as arrow from 'apache-arrow';
import { validityBytes } from '../../../common/arrow/bitmap.js';
import { scalarAt } from '../../arrow/scalar.js';
import { ColumnExpr } from '../../expr/column.js';
import type { PhysicalExpr } from '../../expr/physical-expr.js';
import type { PhysicalOperator } from '../../operator.js';
import type { ScanExec, ScanFilter } from '../scan.js';
import { scanColumnOf } from '../scan-column.js';

/**
 * Runtime ("dynamic") filters of a hash join: once the build side is in its table, the probe
 * side can only match keys the table holds, so the probe side's scan is told the build keys'
 * range — `date >= min AND date <= max` — or, for a few distinct values of another type,
 * `ticker IN (…)`. Storage then skips the files whose Delta stats rule the range out
 * (storage/scan/prune.ts). DuckDB does the same ("dynamic filter"); for the P/E join over
 * date-ordered prices it leaves 2 of 10 files to read.
 *
 * Only for joins whose probe rows without a match are dropped (inner, right, semi): a LEFT, FULL
 * or anti join must see every probe row. The range and list only let storage skip files and row
 * groups. The join's key bitmaps (key-bitmap.ts) go along as key sets, by which storage may drop
 * the rows whose key is not in the build side at all (storage/scan/flat-parquet/key-set.ts);
 * the join still compares every key of the rows that come.
 *
 * A probe key qualifies when it is a column that passes unchanged — through filters and column
 * projections — from a scan: `target` finds that scan column at plan time (EXPLAIN shows it).
 */
export interface RuntimeFilterTarget {
  /** Which join key (index into the key lists). */
  readonly key: number;
  readonly scan: ScanExec;
  /** The scan's column name, as storage knows it. */
  readonly column: string;
}

/** Join types whose unmatched probe rows are never output. */
export function dropsUnmatchedProbeRows(type: string): boolean {
  return type === 'inner' || type === 'right' || type === 'semi';
}

/** The scan columns the probe keys come straight from. */
export function runtimeFilterTargets(probe: PhysicalOperator, keys: readonly PhysicalExpr[]): RuntimeFilterTarget[] {
  const targets: RuntimeFilterTarget[] = [];
  keys.forEach((key, k) => {
    if (!(key instanceof ColumnExpr) || !(rangeFilterType(key.type) || listType(key.type))) return;
    const found = scanColumnOf(probe, key.index);
    if (found !== undefined) targets.push({ key: k, ...found });
  });
  return targets;
}

/** Key types whose min/max is a filter storage can compare with Delta stats. */
export function rangeFilterType(type: arrow.DataType): boolean {
  return arrow.DataType.isInt(type) || arrow.DataType.isDate(type) || arrow.DataType.isTimestamp(type);
}

/** Key types listed in an IN filter when the build side has few distinct values. */
function listType(type: arrow.DataType): boolean {
  return arrow.DataType.isUtf8(type) || arrow.DataType.isBool(type);
}

/** At most this many distinct values become an IN list (beyond it, stats rarely skip a file). */
export const MAX_IN_VALUES = 64;

/**
 * The filter a build side's distinct keys (one column of `GroupTable.keys()`) allow on `column`:
 * a min/max range for integers, dates and timestamps; an IN list for a few values of any
 * other flat type; none when every key is NULL (then nothing matches, and the join already
 * reads nothing) or when nothing useful fits.
 */
export function filtersForKeys(column: string, keys: arrow.Data): ScanFilter[] {
  const n = keys.length;
  const valid = validityBytes(keys);
  const type = keys.type;
  if (rangeFilterType(type)) {
    const values = keys.values as Int32Array | BigInt64Array | BigUint64Array;
    const [lo, hi] = values instanceof BigInt64Array || values instanceof BigUint64Array ? extremes64(values, valid, n) : extremes32(values, valid, n);
    if (lo < 0) return [];
    return [
      { kind: 'compare', column, op: '>=', value: scalarAt(keys, lo) },
      { kind: 'compare', column, op: '<=', value: scalarAt(keys, hi) },
    ];
  }
  if (n > MAX_IN_VALUES || !listType(type)) return [];
  const values: unknown[] = [];
  for (let i = 0; i < n; i++) if (valid === null || valid[i] === 1) values.push(scalarAt(keys, i));
  return values.length === 0 ? [] : [{ kind: 'in', column, values }];
}

/** The rows holding the least and the greatest non-NULL value ([-1, -1] when none). One loop per element type: each stays monomorphic. */
function extremes32(values: Int32Array, valid: Uint8Array | null, n: number): [number, number] {
  let lo = -1;
  let hi = -1;
  for (let i = 0; i < n; i++) {
    if (valid !== null && valid[i] === 0) continue;
    const v = values[i] as number;
    if (lo < 0 || v < (values[lo] as number)) lo = i;
    if (hi < 0 || v > (values[hi] as number)) hi = i;
  }
  return [lo, hi];
}

function extremes64(values: BigInt64Array | BigUint64Array, valid: Uint8Array | null, n: number): [number, number] {
  let lo = -1;
  let hi = -1;
  for (let i = 0; i < n; i++) {
    if (valid !== null && valid[i] === 0) continue;
    const v = values[i] as bigint;
    if (lo < 0 || v < (values[lo] as bigint)) lo = i;
    if (hi < 0 || v > (values[hi] as bigint)) hi = i;
  }
  return [lo, hi];
}
