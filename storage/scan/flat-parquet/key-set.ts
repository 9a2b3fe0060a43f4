/**
 * A row group narrowed to the rows whose key is in a set: a hash join's build keys, pushed into
 * the scan of its probe side as a bitmap (executor/operators/hash-join/key-bitmap.ts). The P/E
 * join's prices rows match a quarter-end date in about 1% of cases, so the decoder sends those
 * rows only, instead of every row for the join to drop: no slicing, transfer or probing of the
 * other 99%. A row group none of whose keys is in the set decodes no other column at all.
 *
 * Tested on the values as stored: 32-bit integers (ints of at most 32 bits, day dates). A NULL
 * key is never in a set. The reader still answers every matching row, so the join compares full
 * keys as before; a read that cannot narrow (another layout, the parquet-wasm fallback) simply
 * answers every row.
 */
import * as arrow from 'apache-arrow';
import type { CompressionCodec } from 'hyparquet';
import { dictionaryPage, levelsEndV1, nextPage, pageReader, type DecodedChunk } from './column-chunk.js';
import type { FlatColumn } from './column-plan.js';
import { Declined } from './decline.js';
import { decompress } from './decompress.js';
import { decodeDefinitionLevels, selectDictionaryRuns } from './rle.js';
import type { DenseValues, FixedArray } from './values.js';

/** The values `min + i` for each bit `i` set in `bits` (least significant bit first) of `column`. */
export interface KeySet {
  /** The top-level Parquet column name. */
  readonly column: string;
  readonly min: number;
  readonly bits: Uint8Array;
}

/** Whether a set's values compare with the column's stored ones: a signed int of ≤ 32 bits, an unsigned one of < 32, or a day date, stored as INT32. */
export function keySetApplies(column: FlatColumn): boolean {
  if (column.physical !== 'INT32') return false;
  const type = column.field.type;
  if (arrow.DataType.isInt(type)) return type.bitWidth < 32 || type.isSigned;
  return arrow.DataType.isDate(type) && type.unit === arrow.DateUnit.DAY;
}

/** The rows (ascending) of a decoded INT32 chunk whose value is in `set`. */
export function rowsInSet(chunk: DecodedChunk, set: KeySet): Int32Array {
  const { values, valid, rows } = chunk;
  const out = new Int32Array(rows);
  let count: number;
  if (values.kind === 'dictionary') {
    const dictionary = fixedInt32s(values.dictionary);
    const member = new Uint8Array(dictionary.length);
    for (let code = 0; code < dictionary.length; code++) member[code] = inSet(dictionary[code] as number, set.min, set.bits) ? 1 : 0;
    count = selectCoded(values.codes, valid, rows, member, out);
    if (count < 0) throw new Declined('dictionary index out of range');
  } else {
    count = selectValues(fixedInt32s(values), valid, rows, set.min, set.bits, out);
  }
  return out.subarray(0, count);
}

/**
 * The rows of a column chunk whose value is in `set`, and the chunk of those rows, read from its
 * dictionary codes run by run (rle.ts `selectDictionaryRuns`): a key stored in order is long RLE
 * runs, each tested once, so no code is written out per row and no row is tested on its own.
 * Only for the usual layout — a dictionary page, then v1 data pages all dictionary-coded, no NULL
 * — else undefined, and the caller decodes the chunk and tests its rows (`rowsInSet`).
 */
export function selectRowsInSet(chunk: Uint8Array, column: FlatColumn, rows: number, codec: CompressionCodec, set: KeySet): { readonly rows: Int32Array; readonly chunk: DecodedChunk } | undefined {
  const reader = pageReader(chunk);
  let dictionary: DenseValues | undefined;
  let member: Uint8Array | undefined;
  const kept = { rows: new Int32Array(rows), codes: new Int32Array(rows), count: 0 };
  let row = 0;
  while (row < rows) {
    const { header, raw } = nextPage(chunk, reader);
    if (header.type === 'INDEX_PAGE') continue;
    if (header.type === 'DICTIONARY_PAGE' && dictionary === undefined && row === 0) {
      dictionary = dictionaryPage(header, raw, codec, column);
      const values = fixedInt32s(dictionary);
      member = new Uint8Array(values.length);
      for (let code = 0; code < values.length; code++) member[code] = inSet(values[code] as number, set.min, set.bits) ? 1 : 0;
      continue;
    }
    const h = header.data_page_header;
    if (header.type !== 'DATA_PAGE' || h === undefined || member === undefined || (h.encoding !== 'PLAIN_DICTIONARY' && h.encoding !== 'RLE_DICTIONARY')) return undefined;
    const n = h.num_values;
    if (n < 0 || row + n > rows) throw new Declined('page holds more rows than its row group');
    const page = decompress(codec, raw, header.uncompressed_page_size);
    const pos = levelsEndV1(page, h, column);
    if (pos > page.length) throw new Declined('levels past the end of the page');
    // A NULL key is never in a set, but it shifts rows from codes: left to the row-by-row test.
    if (column.optional && decodeDefinitionLevels(page, 4, pos, null, 0, n) !== n) return undefined;
    kept.count = selectDictionaryRuns(page, pos + 1, page.length, page[pos] as number, n, member, row, kept.rows, kept.codes, kept.count);
    row += n;
  }
  if (dictionary === undefined) return undefined;
  const count = kept.count;
  return { rows: kept.rows.subarray(0, count), chunk: { rows: count, valid: null, values: { kind: 'dictionary', codes: kept.codes.subarray(0, count), dictionary } } };
}

/** The rows in both ascending lists. */
export function intersectRows(a: Int32Array, b: Int32Array): Int32Array {
  const out = new Int32Array(Math.min(a.length, b.length));
  let n = 0;
  for (let i = 0, j = 0; i < a.length && j < b.length; ) {
    const x = a[i] as number;
    const y = b[j] as number;
    if (x === y) out[n++] = x;
    if (x <= y) i++;
    if (y <= x) j++;
  }
  return out.subarray(0, n);
}

/** The chunk's rows `rows` (ascending) as a chunk of their own. */
export function pickRows(chunk: DecodedChunk, rows: Int32Array): DecodedChunk {
  const n = rows.length;
  let dense = rows;
  let valid: Uint8Array | null = null;
  if (chunk.valid !== null) {
    valid = new Uint8Array(n);
    dense = new Int32Array(n);
    const nonNull = densePositions(chunk.valid, rows, valid, dense);
    dense = dense.subarray(0, nonNull);
    if (nonNull === n) valid = null;
  }
  const values = chunk.values;
  if (values.kind === 'dictionary') return { rows: n, valid, values: { kind: 'dictionary', codes: gather(values.codes, dense), dictionary: values.dictionary } };
  return { rows: n, valid, values: pickDense(values, dense) };
}

// Each loop is a function of its own (V8 optimises each for its one shape of input).

function inSet(value: number, min: number, bits: Uint8Array): boolean {
  const at = value - min;
  return at >>> 0 < bits.length << 3 && ((bits[at >> 3] as number) & (1 << (at & 7))) !== 0;
}

function fixedInt32s(values: DenseValues): Int32Array {
  if (values.kind !== 'fixed' || !(values.array instanceof Int32Array)) throw new Declined('a key set over a column not of 32-bit integers');
  return values.array;
}

/** Rows whose dictionary code is a member, into `out`; -1 for a code past the dictionary. */
function selectCoded(codes: Int32Array, valid: Uint8Array | null, rows: number, member: Uint8Array, out: Int32Array): number {
  const size = member.length;
  let kept = 0;
  for (let i = 0, j = 0; i < rows; i++) {
    if (valid !== null && valid[i] === 0) continue;
    const code = codes[j++] as number;
    if (code >>> 0 >= size) return -1;
    out[kept] = i;
    kept += member[code] as number;
  }
  return kept;
}

function selectValues(values: Int32Array, valid: Uint8Array | null, rows: number, min: number, bits: Uint8Array, out: Int32Array): number {
  const span = bits.length << 3;
  let kept = 0;
  for (let i = 0, j = 0; i < rows; i++) {
    if (valid !== null && valid[i] === 0) continue;
    const at = (values[j++] as number) - min;
    out[kept] = i;
    kept += at >>> 0 < span && ((bits[at >> 3] as number) & (1 << (at & 7))) !== 0 ? 1 : 0;
  }
  return kept;
}

/** Each picked row's validity (into `valid`), and the dense position of each non-NULL one (into `dense`); answers how many are non-NULL. */
function densePositions(rowValid: Uint8Array, rows: Int32Array, valid: Uint8Array, dense: Int32Array): number {
  let nonNull = 0;
  let position = 0;
  let row = 0;
  for (let k = 0; k < rows.length; k++) {
    const target = rows[k] as number;
    for (; row < target; row++) position += rowValid[row] as number;
    const v = rowValid[target] as number;
    valid[k] = v;
    if (v !== 0) dense[nonNull++] = position;
  }
  return nonNull;
}

function gather<T extends FixedArray>(src: T, at: Int32Array): T {
  const out = new (src.constructor as new (n: number) => T)(at.length);
  for (let k = 0; k < at.length; k++) out[k] = src[at[k] as number] as number & bigint;
  return out;
}

function pickDense(values: DenseValues, at: Int32Array): DenseValues {
  if (values.kind === 'fixed') return { kind: 'fixed', array: gather(values.array, at) };
  const { offsets, bytes } = values;
  const outOffsets = new Int32Array(at.length + 1);
  for (let k = 0; k < at.length; k++) {
    const i = at[k] as number;
    outOffsets[k + 1] = (outOffsets[k] as number) + (offsets[i + 1] as number) - (offsets[i] as number);
  }
  const outBytes = new Uint8Array(outOffsets[at.length] as number);
  for (let k = 0; k < at.length; k++) {
    const i = at[k] as number;
    outBytes.set(bytes.subarray(offsets[i] as number, offsets[i + 1] as number), outOffsets[k] as number);
  }
  return { kind: 'bytes', offsets: outOffsets, bytes: outBytes };
}
