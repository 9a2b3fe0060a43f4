import * as arrow from 'apache-arrow';
import { validityBytes } from '../../common/arrow/bitmap.js';
import { take } from '../../common/arrow/take.js';
import { SqlError } from '../../common/sql-error.js';
import { dataFromValues } from '../arrow/scalar.js';
import { addInterval } from './datetime.js';
import { intervalAt, intervalData, intervalParts } from './interval.js';

/**
 * Kernels behind set-returning functions in a select list (planner/binder/bind-select.ts
 * `setReturning`): each row's set as a list, which an Explode then turns into rows.
 */

/**
 * `generate_series(start, stop[, step])` over integers, per row, as a list: start, start + step,
 * … while ≤ stop (≥ for a negative step); empty when an argument is NULL (no rows, as in
 * PostgreSQL); `22023` for a zero step. The element type is the result list's.
 */
export function seriesList(args: readonly arrow.Data[], type: arrow.DataType): arrow.Data {
  const [start, stop, step] = args;
  const length = start.length;
  const valid = [start, stop, ...(step === undefined ? [] : [step])].map(validityBytes);
  const value = (d: arrow.Data, i: number): bigint => BigInt((d.values as ArrayLike<number | bigint>)[d.offset + i]);
  const element = (type as arrow.List).children[0].type as arrow.Int;
  const offsets = new Int32Array(length + 1);
  const out: bigint[] = [];
  for (let i = 0; i < length; i++) {
    if (valid.every((v) => v === null || v[i] === 1)) {
      const a = value(start, i);
      const b = value(stop, i);
      const by = step === undefined ? 1n : value(step, i);
      if (by === 0n) throw new SqlError('22023', 'step size cannot equal zero');
      for (let v = a; by > 0n ? v <= b : v >= b; v += by) {
        out.push(v);
        if (out.length > MAX_ELEMENTS) throw new SqlError('54000', `generate_series of more than ${MAX_ELEMENTS} rows in a select list`);
      }
    }
    offsets[i + 1] = out.length;
  }
  const values = element.bitWidth === 64 ? BigInt64Array.from(out) : Int32Array.from(out, Number);
  const child = arrow.makeData({ type: element, length: out.length, nullCount: 0, data: values } as never) as arrow.Data;
  return arrow.makeData({ type: type as arrow.List, length, nullCount: 0, valueOffsets: offsets, child });
}

const MAX_ELEMENTS = 10_000_000;

/**
 * Several lists zipped into one list of structs, field k from list k, as long as the longest,
 * shorter ones padded with NULL — PostgreSQL's lock-step evaluation of several set-returning
 * functions in one select list. A NULL list counts as empty. When the struct has one field more
 * than there are lists, that last field is the element's 1-based position (WITH ORDINALITY).
 */
export function zipLists(args: readonly arrow.Data[], type: arrow.DataType): arrow.Data {
  const length = args[0]?.length ?? 0;
  const struct = (type as arrow.List).children[0].type as arrow.Struct;
  const valid = args.map(validityBytes);
  const offsets = new Int32Array(length + 1);
  const at = (k: number, i: number): [number, number] => {
    const o = args[k].valueOffsets as Int32Array;
    const j = args[k].offset + i;
    return valid[k] !== null && (valid[k] as Uint8Array)[i] === 0 ? [0, 0] : [o[j], o[j + 1]];
  };
  for (let i = 0; i < length; i++) {
    let n = 0;
    for (let k = 0; k < args.length; k++) {
      const [s, e] = at(k, i);
      n = Math.max(n, e - s);
    }
    offsets[i + 1] = offsets[i] + n;
  }
  const total = offsets[length];
  const children = args.map((list, k) => {
    const picks = new Int32Array(total).fill(-1);
    for (let i = 0; i < length; i++) {
      const [s, e] = at(k, i);
      for (let j = 0; j < e - s; j++) picks[offsets[i] + j] = s + j;
    }
    return take(list.children[0], picks);
  });
  if (struct.children.length === args.length + 1) {
    const position = new BigInt64Array(total);
    for (let i = 0; i < length; i++) for (let j = offsets[i]; j < offsets[i + 1]; j++) position[j] = BigInt(j - offsets[i] + 1);
    children.push(arrow.makeData({ type: struct.children[args.length].type, length: total, nullCount: 0, data: position } as never) as arrow.Data);
  }
  const child = arrow.makeData({ type: struct, length: total, nullCount: 0, children });
  return arrow.makeData({ type: type as arrow.List, length, nullCount: 0, valueOffsets: offsets, child });
}

/**
 * `generate_series(start, stop, step interval)` over timestamps, per row, as a list: each step
 * added to the previous value as `timestamp + interval` does (months first, clamped to the
 * month's end), while ≤ stop (≥ for a negative step); empty when an argument is NULL; `22023`
 * for a zero step.
 */
export function timeSeriesList(args: readonly arrow.Data[], type: arrow.DataType): arrow.Data {
  const [start, stop, step] = args;
  const length = start.length;
  const element = (type as arrow.List).children[0].type;
  const valid = args.map(validityBytes);
  const parts = intervalParts(step);
  const offsets = new Int32Array(length + 1);
  const out: bigint[] = [];
  const at = (d: arrow.Data, i: number): bigint => BigInt((d.values as BigInt64Array)[d.offset + i]);
  for (let i = 0; i < length; i++) {
    if (valid.every((v) => v === null || v[i] === 1)) {
      const by = intervalAt(parts, step.offset + i);
      const span = BigInt(by.months) * 30n * 86_400_000_000n + BigInt(by.days) * 86_400_000_000n + by.micros;
      if (span === 0n) throw new SqlError('22023', 'step size cannot equal zero');
      const interval = intervalData([by.months], [by.days], [by.micros], null);
      const end = at(stop, i);
      for (let v = at(start, i); span > 0n ? v <= end : v >= end;) {
        out.push(v);
        if (out.length > MAX_ELEMENTS) throw new SqlError('54000', `generate_series of more than ${MAX_ELEMENTS} rows in a select list`);
        // A fixed step (no months or days) is plain addition; calendar steps go through timestamp + interval.
        v = by.months === 0 && by.days === 0 ? v + by.micros : BigInt((addInterval(dataFromValues(element, [v]), interval, 1, element).values as BigInt64Array)[0]);
      }
    }
    offsets[i + 1] = out.length;
  }
  const child = arrow.makeData({ type: element, length: out.length, nullCount: 0, data: BigInt64Array.from(out) } as never) as arrow.Data;
  return arrow.makeData({ type: type as arrow.List, length, nullCount: 0, valueOffsets: offsets, child });
}
