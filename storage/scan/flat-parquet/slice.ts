/**
 * Cuts a decoded column chunk into batch columns of rows [start, end): expands dense values to one
 * slot per row (NULL rows hold 0 / an empty string), narrows INT_8 / INT_16, packs booleans and
 * validity into Arrow bitmaps, gathers dictionary codes into values, and — for dictionary-coded
 * byte arrays — keeps them coded: renumbers the codes in order of first appearance in the batch,
 * so the batch's dictionary holds only the values it uses, and writes no row's bytes (the
 * receiving thread builds them only if something reads them: common/arrow/string-dictionary.ts).
 * Rows without NULLs and without a dictionary are views of the chunk's arrays (no copy).
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
      if (values.dictionary.kind === 'bytes') return { ...base, ...this.codeBytes(values.dictionary, codes, rowsValid, n) };
      return { ...base, values: gatherFixed(column, values.dictionary.array, codes, rowsValid, n), offsets: null, bytes: null, dictionary: null };
    }
    if (values.kind === 'bytes') return { ...base, values: null, ...spreadBytes(values, d0, rowsValid, n), dictionary: null };
    return { ...base, values: spreadFixed(column, values.array, d0, rowsValid, n), offsets: null, bytes: null, dictionary: null };
  }

  /** A dictionary-coded byte array stays coded: the batch's codes and distinct values, no per-row bytes (the receiving thread builds those only if read). */
  private codeBytes(dictionary: Extract<DenseValues, { kind: 'bytes' }>, codes: Int32Array, valid: Uint8Array | null, n: number): Pick<RawColumn, 'values' | 'offsets' | 'bytes' | 'dictionary'> {
    const { offsets: dictOffsets, bytes: dictBytes } = dictionary;
    const size = dictOffsets.length - 1;
    let remap = this.remap;
    if (remap === undefined || remap.length !== size) this.remap = remap = new Int32Array(size).fill(-1);
    const batchCodes = new Int32Array(n);
    const used = new Int32Array(Math.min(size, n) + 1);
    const firstRows = new Int32Array(used.length);
    const distinct = renumber(codes, valid, n, remap, batchCodes, used, firstRows);
    if (distinct < 0) throw new Declined('dictionary index out of range');
    const valueOffsets = new Int32Array(distinct + 1);
    const valueBytes = copyEntries(used, distinct, dictOffsets, dictBytes, valueOffsets);
    for (let k = 0; k < distinct; k++) remap[used[k] as number] = -1; // for the next batch
    return { values: null, offsets: null, bytes: null, dictionary: { codes: batchCodes, valueOffsets, valueBytes, firstRows: firstRows.slice(0, distinct) } };
  }

}

// Each loop below is its own function: V8 optimises a long loop on the fly (OSR), and a function
// holding several would deoptimise on reaching the next loop, whose code has not run yet.

/**
 * Numbers each row's dictionary code in order of first appearance (`remap`: code → batch code,
 * -1 unseen), recording the codes in that order (`used`) and where each first appears
 * (`firstRows`); NULL rows (`valid`, null when there are none) get -1 and take no code. Answers
 * the number of distinct values, or -1 when a code falls outside the dictionary (corrupt data).
 */
function renumber(codes: Int32Array, valid: Uint8Array | null, n: number, remap: Int32Array, batchCodes: Int32Array, used: Int32Array, firstRows: Int32Array): number {
  const size = remap.length;
  let distinct = 0;
  for (let i = 0, j = 0; i < n; i++) {
    if (valid !== null && valid[i] === 0) {
      batchCodes[i] = -1;
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
  }
  return distinct;
}

/**
 * The bytes of dictionary entries `used[0…count)`, back to back, and their offsets into
 * `valueOffsets` (`count + 1` slots, the first 0): a batch's distinct values, or a partial
 * aggregate's keys (partial-aggregate.ts).
 */
export function copyEntries(used: ArrayLike<number>, count: number, dictOffsets: Int32Array, dictBytes: Uint8Array, valueOffsets: Int32Array): Uint8Array {
  let length = 0;
  for (let k = 0; k < count; k++) {
    const code = used[k] as number;
    length += (dictOffsets[code + 1] as number) - (dictOffsets[code] as number);
    valueOffsets[k + 1] = length;
  }
  const valueBytes = new Uint8Array(length);
  // Runs of consecutive codes are adjacent in the dictionary: one copy each. A batch's values
  // usually come in dictionary order (a writer numbers entries as they first appear), so the
  // whole batch is one run.
  for (let k = 0; k < count; ) {
    const first = used[k] as number;
    let end = k + 1;
    while (end < count && used[end] === first + (end - k)) end++;
    valueBytes.set(dictBytes.subarray(dictOffsets[first] as number, dictOffsets[first + (end - k)] as number), valueOffsets[k] as number);
    k = end;
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
  // One element type per loop where the arrays keep their type (dates, doubles): a loop fed
  // several typed-array types runs V8's slower polymorphic element access.
  if (column.output === 'int32') gatherInt32s(dictionary as Int32Array, codes, valid, out as Int32Array, n);
  else if (column.output === 'float64') gatherFloat64s(dictionary as Float64Array, codes, valid, out as Float64Array, n);
  else if (out instanceof BigInt64Array) gatherBigInts(dictionary as BigInt64Array, codes, valid, out, n);
  else gatherNumbers(dictionary as Int32Array, codes, valid, out as Int32Array, n);
  return column.output === 'bool' ? packBits(out as Uint8Array, n) : out;
}

function gatherInt32s(src: Int32Array, codes: Int32Array, valid: Uint8Array | null, out: Int32Array, n: number): void {
  for (let i = 0, j = 0; i < n; i++) if (valid === null || valid[i] !== 0) out[i] = src[codes[j++] as number] as number;
}

function gatherFloat64s(src: Float64Array, codes: Int32Array, valid: Uint8Array | null, out: Float64Array, n: number): void {
  for (let i = 0, j = 0; i < n; i++) if (valid === null || valid[i] !== 0) out[i] = src[codes[j++] as number] as number;
}

/** The narrowing and other outputs (int8 / int16 / bool / float32). */
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
