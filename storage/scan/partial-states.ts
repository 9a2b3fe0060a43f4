/**
 * A partial-aggregate scan's batches (ScanOptions.partialAggregate): per row, a key, the number of
 * rows it stands for, and per value column the count of its non-NULL values, their sum (float64),
 * min and max. A row group the decoder aggregated (flat-parquet/partial-aggregate.ts) gives one
 * row per key; any other rows (a key that is not dictionary-coded, the parquet-wasm fallback, a
 * deletion vector, a partition column, the column cache's rows) give one state row each, which
 * the plan above merges the same way.
 */
import * as arrow from 'apache-arrow';
import { validityBytes } from '../../common/arrow/bitmap.js';
import { SqlError } from '../../common/sql-error.js';
import { stateName, VALUE_STATES } from './flat-parquet/partial-aggregate.js';

/**
 * Which logical columns a scan groups by and aggregates (each also among its `columns`): every
 * value column's count and sum, and min and max of those in `extremes` (all when absent).
 */
export interface PartialAggregateSpec {
  readonly key: string;
  readonly values: readonly string[];
  readonly extremes?: readonly string[];
}

/** The fields of a partial scan's batches: the key, `rows`, then count, sum, min, max per value column. */
export function partialStateFields(key: arrow.Field, values: readonly arrow.Field[]): arrow.Field[] {
  const F64 = new arrow.Float64();
  return [
    new arrow.Field(key.name, key.type, true),
    new arrow.Field(stateName('rows'), F64, true),
    ...values.flatMap((v) => VALUE_STATES.map((state) => new arrow.Field(stateName(state, v.name), state === 'min' || state === 'max' ? v.type : F64, true))),
  ];
}

/**
 * The state columns of rows taken one by one, by state name (flat-parquet/partial-aggregate.ts
 * `stateName`): each row counts once, and is its own value's count (0 or 1), sum, min and max.
 * `columnOf` gives each value column by name; the key is not among the states.
 */
export function rowsAsStates(values: readonly string[], columnOf: (name: string) => arrow.Data, length: number): Map<string, arrow.Data> {
  const F64 = new arrow.Float64();
  const out = new Map<string, arrow.Data>();
  out.set(stateName('rows'), arrow.makeData({ type: F64, length, nullCount: 0, data: new Float64Array(length).fill(1) }));
  for (const name of values) {
    const data = columnOf(name);
    const valid = validityBytes(data);
    const counts = new Float64Array(length);
    if (valid === null) counts.fill(1);
    else for (let i = 0; i < length; i++) counts[i] = valid[i] as number;
    out.set(stateName('count', name), arrow.makeData({ type: F64, length, nullCount: 0, data: counts }));
    out.set(stateName('sum', name), arrow.makeData({ type: F64, length, nullCount: data.nullCount, nullBitmap: data.nullBitmap, data: asFloat64(data) }));
    out.set(stateName('min', name), data);
    out.set(stateName('max', name), data);
  }
  return out;
}

/** Float32 / float64, integers of at most 32 bits, day dates: the values partial states carry exactly. */
export function plainNumber(type: arrow.DataType): boolean {
  if (arrow.DataType.isFloat(type)) return type.precision !== arrow.Precision.HALF;
  if (arrow.DataType.isInt(type)) return type.bitWidth <= 32 && (type.isSigned || type.bitWidth < 32);
  return arrow.DataType.isDate(type) && type.unit === arrow.DateUnit.DAY;
}

/** A number column's values as float64 (its NULL slots hold whatever they held). */
function asFloat64(data: arrow.Data): Float64Array {
  const values = data.values as ArrayLike<number | bigint> | undefined;
  const numeric = arrow.DataType.isFloat(data.type) || arrow.DataType.isInt(data.type) || arrow.DataType.isDate(data.type);
  if (values === undefined || !numeric) throw SqlError.internal(`partial aggregate over a ${String(data.type)} column`);
  if (values instanceof Float64Array) return values.subarray(0, data.length);
  const out = new Float64Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = Number(values[i]);
  return out;
}
