import * as arrow from 'apache-arrow';
import { packBits } from '../../common/arrow/bitmap.js';
import { CodedStringData } from '../../common/arrow/string-dictionary.js';
import { take } from '../../common/arrow/take.js';
import { LiteralExpr } from './literal.js';
import type { PhysicalExpr } from './physical-expr.js';

/**
 * A row-wise expression of one string column held as dictionary codes (common/arrow/
 * string-dictionary.ts), evaluated once per distinct value of the batch instead of once per row,
 * then spread to the rows by code — DuckDB's execution over dictionary vectors. `ticker = 'AAPL'`
 * over 65,536 rows of 500 tickers compares 500 strings and writes no row's bytes.
 *
 * `evaluate` gets the distinct values (plus one NULL when some row is NULL, so functions that
 * answer something for NULL answer it here too) and their count, and must compute the same
 * expression over them; it is exact for deterministic row-wise expressions whose other inputs are
 * constants. Undefined when `input` is not coded: the caller evaluates row by row.
 */
export function perDistinctValue(input: arrow.Data, evaluate: (values: arrow.Data, length: number) => arrow.Data): arrow.Data | undefined {
  if (!(input instanceof CodedStringData)) return undefined;
  const { codes, valueOffsets, valueBytes } = input.coding;
  const distinct = valueOffsets.length - 1;
  if (input.nullCount === 0) {
    const values = arrow.makeData({ type: input.type as arrow.Utf8, length: distinct, nullCount: 0, valueOffsets, data: valueBytes });
    return take(evaluate(values, distinct), codes);
  }
  const offsets = new Int32Array(distinct + 2);
  offsets.set(valueOffsets);
  offsets[distinct + 1] = valueOffsets[distinct] as number;
  const valid = new Uint8Array(distinct + 1).fill(1);
  valid[distinct] = 0;
  const values = arrow.makeData({ type: input.type as arrow.Utf8, length: distinct + 1, nullCount: 1, nullBitmap: packBits(valid), valueOffsets: offsets, data: valueBytes });
  const rows = new Int32Array(codes.length);
  for (let i = 0; i < rows.length; i++) {
    const c = codes[i] as number;
    rows[i] = c < 0 ? distinct : c;
  }
  return take(evaluate(values, distinct + 1), rows);
}

/** Whether every expression is a constant (a literal: the same value on every row). */
export function allConstant(exprs: readonly PhysicalExpr[]): boolean {
  return exprs.every((e) => e instanceof LiteralExpr);
}

/** A constant's column cut to `length` rows (a literal evaluates to a batch-long broadcast). */
export function constantRows(data: arrow.Data, length: number): arrow.Data {
  return data.length === length ? data : data.slice(0, length);
}
