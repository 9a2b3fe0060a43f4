/**
 * Cuts a decoded column chunk into batch columns of rows [start, end): expands dense values to one
 * slot per row (NULL rows hold 0 / an empty string), narrows INT_8 / INT_16, packs booleans and
 * validity into Arrow bitmaps, gathers dictionary codes into values, and — for dictionary-coded
 * byte arrays — renumbers the codes in order of first appearance in the batch, so the batch's
 * dictionary holds only the values it uses. Rows without NULLs and without a dictionary are views
 * of the chunk's arrays (no copy).
 */
import { packBits } from '../../../common/arrow/bitmap.js';
import type { DecodedChunk } from './column-chunk.js';
import { Declined } from './decline.js';
import type { FlatColumn } from './column-plan.js';
import type { RawColumn, ValueArray } from './raw-batch.js';
import type { DenseValues, FixedArray } from './values.js';

/** Walks a chunk's batches in order (the dense position of a batch depends on the ones before). */
export class ChunkSlicer {
  private dense = 0;
  /** Batch code per dictionary code (-1 = not seen in this batch). */
  private remap: Int32Array | undefined;
  /** Short dictionary values as two little-endian words each (undefined: not computed, null: some value is longer than 8 bytes). */
  private words: ShortValues | null | undefined;

  constructor(
    private readonly chunk: DecodedChunk,
    private readonly column: FlatColumn,
  ) {}

  next(start: number, end: number): RawColumn {
    const { chunk, column } = this;
    const n = end - start;
    const valid = chunk.valid === null ? null : chunk.valid.subarray(start, end);
    let nonNull = n;
    if (valid !== null) {
      nonNull = 0;
      for (let i = 0; i < n; i++) nonNull += valid[i] as number;
    }
    const rowsValid = valid !== null && nonNull < n ? valid : null;
    const d0 = this.dense;
    this.dense += nonNull;
    const base = { length: n, nullCount: n - nonNull, validity: rowsValid === null ? null : packBits(rowsValid, n) };
    const values = chunk.values;
    if (values.kind === 'dictionary') {
      const codes = values.codes.subarray(d0, d0 + nonNull);
      if (values.dictionary.kind === 'bytes') return { ...base, ...this.gatherBytes(values.dictionary, codes, rowsValid, n) };
      return { ...base, values: gatherFixed(column, values.dictionary.array, codes, rowsValid, n), offsets: null, bytes: null, dictionary: null };
    }
    if (values.kind === 'bytes') return { ...base, values: null, ...spreadBytes(values, d0, rowsValid, n), dictionary: null };
    return { ...base, values: spreadFixed(column, values.array, d0, rowsValid, n), offsets: null, bytes: null, dictionary: null };
  }

  private gatherBytes(dictionary: Extract<DenseValues, { kind: 'bytes' }>, codes: Int32Array, valid: Uint8Array | null, n: number): Pick<RawColumn, 'values' | 'offsets' | 'bytes' | 'dictionary'> {
    const { offsets: dictOffsets, bytes: dictBytes } = dictionary;
    const size = dictOffsets.length - 1;
    let remap = this.remap;
    if (remap === undefined || remap.length !== size) this.remap = remap = new Int32Array(size).fill(-1);
    const batchCodes = new Int32Array(n);
    const offsets = new Int32Array(n + 1);
    const used = new Int32Array(Math.min(size, n) + 1);
    const firstRows = new Int32Array(used.length);
    if (this.words === undefined) this.words = shortValues(dictOffsets, dictBytes);
    const words = this.words;
    let bytes: Uint8Array;
    let distinct: number;
    if (words !== null) {
      // Values of at most 8 bytes: each row writes two words, branch-free, into room for the longest.
      const room = new Uint8Array(codes.length * words.longest + 8);
      const view = new DataView(room.buffer);
      distinct = valid === null ? renumberShortAll(codes, n, remap, words, batchCodes, offsets, used, firstRows, view) : renumberShort(codes, valid, n, remap, words, batchCodes, offsets, used, firstRows, view);
      bytes = room.subarray(0, offsets[n] as number);
    } else {
      distinct = valid === null ? renumberAll(codes, n, remap, dictOffsets, batchCodes, offsets, used, firstRows) : renumber(codes, valid, n, remap, dictOffsets, batchCodes, offsets, used, firstRows);
      bytes = new Uint8Array(distinct < 0 ? 0 : (offsets[n] as number));
    }
    if (distinct < 0) throw new Declined('dictionary index out of range');
    const valueOffsets = new Int32Array(distinct + 1);
    const valueBytes = copyDistinct(used, distinct, dictOffsets, dictBytes, valueOffsets, remap);
    if (words === null) copyRowBytes(batchCodes, offsets, n, valueOffsets, valueBytes, bytes);
    return { values: null, offsets, bytes, dictionary: { codes: batchCodes, valueOffsets, valueBytes, firstRows: firstRows.slice(0, distinct) } };
  }
}

// Each loop below is its own function: V8 optimises a long loop on the fly (OSR), and a function
// holding several would deoptimise on reaching the next loop, whose code has not run yet.

/**
 * Numbers each row's dictionary code in order of first appearance (`remap`: code → batch code,
 * -1 unseen), recording the codes in that order (`used`), where each first appears (`firstRows`)
 * and the rows' Utf8 offsets. Answers the number of distinct values, or -1 when a code falls
 * outside the dictionary (corrupt data).
 */
function renumber(codes: Int32Array, valid: Uint8Array, n: number, remap: Int32Array, dictOffsets: Int32Array, batchCodes: Int32Array, offsets: Int32Array, used: Int32Array, firstRows: Int32Array): number {
  const size = remap.length;
  let distinct = 0;
  let at = 0;
  for (let i = 0, j = 0; i < n; i++) {
    if (valid[i] === 0) {
      batchCodes[i] = -1;
      offsets[i + 1] = at;
      continue;
    }
    const code = codes[j++] as number;
    if (code >>> 0 >= size) return -1;
    let mapped = remap[code] as number;
    if (mapped < 0) {
      mapped = distinct++;
      remap[code] = mapped;
      used[mapped] = code;
      firstRows[mapped] = i;
    }
    batchCodes[i] = mapped;
    at += (dictOffsets[code + 1] as number) - (dictOffsets[code] as number);
    offsets[i + 1] = at;
  }
  return distinct;
}

/** `renumber` for a batch without NULLs. */
function renumberAll(codes: Int32Array, n: number, remap: Int32Array, dictOffsets: Int32Array, batchCodes: Int32Array, offsets: Int32Array, used: Int32Array, firstRows: Int32Array): number {
  const size = remap.length;
  let distinct = 0;
  let at = 0;
  for (let i = 0; i < n; i++) {
    const code = codes[i] as number;
    if (code >>> 0 >= size) return -1;
    let mapped = remap[code] as number;
    if (mapped < 0) {
      mapped = distinct++;
      remap[code] = mapped;
      used[mapped] = code;
      firstRows[mapped] = i;
    }
    batchCodes[i] = mapped;
    at += (dictOffsets[code + 1] as number) - (dictOffsets[code] as number);
    offsets[i + 1] = at;
  }
  return distinct;
}

/** Dictionary values of at most 8 bytes: their lengths and bytes as two little-endian int32 words. */
interface ShortValues {
  readonly length: Int32Array;
  readonly low: Int32Array;
  readonly high: Int32Array;
  readonly longest: number;
}

function shortValues(offsets: Int32Array, bytes: Uint8Array): ShortValues | null {
  const size = offsets.length - 1;
  const length = new Int32Array(size);
  const low = new Int32Array(size);
  const high = new Int32Array(size);
  let longest = 0;
  for (let k = 0; k < size; k++) {
    const start = offsets[k] as number;
    const len = (offsets[k + 1] as number) - start;
    if (len > 8) return null;
    length[k] = len;
    if (len > longest) longest = len;
    let lo = 0;
    let hi = 0;
    for (let b = 0; b < len; b++) {
      const byte = bytes[start + b] as number;
      if (b < 4) lo |= byte << (8 * b);
      else hi |= byte << (8 * (b - 4));
    }
    low[k] = lo;
    high[k] = hi;
  }
  return { length, low, high, longest };
}

/** `renumber` of short values that also writes each row's bytes (8 at a time; the next row overwrites the excess). */
function renumberShort(codes: Int32Array, valid: Uint8Array, n: number, remap: Int32Array, words: ShortValues, batchCodes: Int32Array, offsets: Int32Array, used: Int32Array, firstRows: Int32Array, view: DataView): number {
  const size = remap.length;
  const { length, low, high } = words;
  let distinct = 0;
  let at = 0;
  for (let i = 0, j = 0; i < n; i++) {
    if (valid[i] === 0) {
      batchCodes[i] = -1;
      offsets[i + 1] = at;
      continue;
    }
    const code = codes[j++] as number;
    if (code >>> 0 >= size) return -1;
    let mapped = remap[code] as number;
    if (mapped < 0) {
      mapped = distinct++;
      remap[code] = mapped;
      used[mapped] = code;
      firstRows[mapped] = i;
    }
    batchCodes[i] = mapped;
    view.setInt32(at, low[code] as number, true);
    view.setInt32(at + 4, high[code] as number, true);
    at += length[code] as number;
    offsets[i + 1] = at;
  }
  return distinct;
}

/** `renumberShort` for a batch without NULLs. */
function renumberShortAll(codes: Int32Array, n: number, remap: Int32Array, words: ShortValues, batchCodes: Int32Array, offsets: Int32Array, used: Int32Array, firstRows: Int32Array, view: DataView): number {
  const size = remap.length;
  const { length, low, high } = words;
  let distinct = 0;
  let at = 0;
  for (let i = 0; i < n; i++) {
    const code = codes[i] as number;
    if (code >>> 0 >= size) return -1;
    let mapped = remap[code] as number;
    if (mapped < 0) {
      mapped = distinct++;
      remap[code] = mapped;
      used[mapped] = code;
      firstRows[mapped] = i;
    }
    batchCodes[i] = mapped;
    view.setInt32(at, low[code] as number, true);
    view.setInt32(at + 4, high[code] as number, true);
    at += length[code] as number;
    offsets[i + 1] = at;
  }
  return distinct;
}

/** Each row's bytes, copied from the batch's distinct values (NULL rows are empty). */
function copyRowBytes(batchCodes: Int32Array, offsets: Int32Array, n: number, valueOffsets: Int32Array, valueBytes: Uint8Array, bytes: Uint8Array): void {
  for (let i = 0; i < n; i++) {
    const c = batchCodes[i] as number;
    if (c < 0) continue;
    const from = valueOffsets[c] as number;
    const to = valueOffsets[c + 1] as number;
    let at = offsets[i] as number;
    for (let k = from; k < to; k++) bytes[at++] = valueBytes[k] as number;
  }
}

/** The batch's distinct values in order of first appearance (and `remap` reset for the next batch). */
function copyDistinct(used: Int32Array, distinct: number, dictOffsets: Int32Array, dictBytes: Uint8Array, valueOffsets: Int32Array, remap: Int32Array): Uint8Array {
  let length = 0;
  for (let k = 0; k < distinct; k++) {
    const code = used[k] as number;
    length += (dictOffsets[code + 1] as number) - (dictOffsets[code] as number);
    valueOffsets[k + 1] = length;
  }
  const valueBytes = new Uint8Array(length);
  for (let k = 0; k < distinct; k++) {
    const code = used[k] as number;
    valueBytes.set(dictBytes.subarray(dictOffsets[code] as number, dictOffsets[code + 1] as number), valueOffsets[k] as number);
    remap[code] = -1;
  }
  return valueBytes;
}

/** An output array of the column's Arrow layout, `n` slots. */
function outputArray(column: FlatColumn, n: number): ValueArray {
  switch (column.output) {
    case 'bool':
      return new Uint8Array(n);
    case 'int8':
      return new Int8Array(n);
    case 'int16':
      return new Int16Array(n);
    case 'int32':
      return new Int32Array(n);
    case 'int64':
      return new BigInt64Array(n);
    case 'float32':
      return new Float32Array(n);
    case 'float64':
      return new Float64Array(n);
    case 'bytes':
      throw new Declined('byte arrays have no fixed-width output'); // unreachable: byte arrays are sliced as bytes
  }
}

/** Whether the chunk's dense array already has the output's element type. */
function sameLayout(column: FlatColumn): boolean {
  return column.output === 'int32' || column.output === 'int64' || column.output === 'float32' || column.output === 'float64';
}

function spreadFixed(column: FlatColumn, dense: FixedArray, d0: number, valid: Uint8Array | null, n: number): ValueArray {
  if (valid === null && sameLayout(column)) return dense.subarray(d0, d0 + n);
  const out = outputArray(column, n);
  if (out instanceof BigInt64Array) spreadBigInts(dense as BigInt64Array, d0, valid, out, n);
  else spreadNumbers(dense as Int32Array, d0, valid, out as Int32Array, n);
  return column.output === 'bool' ? packBits(out as Uint8Array, n) : out;
}

function spreadNumbers(src: Int32Array, d0: number, valid: Uint8Array | null, out: Int32Array, n: number): void {
  for (let i = 0, j = d0; i < n; i++) if (valid === null || valid[i] !== 0) out[i] = src[j++] as number;
}

function spreadBigInts(src: BigInt64Array, d0: number, valid: Uint8Array | null, out: BigInt64Array, n: number): void {
  for (let i = 0, j = d0; i < n; i++) if (valid === null || valid[i] !== 0) out[i] = src[j++] as bigint;
}

function gatherFixed(column: FlatColumn, dictionary: FixedArray, codes: Int32Array, valid: Uint8Array | null, n: number): ValueArray {
  const out = outputArray(column, n);
  if (out instanceof BigInt64Array) gatherBigInts(dictionary as BigInt64Array, codes, valid, out, n);
  else gatherNumbers(dictionary as Int32Array, codes, valid, out as Int32Array, n);
  return column.output === 'bool' ? packBits(out as Uint8Array, n) : out;
}

function gatherNumbers(src: Int32Array, codes: Int32Array, valid: Uint8Array | null, out: Int32Array, n: number): void {
  for (let i = 0, j = 0; i < n; i++) if (valid === null || valid[i] !== 0) out[i] = src[codes[j++] as number] as number;
}

function gatherBigInts(src: BigInt64Array, codes: Int32Array, valid: Uint8Array | null, out: BigInt64Array, n: number): void {
  for (let i = 0, j = 0; i < n; i++) if (valid === null || valid[i] !== 0) out[i] = src[codes[j++] as number] as bigint;
}

function spreadBytes(values: Extract<DenseValues, { kind: 'bytes' }>, d0: number, valid: Uint8Array | null, n: number): Pick<RawColumn, 'offsets' | 'bytes'> {
  const dense = values.offsets;
  const first = dense[d0] as number;
  const offsets = new Int32Array(n + 1);
  let j = d0;
  for (let i = 0; i < n; i++) {
    if (valid === null || valid[i] !== 0) j++;
    offsets[i + 1] = (dense[j] as number) - first;
  }
  return { offsets, bytes: values.bytes.subarray(first, dense[j] as number) };
}
