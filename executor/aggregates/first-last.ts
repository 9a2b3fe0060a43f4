import * as arrow from 'apache-arrow';
import { validityBytes } from '../../common/arrow/bitmap.js';
import { SqlError } from '../../common/sql-error.js';
import { take } from '../../common/arrow/take.js';
import { concat } from '../arrow/concat.js';
import { nullData } from '../../common/arrow/null-data.js';
import type { Accumulator } from './accumulator.js';
import { ensure } from './growable.js';
import { numericKind, toFloat64 } from './numeric.js';

/**
 * `first`, `last`, `any_value` in input order, for any type (structs and lists included). With
 * `ignoreNulls` false (first/last by default, as Spark's `first(x)` and DuckDB's `first(x)`) a
 * group's first/last row counts even when its value is NULL; any_value and `first(x, true)`
 * take the first/last non-NULL value.
 *
 * With `by` it is Spark's `max_by(x, y)` / `min_by(x, y)`: x of the row whose y is greatest /
 * least (NULL y rows skipped, the first such row on ties), y a number, date or timestamp (compared
 * as float64: exact for every date and for timestamps within ±285 years of 1970).
 *
 * Per batch, each group's chosen row is found with one pass over the group ids, and the chosen
 * rows are copied out with one `take` into a chunk; a group remembers (chunk, row). `last`
 * and `by` re-point groups every batch, so chunks are compacted (one concat + take of the live
 * rows) when dead rows outnumber the live ones.
 */
export class FirstLastAccumulator implements Accumulator {
  private chunks: arrow.Data[] = [];
  private chunkRows = 0;
  private live = 0;
  /** Per group: chunk index, or -1 while the group has no value. */
  private chunkOf = new Int32Array(0);
  private rowOf = new Int32Array(0);
  private pick = new Int32Array(0);
  /** `by`: each group's best y so far. */
  private best = new Float64Array(0);

  constructor(
    private readonly last: boolean,
    private readonly ignoreNulls: boolean,
    private readonly type: arrow.DataType,
    private readonly by?: { readonly greatest: boolean; readonly keyType: arrow.DataType },
  ) {
    if (by !== undefined && orderKeys(by.keyType) === undefined) throw SqlError.undefinedFunction(`${by.greatest ? 'max_by' : 'min_by'}(${String(type)}, ${String(by.keyType)})`);
  }

  update(groupIds: Int32Array, args: readonly arrow.Data[], groups: number): void {
    const data = args[0];
    const valid = this.ignoreNulls ? validityBytes(data) : null;
    this.chunkOf = ensure(this.chunkOf, groups, -1);
    this.rowOf = ensure(this.rowOf, groups);
    const pick = (this.pick = ensure(this.pick, groups, -1));
    const chunkOf = this.chunkOf;
    const touched: number[] = [];
    const n = groupIds.length;
    if (this.by !== undefined) {
      const keyData = args[1] as arrow.Data;
      const keys = (orderKeys(keyData.type) as (d: arrow.Data) => Float64Array)(keyData);
      const keyValid = validityBytes(keyData);
      const best = (this.best = ensure(this.best, groups));
      const greatest = this.by.greatest;
      for (let i = 0; i < n; i++) {
        if (keyValid !== null && keyValid[i] === 0) continue;
        const g = groupIds[i];
        const k = keys[i];
        const seen = chunkOf[g] !== -1 || pick[g] !== -1;
        if (seen && !(greatest ? k > best[g] : k < best[g])) continue;
        if (pick[g] === -1) touched.push(g);
        pick[g] = i;
        best[g] = k;
      }
    } else if (this.last) {
      for (let i = 0; i < n; i++) {
        if (valid !== null && valid[i] === 0) continue;
        const g = groupIds[i];
        if (pick[g] === -1) touched.push(g);
        pick[g] = i;
      }
    } else {
      for (let i = 0; i < n; i++) {
        if (valid !== null && valid[i] === 0) continue;
        const g = groupIds[i];
        if (chunkOf[g] !== -1 || pick[g] !== -1) continue;
        touched.push(g);
        pick[g] = i;
      }
    }
    if (touched.length === 0) return;
    const rows = new Int32Array(touched.length);
    for (let k = 0; k < touched.length; k++) rows[k] = pick[touched[k]];
    const chunk = this.chunks.length;
    this.chunks.push(take(data, rows));
    this.chunkRows += rows.length;
    for (let k = 0; k < touched.length; k++) {
      const g = touched[k];
      pick[g] = -1;
      if (chunkOf[g] === -1) this.live++;
      chunkOf[g] = chunk;
      this.rowOf[g] = k;
    }
    if (this.chunkRows > 2 * this.live + 65_536) this.compact(groups);
  }

  /** The flat row of each group's value across all chunks (-1: none). */
  private flatRows(groups: number): Int32Array {
    const starts = new Int32Array(this.chunks.length);
    for (let c = 1; c < this.chunks.length; c++) starts[c] = starts[c - 1] + this.chunks[c - 1].length;
    const out = new Int32Array(groups);
    for (let g = 0; g < groups; g++) {
      const c = g < this.chunkOf.length ? this.chunkOf[g] : -1;
      out[g] = c === -1 ? -1 : starts[c] + this.rowOf[g];
    }
    return out;
  }

  private compact(groups: number): void {
    const rows = this.flatRows(groups);
    const keep = new Int32Array(this.live);
    let k = 0;
    for (let g = 0; g < groups; g++) {
      if (rows[g] === -1) continue;
      keep[k] = rows[g];
      this.chunkOf[g] = 0;
      this.rowOf[g] = k++;
    }
    this.chunks = [take(concat(this.chunks), keep)];
    this.chunkRows = this.live;
  }

  finish(groups: number): arrow.Data {
    if (this.chunks.length === 0) return nullData(this.type, groups);
    return take(concat(this.chunks), this.flatRows(groups));
  }
}

/** How a `max_by` / `min_by` key column becomes comparable float64s, or undefined for a type it does not order. */
function orderKeys(type: arrow.DataType): ((data: arrow.Data) => Float64Array) | undefined {
  if (numericKind(type) !== undefined) return toFloat64;
  if (arrow.DataType.isDate(type) || arrow.DataType.isTimestamp(type)) {
    return (data) => {
      const values = data.values as Int32Array | BigInt64Array;
      const out = new Float64Array(data.length);
      for (let i = 0; i < out.length; i++) out[i] = Number(values[i]);
      return out;
    };
  }
  return undefined;
}
