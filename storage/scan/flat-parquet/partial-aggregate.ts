/**
 * Partial aggregation of one row group where it is decoded (a decode worker): its rows grouped by
 * the key column's dictionary codes, and per value column the count of its non-NULL values, their
 * sum, min and max — one row per key the row group holds (500 tickers instead of 262,144 rows).
 * The plan above merges these states per key (planner/optimizer/partial-aggregate-scan.ts), as
 * Trino and DuckDB merge the partial aggregates of their splits and threads.
 *
 * Only when the key chunk is dictionary-coded throughout and every value column is a number
 * without NaN (whose order min and max would have to follow PostgreSQL's rules for): otherwise
 * `aggregateRowGroup` answers undefined and the row group is read row by row, which the scan
 * turns into one state row per row (storage/scan/partial-states.ts) — the same answer.
 */
import * as arrow from 'apache-arrow';
import { packBits } from '../../../common/arrow/bitmap.js';
import type { DecodedChunk } from './column-chunk.js';
import type { FlatColumn } from './column-plan.js';
import type { RawBatch, RawColumn, ValueArray } from './raw-batch.js';
import { copyEntries } from './slice.js';
import type { DenseValues } from './values.js';

/**
 * Which columns a partial read groups by and aggregates (Parquet column names): every value
 * column's count and sum; min and max only of those in `extremes` (others' are left NULL).
 */
export interface PartialAggregateRequest {
  readonly key: string;
  readonly values: readonly string[];
  readonly extremes?: readonly string[];
}

/** The states a partial batch holds per value column, in this order, after the key and the row count. */
export const VALUE_STATES = ['count', 'sum', 'min', 'max'] as const;
export type ValueState = (typeof VALUE_STATES)[number];

/**
 * A partial batch's column names: NUL-prefixed, so no Parquet column (whose names never hold NUL)
 * is taken for one. `rows` counts every row of the group; the others are per value column.
 */
export function stateName(state: 'rows' | ValueState, column?: string): string {
  return state === 'rows' ? '\u0000rows' : `\u0000${state}\u0000${column ?? ''}`;
}

/** The state and value column a partial batch's column name stands for, or undefined for a data column. */
export function parseStateName(name: string): { readonly state: 'rows' | ValueState; readonly column: string } | undefined {
  if (!name.startsWith('\u0000')) return undefined;
  const [, state, column] = name.split('\u0000');
  return { state: state as 'rows' | ValueState, column: column ?? '' };
}

/** Arrow types whose values are the numbers stored (not a decimal's unscaled integer, not a time of day). */
function plainNumber(type: arrow.DataType): boolean {
  return arrow.DataType.isFloat(type) || arrow.DataType.isInt(type) || (arrow.DataType.isDate(type) && type.unit === arrow.DateUnit.DAY);
}

/** Number outputs whose min and max a float64 holds exactly. */
const NUMBER_OUTPUTS = new Set(['float64', 'float32', 'int32', 'int16', 'int8']);

/** The row group's partial states as one batch, or undefined when it must be read row by row (see above). */
export function aggregateRowGroup(columns: readonly FlatColumn[], chunks: readonly DecodedChunk[], request: PartialAggregateRequest): RawBatch | undefined {
  const at = (name: string) => columns.findIndex((c) => c.name === name);
  const keyAt = at(request.key);
  const keyChunk = chunks[keyAt];
  const keyColumn = columns[keyAt];
  if (keyChunk === undefined || keyColumn === undefined || keyChunk.values.kind !== 'dictionary') return undefined;
  const dictionary = keyChunk.values.dictionary;
  if (dictionary.kind !== 'bytes' && !(dictionary.kind === 'fixed' && keyColumn.output === 'int32' && plainNumber(keyColumn.field.type))) return undefined;
  const values = request.values.map((name) => ({ column: columns[at(name)], chunk: chunks[at(name)] }));
  if (values.some((v) => v.column === undefined || v.chunk === undefined || !NUMBER_OUTPUTS.has(v.column.output) || !plainNumber(v.column.field.type))) return undefined;

  const size = dictionary.kind === 'bytes' ? dictionary.offsets.length - 1 : dictionary.array.length;
  // Group g = the key's dictionary code; the NULL key is group `size`.
  const { codes } = keyChunk.values;
  const groupOf = keyChunk.valid === null ? codes : withNullGroup(codes, keyChunk.valid, size, scratch(keyChunk.rows));
  const rows = new Float64Array(size + 1);
  // A code past the dictionary (only the NULL key's group may be `size`) means corrupt data: the row-by-row read reports it.
  if (groupOf === undefined || !countRows(groupOf, rows, keyChunk.valid === null ? size : size + 1)) return undefined;
  const states: Float64Array[][] = [];
  for (const { column, chunk } of values) {
    const folded = foldValues(groupOf, chunk as DecodedChunk, rows, request.extremes?.includes((column as FlatColumn).name) ?? true);
    if (folded === undefined) return undefined; // NaN: min and max must follow PostgreSQL's order
    states.push(folded);
  }

  // One output row per group that has rows: dictionary order, the NULL key last.
  const used: number[] = [];
  for (let g = 0; g <= size; g++) if ((rows[g] as number) > 0) used.push(g);
  const n = used.length;
  const out: RawColumn[] = [keyOutput(dictionary, used, size), fixed(pick(rows, used), null)];
  const names = [request.key, stateName('rows')];
  values.forEach(({ column }, k) => {
    const [count, sum, min, max] = states[k] as [Float64Array, Float64Array, Float64Array, Float64Array];
    const counts = pick(count, used);
    const some = new Uint8Array(n);
    for (let i = 0; i < n; i++) some[i] = (counts[i] as number) > 0 ? 1 : 0;
    const valid = some.includes(0) ? some : null;
    const name = (column as FlatColumn).name;
    // Extremes not asked for are NULL throughout.
    const extremesValid = request.extremes?.includes(name) ?? true ? valid : new Uint8Array(n);
    const output = (column as FlatColumn).output;
    out.push(fixed(counts, null), fixed(pick(sum, used), valid), fixed(narrow(pick(min, used), output), extremesValid), fixed(narrow(pick(max, used), output), extremesValid));
    names.push(...VALUE_STATES.map((state) => stateName(state, name)));
  });
  return { length: n, names, columns: out };
}

// Each loop below is its own function (see slice.ts): V8 optimises a long loop on the fly.

/** Each row's group when some keys are NULL: their code, or `size` for a NULL key; undefined for a code past the dictionary. */
function withNullGroup(codes: Int32Array, valid: Uint8Array, size: number, groupOf: Int32Array): Int32Array | undefined {
  let bad = 0;
  for (let i = 0, j = 0; i < groupOf.length; i++) {
    const code = valid[i] === 0 ? size : (codes[j++] as number);
    bad |= valid[i] !== 0 && code >>> 0 >= size ? 1 : 0;
    groupOf[i] = code;
  }
  return bad === 0 ? groupOf : undefined;
}

/** One row group's group ids at a time, reused (a worker aggregates one row group at a time). */
let groupScratch = new Int32Array(0);

function scratch(rows: number): Int32Array {
  if (groupScratch.length < rows) groupScratch = new Int32Array(rows);
  return groupScratch.subarray(0, rows);
}

/** Counts each group's rows (`rows`: a slot per dictionary entry, then the NULL key's); false for a group at or past `limit`. */
function countRows(groupOf: Int32Array, rows: Float64Array, limit: number): boolean {
  let bad = 0;
  for (let i = 0; i < groupOf.length; i++) {
    const g = groupOf[i] as number;
    if (g >>> 0 >= limit) bad = 1;
    else rows[g]++;
  }
  return bad === 0;
}

/**
 * count, sum, min and max of one value column per group (min and max only if `extremes`, else
 * left at ±Infinity under a NULL); undefined on a NaN among the extremes.
 */
function foldValues(groupOf: Int32Array, chunk: DecodedChunk, rows: Float64Array, extremes: boolean): Float64Array[] | undefined {
  const groups = rows.length;
  const sum = new Float64Array(groups);
  const min = new Float64Array(groups).fill(Infinity);
  const max = new Float64Array(groups).fill(-Infinity);
  const dense = denseDoubles(chunk.values);
  // Without NULL values each group's count is its row count.
  const count = chunk.valid === null ? rows.slice() : new Float64Array(groups);
  if (chunk.valid === null) foldSums(groupOf, dense, sum);
  else foldSumsValid(groupOf, chunk.valid, dense, count, sum);
  if (!extremes) return [count, sum, min, max];
  const nan = chunk.valid === null ? foldExtremes(groupOf, dense, min, max) : foldExtremesValid(groupOf, chunk.valid, dense, min, max);
  return nan ? undefined : [count, sum, min, max];
}

/** The chunk's non-NULL values in row order as doubles (a dictionary-coded chunk gathered, integers widened). */
function denseDoubles(values: DecodedChunk['values']): Float64Array {
  if (values.kind === 'dictionary') {
    const dictionary = (values.dictionary as Extract<DenseValues, { kind: 'fixed' }>).array;
    const out = new Float64Array(values.codes.length);
    if (dictionary instanceof Float64Array) gatherDoubles(dictionary, values.codes, out);
    else gatherNumbers(dictionary as Int32Array, values.codes, out);
    return out;
  }
  const array = (values as Extract<DenseValues, { kind: 'fixed' }>).array;
  return array instanceof Float64Array ? array : Float64Array.from(array as Int32Array);
}

function gatherDoubles(dictionary: Float64Array, codes: Int32Array, out: Float64Array): void {
  for (let i = 0; i < codes.length; i++) out[i] = dictionary[codes[i] as number] as number;
}

/** Int32 and float32 dictionaries (a loop of its own: see above). */
function gatherNumbers(dictionary: Int32Array, codes: Int32Array, out: Float64Array): void {
  for (let i = 0; i < codes.length; i++) out[i] = dictionary[codes[i] as number] as number;
}

function foldSums(groupOf: Int32Array, dense: Float64Array, sum: Float64Array): void {
  for (let i = 0; i < groupOf.length; i++) sum[groupOf[i] as number] += dense[i] as number;
}

/** Rows whose value is NULL skipped (`dense` holds the others, in row order). */
function foldSumsValid(groupOf: Int32Array, valid: Uint8Array, dense: Float64Array, count: Float64Array, sum: Float64Array): void {
  for (let i = 0, j = 0; i < groupOf.length; i++) {
    if (valid[i] === 0) continue;
    const g = groupOf[i] as number;
    count[g]++;
    sum[g] += dense[j++] as number;
  }
}

/** min and max per group; answers whether a NaN was met. */
function foldExtremes(groupOf: Int32Array, dense: Float64Array, min: Float64Array, max: Float64Array): boolean {
  let nan = 0;
  for (let i = 0; i < groupOf.length; i++) {
    const v = dense[i] as number;
    const g = groupOf[i] as number;
    min[g] = v < (min[g] as number) ? v : (min[g] as number);
    max[g] = v > (max[g] as number) ? v : (max[g] as number);
    nan |= v !== v ? 1 : 0;
  }
  return nan !== 0;
}

function foldExtremesValid(groupOf: Int32Array, valid: Uint8Array, dense: Float64Array, min: Float64Array, max: Float64Array): boolean {
  let nan = 0;
  for (let i = 0, j = 0; i < groupOf.length; i++) {
    if (valid[i] === 0) continue;
    const v = dense[j++] as number;
    const g = groupOf[i] as number;
    min[g] = v < (min[g] as number) ? v : (min[g] as number);
    max[g] = v > (max[g] as number) ? v : (max[g] as number);
    nan |= v !== v ? 1 : 0;
  }
  return nan !== 0;
}

function pick(states: Float64Array, used: readonly number[]): Float64Array {
  const out = new Float64Array(used.length);
  for (let i = 0; i < used.length; i++) out[i] = states[used[i] as number] as number;
  return out;
}

/**
 * min / max in the value column's own Arrow layout (their values are the column's, so exact). A
 * group without values holds ±Infinity here, under a NULL.
 */
function narrow(values: Float64Array, output: string): ValueArray {
  switch (output) {
    case 'float32':
      return Float32Array.from(values);
    case 'int32':
      return Int32Array.from(values);
    case 'int16':
      return Int16Array.from(values);
    case 'int8':
      return Int8Array.from(values);
    default:
      return values;
  }
}

function fixed(values: ValueArray, valid: Uint8Array | null): RawColumn {
  const nulls = valid === null ? 0 : valid.length - valid.reduce((a, b) => a + b, 0);
  return { length: values.length, nullCount: nulls, validity: valid === null ? null : packBits(valid, valid.length), values, offsets: null, bytes: null, dictionary: null };
}

/** The groups' keys: the used dictionary entries (coded, as slice.ts codes a batch), the NULL key as a NULL row. */
function keyOutput(dictionary: DenseValues, used: readonly number[], size: number): RawColumn {
  const n = used.length;
  const hasNull = used[n - 1] === size;
  const validBytes = hasNull ? new Uint8Array(n).fill(1, 0, n - 1) : null;
  const base = { length: n, nullCount: hasNull ? 1 : 0, validity: validBytes === null ? null : packBits(validBytes, n) };
  const entries = hasNull ? used.slice(0, -1) : used;
  if (dictionary.kind === 'fixed') {
    const values = new Int32Array(n);
    entries.forEach((code, i) => (values[i] = dictionary.array[code] as number));
    return { ...base, values, offsets: null, bytes: null, dictionary: null };
  }
  // Row i holds entry i of the batch's own dictionary (the NULL row, code -1).
  const codes = new Int32Array(n).fill(-1);
  for (let i = 0; i < entries.length; i++) codes[i] = i;
  const valueOffsets = new Int32Array(entries.length + 1);
  const valueBytes = copyEntries(entries, entries.length, dictionary.offsets, dictionary.bytes, valueOffsets);
  return { ...base, values: null, offsets: null, bytes: null, dictionary: { codes, valueOffsets, valueBytes, firstRows: Int32Array.from(entries, (_, i) => i) } };
}
