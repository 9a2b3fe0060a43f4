import * as arrow from 'apache-arrow';
import { take } from '../../../common/arrow/take.js';
import { makeBatch } from '../../arrow/batch.js';

/**
 * What the join operators share: the join types, the output schema rule, and building output
 * batches from pairs of row indices (one index array per side; -1 on a side means NULLs there,
 * which is how outer joins pad unmatched rows — `take` turns a negative index into a NULL).
 */

/** The joins deltasql executes. `semi`/`anti` output the left side's columns only. */
export type JoinType = 'inner' | 'left' | 'right' | 'full' | 'semi' | 'anti';

/** Output batches never exceed this many rows (DESIGN.md §3's batch size). */
export const OUTPUT_BATCH_ROWS = 65_536;

/**
 * The output schema of a join: left fields ++ right fields, with the fields of a side that can be
 * padded with NULLs (the right side of a LEFT join, the left side of a RIGHT join, both of FULL)
 * made nullable; semi and anti joins keep the left side's fields only.
 */
export function joinSchema(left: arrow.Schema, right: arrow.Schema, type: JoinType): arrow.Schema {
  if (type === 'semi' || type === 'anti') return left;
  const leftNullable = type === 'right' || type === 'full';
  const rightNullable = type === 'left' || type === 'full';
  return new arrow.Schema([
    ...left.fields.map((f) => (leftNullable && !f.nullable ? new arrow.Field(f.name, f.type, true, f.metadata) : f)),
    ...right.fields.map((f) => (rightNullable && !f.nullable ? new arrow.Field(f.name, f.type, true, f.metadata) : f)),
  ]);
}

/** The schema a join condition is evaluated over: left fields ++ right fields (any join type). */
export function pairSchema(left: arrow.Schema, right: arrow.Schema): arrow.Schema {
  return joinSchema(left, right, 'inner');
}

/**
 * Which columns of each side a join outputs, in order, the left side's first: every column
 * unless the plan above reads fewer (a projection over the join: the keys of the other side, say).
 * Columns not output are never gathered.
 */
export interface JoinOutput {
  readonly left: readonly number[];
  readonly right: readonly number[];
}

/** Every column of both sides (semi/anti: `rightWidth` 0). */
export function wholeOutput(leftWidth: number, rightWidth: number): JoinOutput {
  return { left: Array.from({ length: leftWidth }, (_, i) => i), right: Array.from({ length: rightWidth }, (_, i) => i) };
}

/**
 * The batch whose row k is left row `leftRows[k]` beside right row `rightRows[k]` (a -1 index
 * gives NULLs on that side), of the `output` columns (all of them when not given). Column Data of
 * both sides are addressed by row index: nothing is built per row.
 */
export function pairBatch(
  schema: arrow.Schema,
  leftColumns: readonly arrow.Data[],
  rightColumns: readonly arrow.Data[],
  leftRows: Int32Array,
  rightRows: Int32Array,
  output: JoinOutput = wholeOutput(leftColumns.length, rightColumns.length),
): arrow.RecordBatch {
  const columns: arrow.Data[] = [];
  for (const i of output.left) columns.push(take(leftColumns[i] as arrow.Data, leftRows));
  for (const i of output.right) columns.push(take(rightColumns[i] as arrow.Data, rightRows));
  return makeBatch(schema, columns, leftRows.length);
}

/** The `output` columns of a batch of left ++ right columns. */
export function outputColumns(batch: arrow.RecordBatch, leftWidth: number, output: JoinOutput): arrow.Data[] {
  const columns = batch.data.children;
  return [...output.left.map((i) => columns[i] as arrow.Data), ...output.right.map((i) => columns[leftWidth + i] as arrow.Data)];
}

/** A zero-row Data of `type` with every buffer in place (a `take` source for all-NULL rows). */
export function emptyColumn(type: arrow.DataType): arrow.Data {
  return arrow.makeBuilder({ type }).finish().flush();
}

/** The positions `i` where `flags[i] === want`, as row indices. */
export function positionsOf(flags: Uint8Array, want: 0 | 1): Int32Array {
  let count = 0;
  for (let i = 0; i < flags.length; i++) if (flags[i] === want) count++;
  const out = new Int32Array(count);
  let k = 0;
  for (let i = 0; i < flags.length; i++) if (flags[i] === want) out[k++] = i;
  return out;
}

/** Sets `flags[rows[k]] = 1` for every k (marking matched rows). */
export function markRows(flags: Uint8Array, rows: Int32Array): void {
  for (let k = 0; k < rows.length; k++) flags[rows[k]] = 1;
}

/** Splits `indices` into pieces of at most OUTPUT_BATCH_ROWS (views, not copies). */
export function* chunks(indices: Int32Array): Generator<Int32Array> {
  for (let start = 0; start < indices.length; start += OUTPUT_BATCH_ROWS) {
    yield indices.subarray(start, Math.min(indices.length, start + OUTPUT_BATCH_ROWS));
  }
}

/** `indices` with each element replaced by -1: the other side of an unmatched row. */
export function nullIndices(length: number): Int32Array {
  return new Int32Array(length).fill(-1);
}
