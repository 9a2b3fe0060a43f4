import * as arrow from 'apache-arrow';
import { validityBytes } from '../../common/arrow/bitmap.js';
import { maskIndices } from '../arrow/filter.js';
import type { CompareOp } from '../kernels/compare.js';
import { BinaryExpr } from './binary.js';
import { ColumnExpr } from './column.js';
import { LiteralExpr } from './literal.js';
import type { PhysicalExpr } from './physical-expr.js';

/**
 * The rows of a batch where a WHERE predicate is TRUE, as a selection vector (row numbers in
 * order) — DuckDB's way of running a filter. A conjunction narrows the selection term by term,
 * so each later term looks only at the rows still in; a comparison between numeric columns and
 * constants is one loop over the typed arrays writing row numbers, with no boolean column, no
 * bitmap packing and no broadcast constant. Any other predicate is evaluated as an expression
 * over the whole batch and its TRUE rows intersected with the selection.
 *
 * Semantics are the expression's: NULL on either side of a comparison drops the row (NULL is
 * not TRUE), and floats order NaN above every number and equal to itself (PostgreSQL).
 */
export function selectRows(predicate: PhysicalExpr, batch: arrow.RecordBatch): Int32Array {
  return refine(predicate, batch, null);
}

/** The rows of `selection` (null = all rows) where `predicate` is TRUE. */
function refine(predicate: PhysicalExpr, batch: arrow.RecordBatch, selection: Int32Array | null): Int32Array {
  if (selection !== null && selection.length === 0) return selection;
  if (predicate instanceof BinaryExpr) {
    if (predicate.op === 'AND') return refine(predicate.right, batch, refine(predicate.left, batch, selection));
    if (isCompare(predicate.op)) {
      const fast = compareSelect(predicate.op, predicate.left, predicate.right, batch, selection);
      if (fast !== undefined) return fast;
    }
  }
  const all = maskIndices(predicate.evaluate(batch));
  return selection === null ? all : intersect(selection, all);
}

function isCompare(op: string): op is CompareOp {
  return op === '=' || op === '<>' || op === '<' || op === '<=' || op === '>' || op === '>=';
}

/** Both sorted ascending. */
function intersect(a: Int32Array, b: Int32Array): Int32Array {
  const out = new Int32Array(Math.min(a.length, b.length));
  let i = 0;
  let j = 0;
  let n = 0;
  while (i < a.length && j < b.length) {
    const x = a[i] as number;
    const y = b[j] as number;
    if (x === y) {
      out[n++] = x;
      i++;
      j++;
    } else if (x < y) i++;
    else j++;
  }
  return out.subarray(0, n);
}

// ── comparisons over typed arrays ──

/** How a side of a comparison reads: a column's values, or one constant. */
type Side =
  | { readonly kind: 'column'; readonly values: ArrayLike<number>; readonly valid: Uint8Array | null }
  | { readonly kind: 'constant'; readonly value: number };

/**
 * `left op right` over the selection for 8–32-bit integers, day dates, floats and 64-bit
 * integers / timestamps (as exact (high, low) word pairs), each side a column or a constant;
 * undefined for anything else (the caller evaluates the expression).
 */
function compareSelect(op: CompareOp, left: PhysicalExpr, right: PhysicalExpr, batch: arrow.RecordBatch, selection: Int32Array | null): Int32Array | undefined {
  const type = left.type;
  if (!sameFlatType(type, right.type)) return undefined;
  const n = batch.numRows;
  if (isInt64(type)) {
    const l = int64Side(left, batch);
    const r = int64Side(right, batch);
    if (l === undefined || r === undefined || (l.kind === 'constant' && r.kind === 'constant')) return undefined;
    return selectInt64(op, l, r, n, selection);
  }
  if (!isNumber(type)) return undefined;
  const l = numberSide(left, batch);
  const r = numberSide(right, batch);
  if (l === undefined || r === undefined || (l.kind === 'constant' && r.kind === 'constant')) return undefined;
  return selectNumbers(op, l, r, n, selection, arrow.DataType.isFloat(type));
}

function sameFlatType(a: arrow.DataType, b: arrow.DataType): boolean {
  if (a.typeId !== b.typeId) return false;
  if (arrow.DataType.isInt(a)) return a.bitWidth === (b as arrow.Int).bitWidth && a.isSigned === (b as arrow.Int).isSigned;
  if (arrow.DataType.isFloat(a)) return a.precision === (b as arrow.Float).precision;
  if (arrow.DataType.isDate(a)) return a.unit === (b as arrow.Date_).unit;
  if (arrow.DataType.isTimestamp(a)) return a.unit === (b as arrow.Timestamp).unit;
  return false;
}

function isNumber(type: arrow.DataType): boolean {
  return (arrow.DataType.isInt(type) && type.bitWidth <= 32) || arrow.DataType.isFloat(type) || (arrow.DataType.isDate(type) && type.unit === arrow.DateUnit.DAY);
}

function isInt64(type: arrow.DataType): boolean {
  return (arrow.DataType.isInt(type) && type.bitWidth === 64 && type.isSigned) || arrow.DataType.isTimestamp(type);
}

function numberSide(e: PhysicalExpr, batch: arrow.RecordBatch): Side | undefined {
  if (e instanceof LiteralExpr) return typeof e.value === 'number' ? { kind: 'constant', value: e.value } : undefined;
  if (!(e instanceof ColumnExpr)) return undefined;
  const data = e.evaluate(batch);
  return { kind: 'column', values: data.values as Float64Array, valid: validityBytes(data) };
}

/** A 64-bit side as its words: high (signed) at 2i + 1, low (unsigned) at 2i. */
type Int64Side =
  | { readonly kind: 'column'; readonly high: Int32Array; readonly low: Uint32Array; readonly valid: Uint8Array | null }
  | { readonly kind: 'constant'; readonly high: number; readonly low: number };

function int64Side(e: PhysicalExpr, batch: arrow.RecordBatch): Int64Side | undefined {
  if (e instanceof LiteralExpr) {
    const value = e.value;
    if (typeof value !== 'bigint' && !(typeof value === 'number' && Number.isSafeInteger(value))) return undefined;
    const v = BigInt.asIntN(64, BigInt(value));
    return { kind: 'constant', high: Number(v >> 32n), low: Number(v & 0xffff_ffffn) };
  }
  if (!(e instanceof ColumnExpr)) return undefined;
  const data = e.evaluate(batch);
  const values = data.values as BigInt64Array;
  return {
    kind: 'column',
    high: new Int32Array(values.buffer, values.byteOffset, data.length * 2),
    low: new Uint32Array(values.buffer, values.byteOffset, data.length * 2),
    valid: validityBytes(data),
  };
}

/** Whether a three-way order (-1, 0, 1) satisfies `op`. */
function holds(op: CompareOp, order: number): boolean {
  switch (op) {
    case '=': return order === 0;
    case '<>': return order !== 0;
    case '<': return order < 0;
    case '<=': return order <= 0;
    case '>': return order > 0;
    case '>=': return order >= 0;
  }
}

/** The accepted orders as a 3-bit set (bit 0: less, bit 1: equal, bit 2: greater). */
function acceptMask(op: CompareOp): number {
  return (holds(op, -1) ? 1 : 0) | (holds(op, 0) ? 2 : 0) | (holds(op, 1) ? 4 : 0);
}

function selectNumbers(op: CompareOp, l: Side, r: Side, n: number, selection: Int32Array | null, float: boolean): Int32Array {
  const accept = acceptMask(op);
  const count = selection === null ? n : selection.length;
  const out = new Int32Array(count);
  const lv = l.kind === 'column' ? l.values : null;
  const rv = r.kind === 'column' ? r.values : null;
  const lc = l.kind === 'constant' ? l.value : 0;
  const rc = r.kind === 'constant' ? r.value : 0;
  const lValid = l.kind === 'column' ? l.valid : null;
  const rValid = r.kind === 'column' ? r.valid : null;
  let kept = 0;
  for (let k = 0; k < count; k++) {
    const i = selection === null ? k : (selection[k] as number);
    if ((lValid !== null && lValid[i] === 0) || (rValid !== null && rValid[i] === 0)) continue;
    const x = lv === null ? lc : (lv[i] as number);
    const y = rv === null ? rc : (rv[i] as number);
    // less → 1, equal → 2, greater → 4, without branches: a comparison keeps about half the
    // rows in no order, and a mispredicted branch per row would cost more than the compare.
    let order = +(x < y) | (+(x === y) << 1) | (+(x > y) << 2);
    if (order === 0 && float) order = nanOrder(x, y); // a NaN: above every number, equal to itself
    out[kept] = i;
    kept += +((order & accept) !== 0);
  }
  return out.subarray(0, kept);
}

function nanOrder(x: number, y: number): number {
  const xn = x !== x;
  const yn = y !== y;
  return xn === yn ? 2 : xn ? 4 : 1;
}

function selectInt64(op: CompareOp, l: Int64Side, r: Int64Side, n: number, selection: Int32Array | null): Int32Array {
  const accept = acceptMask(op);
  const count = selection === null ? n : selection.length;
  const out = new Int32Array(count);
  const lValid = l.kind === 'column' ? l.valid : null;
  const rValid = r.kind === 'column' ? r.valid : null;
  let kept = 0;
  for (let k = 0; k < count; k++) {
    const i = selection === null ? k : (selection[k] as number);
    if ((lValid !== null && lValid[i] === 0) || (rValid !== null && rValid[i] === 0)) continue;
    const xh = l.kind === 'column' ? (l.high[2 * i + 1] as number) : l.high;
    const yh = r.kind === 'column' ? (r.high[2 * i + 1] as number) : r.high;
    const xl = l.kind === 'column' ? (l.low[2 * i] as number) : l.low;
    const yl = r.kind === 'column' ? (r.low[2 * i] as number) : r.low;
    // (high, low) compared lexicographically, branch-free as in selectNumbers.
    const sameHigh = +(xh === yh);
    const less = +(xh < yh) | (sameHigh & +(xl < yl));
    const greater = +(xh > yh) | (sameHigh & +(xl > yl));
    const order = less | ((1 - less - greater) << 1) | (greater << 2);
    out[kept] = i;
    kept += +((order & accept) !== 0);
  }
  return out.subarray(0, kept);
}
