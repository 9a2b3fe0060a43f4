import type * as arrow from 'apache-arrow';
import { validityBytes } from '../../common/arrow/bitmap.js';
import { BufferKeyedRegistry, stringDictionaryOf, type StringDictionary } from '../../common/arrow/string-dictionary.js';
import { BytesInterner } from './bytes-interner.js';
import { hashBytes, mix32 } from './value-hash.js';

/**
 * One batch column of strings dictionary-encoded: `codes[i]` is row i's index into `values`
 * (-1 for NULL), `values` its distinct strings in order of first appearance. Hash tables keyed
 * by strings then hash and compare each distinct value once per batch, and map rows by integer.
 */
export interface ChunkDictionary {
  readonly codes: Int32Array;
  readonly values: DistinctBytes;
  /** The row where each value first appears (increasing: values are numbered in that order). */
  readonly firstRows: Int32Array;
}

/** Distinct byte strings numbered 0 … size − 1: string `d` is `bytes[start(d), end(d))`, hashed `hashOf(d)`. */
export interface DistinctBytes {
  readonly size: number;
  readonly bytes: Uint8Array;
  start(d: number): number;
  end(d: number): number;
  hashOf(d: number): number;
}

/**
 * Columns with at most this share of distinct values keep their dictionary for the next time
 * the same buffers are keyed; a column of nearly unique strings would only double its memory.
 */
const KEEP_RATIO = 1 / 8;
const MIN_ROWS_TO_KEEP = 1024;

/**
 * Dictionaries of string columns whose buffers outlive a query — the decoded columns the
 * warehouse's ColumnCache hands to every scan of a hot file — kept by the buffers they were
 * computed from (common/arrow/string-dictionary.ts says why that is sound), and dropped with them.
 */
const kept = new BufferKeyedRegistry<ChunkDictionary>();

/** Hash tables' view of each decoder dictionary, made once (a cached column's is asked by every scan of it). */
const fromDecoder = new WeakMap<StringDictionary, ChunkDictionary>();

/**
 * The dictionary encoding of a UTF-8 / binary column: the one its decoder registered (the Parquet
 * file's own dictionary, storage/scan/flat-parquet — without building a coded column's bytes),
 * else computed by one pass that hashes each row's bytes, or reused from an earlier call on the
 * same buffers (see `kept`).
 */
export function chunkDictionary(data: arrow.Data): ChunkDictionary {
  // A decoder's dictionary first: asking `kept` reads the column's offsets, which a coded column builds on demand.
  const given = stringDictionaryOf(data);
  if (given !== undefined) {
    let dictionary = fromDecoder.get(given);
    if (dictionary === undefined) fromDecoder.set(given, (dictionary = fromStringDictionary(given)));
    return dictionary;
  }
  const known = kept.get(data);
  if (known !== undefined) return known;
  const offsets = data.valueOffsets as Int32Array;
  const n = data.length;
  const bytes = data.values as Uint8Array;
  const valid = validityBytes(data);
  const dictionary = encodeShort(offsets, bytes, valid, n) ?? encodeAny(offsets, bytes, valid, n);
  if (n >= MIN_ROWS_TO_KEEP && dictionary.values.size <= n * KEEP_RATIO) kept.set(data, dictionary);
  return dictionary;
}

/**
 * A decoder's dictionary: its values are distinct already, so they are only hashed, read where
 * they are (no table of their own: a batch's key column looks each up once in its own).
 */
function fromStringDictionary(given: StringDictionary): ChunkDictionary {
  return { codes: given.codes, values: new HashedValues(given.valueOffsets, given.valueBytes), firstRows: given.firstRows };
}

class HashedValues implements DistinctBytes {
  readonly size: number;
  private readonly hashes: Uint32Array;

  constructor(
    private readonly offsets: Int32Array,
    readonly bytes: Uint8Array,
  ) {
    this.size = offsets.length - 1;
    this.hashes = new Uint32Array(this.size);
    for (let d = 0; d < this.size; d++) this.hashes[d] = hashBytes(bytes, offsets[d] as number, offsets[d + 1] as number);
  }

  start(d: number): number {
    return this.offsets[d] as number;
  }

  end(d: number): number {
    return this.offsets[d + 1] as number;
  }

  hashOf(d: number): number {
    return this.hashes[d] as number;
  }
}

/** Any strings: each row's bytes hashed and interned. */
function encodeAny(offsets: Int32Array, bytes: Uint8Array, valid: Uint8Array | null, n: number): ChunkDictionary {
  const values = new BytesInterner();
  const codes = new Int32Array(n);
  const firstRows: number[] = [];
  for (let i = 0; i < n; i++) {
    if (valid !== null && valid[i] === 0) {
      codes[i] = -1;
      continue;
    }
    const start = offsets[i] as number;
    const end = offsets[i + 1] as number;
    const code = values.intern(bytes, start, end, hashBytes(bytes, start, end), true);
    if (code === firstRows.length) firstRows.push(i);
    codes[i] = code;
  }
  return { codes, values, firstRows: Int32Array.from(firstRows) };
}

/** Strings of at most this many bytes are keyed as two integers (length and bytes packed). */
const SHORT_BYTES = 7;

/**
 * Short strings (tickers, codes, flags: every row ≤ 7 bytes) without hashing bytes or comparing
 * them: each row packs into two int32 words — length and 3 bytes, then 4 bytes — keyed in an
 * integer open-addressing table; only the distinct values are interned as bytes at the end.
 * Undefined when some row is longer.
 */
function encodeShort(offsets: Int32Array, bytes: Uint8Array, valid: Uint8Array | null, n: number): ChunkDictionary | undefined {
  for (let i = 0; i < n; i++) if ((offsets[i + 1] as number) - (offsets[i] as number) > SHORT_BYTES) return undefined;
  let slots = new Int32Array(1024);
  let mask = slots.length - 1;
  let keyLow = new Int32Array(512);
  let keyHigh = new Int32Array(512);
  const firstRows: number[] = [];
  const codes = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    if (valid !== null && valid[i] === 0) {
      codes[i] = -1;
      continue;
    }
    const start = offsets[i] as number;
    const len = (offsets[i + 1] as number) - start;
    let low = len;
    let high = 0;
    for (let k = 0; k < len; k++) {
      const b = bytes[start + k] as number;
      if (k < 3) low |= b << (8 * (k + 1));
      else high |= b << (8 * (k - 3));
    }
    let slot = mix32(Math.imul(low, 0x9e3779b1) ^ high) & mask;
    let code = -1;
    for (;;) {
      const entry = slots[slot] as number;
      if (entry === 0) break;
      if (keyLow[entry - 1] === low && keyHigh[entry - 1] === high) {
        code = entry - 1;
        break;
      }
      slot = (slot + 1) & mask;
    }
    if (code < 0) {
      code = firstRows.length;
      firstRows.push(i);
      if (code >= keyLow.length) {
        keyLow = grown(keyLow);
        keyHigh = grown(keyHigh);
      }
      keyLow[code] = low;
      keyHigh[code] = high;
      slots[slot] = code + 1;
      if (firstRows.length * 2 > slots.length) {
        slots = new Int32Array(slots.length * 2);
        mask = slots.length - 1;
        for (let c = 0; c < firstRows.length; c++) {
          let at = mix32(Math.imul(keyLow[c] as number, 0x9e3779b1) ^ (keyHigh[c] as number)) & mask;
          while (slots[at] !== 0) at = (at + 1) & mask;
          slots[at] = c + 1;
        }
      }
    }
    codes[i] = code;
  }
  // The distinct values as bytes, in code order (each first row's bytes).
  const values = new BytesInterner();
  for (const row of firstRows) {
    const start = offsets[row] as number;
    const end = offsets[row + 1] as number;
    values.intern(bytes, start, end, hashBytes(bytes, start, end), true);
  }
  return { codes, values, firstRows: Int32Array.from(firstRows) };
}

function grown(a: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> {
  const out = new Int32Array(a.length * 2);
  out.set(a);
  return out;
}
