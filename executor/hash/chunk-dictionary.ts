import type * as arrow from 'apache-arrow';
import { validityBytes } from '../../common/arrow/bitmap.js';
import { BytesInterner } from './bytes-interner.js';
import { hashBytes } from './value-hash.js';

/**
 * One batch column of strings dictionary-encoded: `codes[i]` is row i's index into `values`
 * (-1 for NULL), `values` its distinct strings in order of first appearance. Hash tables keyed
 * by strings then hash and compare each distinct value once per batch, and map rows by integer.
 */
export interface ChunkDictionary {
  readonly codes: Int32Array;
  readonly values: BytesInterner;
  /** The row where each value first appears (increasing: values are numbered in that order). */
  readonly firstRows: Int32Array;
}

/**
 * Columns with at most this share of distinct values keep their dictionary for the next time
 * the same buffers are keyed; a column of nearly unique strings would only double its memory.
 */
const KEEP_RATIO = 1 / 8;
const MIN_ROWS_TO_KEEP = 1024;

/**
 * Dictionaries of string columns whose buffers outlive a query — the decoded columns the
 * warehouse's ColumnCache hands to every scan of a hot file. Arrow buffers are never written
 * after a Data is made, so the same bytes at the same place give the same dictionary. Keyed by
 * the offsets' ArrayBuffer (a scan's Data objects are re-made each time, their buffers are not)
 * then by where the column starts in it, and dropped with the buffer.
 */
const kept = new WeakMap<ArrayBufferLike, Map<number, { readonly length: number; readonly dictionary: ChunkDictionary }>>();

/**
 * The dictionary encoding of a UTF-8 / binary column: computed by one pass that hashes each
 * row's bytes, or reused from an earlier call on the same buffers (see `kept`).
 */
export function chunkDictionary(data: arrow.Data): ChunkDictionary {
  const offsets = data.valueOffsets as Int32Array;
  const n = data.length;
  const at = offsets.byteOffset;
  const known = kept.get(offsets.buffer)?.get(at);
  if (known !== undefined && known.length === n) return known.dictionary;

  const bytes = data.values as Uint8Array;
  const valid = validityBytes(data);
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
  const dictionary = { codes, values, firstRows: Int32Array.from(firstRows) };
  if (n >= MIN_ROWS_TO_KEEP && values.size <= n * KEEP_RATIO) {
    let byStart = kept.get(offsets.buffer);
    if (byStart === undefined) kept.set(offsets.buffer, (byStart = new Map()));
    byStart.set(at, { length: n, dictionary });
  }
  return dictionary;
}
