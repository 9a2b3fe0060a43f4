import * as arrow from 'apache-arrow';
import { dataFromValues, scalarAt, type ScalarValue } from '../arrow/scalar.js';
import { BytesInterner } from './bytes-interner.js';
import { chunkDictionary } from './chunk-dictionary.js';
import { canonicalText, nullFlags, toWords, wordsPerRow } from './value-hash.js';

/**
 * One GROUP BY / join / DISTINCT key column as fixed-width uint32 words per row, so the
 * GroupTable hashes and compares every key type the same way — a few integers per row, with
 * no per-row calls or objects:
 *
 * - fixed width: the value itself, W words (ints, floats with -0 and NaN normalised, dates,
 *   64-bit ints and timestamps as 2 words, decimals as 4, booleans as 1); NULL rows write zeros
 *   (the table's null-mask word tells them apart);
 * - UTF-8 / binary: one word, the string's id in this column's BytesInterner (equal strings,
 *   equal ids, for the table's whole life). Each batch is dictionary-encoded first
 *   (chunk-dictionary.ts), so only its distinct strings are hashed and looked up;
 * - anything nested (struct, list, map): one word, the id of a canonical text of the value (slow
 *   path; nested keys are rare — `GROUP BY window(ts, …)` is the common one).
 *
 * Coded columns write NULL_CODE for NULL and, when only finding, UNKNOWN_CODE for a value the
 * table has never stored (it then matches no group).
 */
export interface KeyColumn {
  readonly type: arrow.DataType;
  /** uint32 words per row. */
  readonly width: number;
  /**
   * Whether the one word is a dense id (0, 1, 2, … in order of first insert; NULL_CODE for NULL),
   * which lets a one-column table map rows to groups by direct indexing.
   */
  readonly coded: boolean;
  /** A view of one batch's column; `insert` false: values never seen get UNKNOWN_CODE, no id. */
  bind(data: arrow.Data, insert: boolean): BoundKeyColumn;
  /**
   * The stored keys as an Arrow column: group g's words are `words[g * stride + at …]`, and it is
   * NULL where `nulls[g]` is 1.
   */
  toData(words: Uint32Array, stride: number, at: number, count: number, nulls: Uint8Array | null): arrow.Data;
}

export interface BoundKeyColumn {
  /** Writes row i's words to `out[i * stride + at …]`. */
  writeWords(out: Uint32Array, stride: number, at: number): void;
  /** 1 for rows whose value is NULL, or null when the column has none. */
  readonly nulls: Uint8Array | null;
  /**
   * String columns: the batch dictionary-encoded — `codes[i]` row i's index into `ids` (-1 for
   * NULL), `ids[d]` that distinct value's id in this column (UNKNOWN_CODE when only finding and
   * unseen), in order of first appearance in the batch.
   */
  dictionary?(): BatchDictionary;
}

/** A batch of a string key column, dictionary-encoded against the column's ids. */
export interface BatchDictionary {
  /** Row i's index into `ids`, -1 for NULL. */
  readonly codes: Int32Array;
  /** Each distinct value's id in the column (UNKNOWN_CODE: only finding, and never stored). */
  readonly ids: Uint32Array;
  /** The row where each distinct value first appears, increasing. */
  readonly firstRows: Int32Array;
}

/** The code of NULL in a coded column. */
export const NULL_CODE = 0xffff_fffe;
/** The code, when only finding, of a value no group holds. */
export const UNKNOWN_CODE = 0xffff_ffff;

export function keyColumnFor(type: arrow.DataType): KeyColumn {
  if (wordsPerRow(type) > 0) return new FixedKeyColumn(type);
  if (arrow.DataType.isUtf8(type) || arrow.DataType.isBinary(type)) return new BytesKeyColumn(type);
  return new NestedKeyColumn(type);
}

// ── fixed width ──

class FixedKeyColumn implements KeyColumn {
  readonly width: number;
  readonly coded = false;

  constructor(readonly type: arrow.DataType) {
    this.width = wordsPerRow(type);
  }

  bind(data: arrow.Data): BoundKeyColumn {
    const width = this.width;
    const nulls = nullFlags(data);
    return {
      nulls,
      writeWords(out, stride, at) {
        const rows = toWords(data, width);
        const n = data.length;
        if (width === 1 && nulls === null) {
          for (let i = 0, o = at; i < n; i++, o += stride) out[o] = rows[i] as number;
          return;
        }
        for (let i = 0, o = at; i < n; i++, o += stride) {
          if (nulls !== null && nulls[i] === 1) {
            for (let w = 0; w < width; w++) out[o + w] = 0;
            continue;
          }
          for (let w = 0; w < width; w++) out[o + w] = rows[i * width + w] as number;
        }
      },
    };
  }

  toData(words: Uint32Array, stride: number, at: number, count: number, nulls: Uint8Array | null): arrow.Data {
    const width = this.width;
    const packed = new Uint32Array(count * width);
    for (let g = 0; g < count; g++) for (let w = 0; w < width; w++) packed[g * width + w] = words[g * stride + at + w] as number;
    const { nullCount, nullBitmap } = validityOf(nulls, count);
    const type = this.type;
    let values: ArrayBufferView;
    if (arrow.DataType.isBool(type)) {
      const bits = new Uint8Array(Math.ceil(count / 8));
      for (let i = 0; i < count; i++) if (packed[i]) bits[i >> 3]! |= 1 << (i & 7);
      values = bits;
    } else if (arrow.DataType.isInt(type) && (type as arrow.Int).bitWidth < 32) {
      const Ctor = (type as arrow.Int).ArrayType as unknown as { from(v: ArrayLike<number>): ArrayBufferView };
      values = Ctor.from(Int32Array.from(packed));
    } else {
      const Ctor = (type as arrow.Int).ArrayType as unknown as new (buffer: ArrayBuffer) => ArrayBufferView;
      values = new Ctor(packed.buffer);
    }
    return arrow.makeData({ type: type as arrow.Int, length: count, nullCount, nullBitmap, data: values as Int32Array });
  }
}

// ── variable width ──

class BytesKeyColumn implements KeyColumn {
  readonly width = 1;
  readonly coded = true;
  private readonly strings = new BytesInterner();

  constructor(readonly type: arrow.DataType) {}

  bind(data: arrow.Data, insert: boolean): BoundKeyColumn {
    const strings = this.strings;
    let encoded: BatchDictionary | undefined;
    // The batch's distinct strings → this column's ids; rows then need one lookup each.
    const dictionary = () => {
      if (encoded !== undefined) return encoded;
      const { codes, values, firstRows } = chunkDictionary(data);
      const ids = new Uint32Array(values.size);
      const bytes = values.bytes;
      for (let d = 0; d < ids.length; d++) {
        const id = strings.intern(bytes, values.start(d), values.end(d), values.hashOf(d), insert);
        ids[d] = id < 0 ? UNKNOWN_CODE : id;
      }
      return (encoded = { codes, ids, firstRows });
    };
    return {
      nulls: nullFlags(data),
      dictionary,
      writeWords(out, stride, at) {
        const { codes, ids } = dictionary();
        const n = codes.length;
        for (let i = 0, o = at; i < n; i++, o += stride) {
          const c = codes[i] as number;
          out[o] = c < 0 ? NULL_CODE : (ids[c] as number);
        }
      },
    };
  }

  toData(words: Uint32Array, stride: number, at: number, count: number): arrow.Data {
    const strings = this.strings;
    const offsets = new Int32Array(count + 1);
    const valid = new Uint8Array(count);
    let total = 0;
    for (let g = 0; g < count; g++) {
      const id = words[g * stride + at] as number;
      if (id !== NULL_CODE) {
        total += strings.end(id) - strings.start(id);
        valid[g] = 1;
      }
      offsets[g + 1] = total;
    }
    const bytes = new Uint8Array(total);
    const arena = strings.bytes;
    for (let g = 0; g < count; g++) {
      if (valid[g] === 0) continue;
      const id = words[g * stride + at] as number;
      bytes.set(arena.subarray(strings.start(id), strings.end(id)), offsets[g] as number);
    }
    const nulls = valid.map((v) => 1 - v);
    const { nullCount, nullBitmap } = validityOf(nulls, count);
    return arrow.makeData({ type: this.type as arrow.Utf8, length: count, nullCount, nullBitmap, valueOffsets: offsets, data: bytes });
  }
}

// ── nested and everything else ──

class NestedKeyColumn implements KeyColumn {
  readonly width = 1;
  readonly coded = true;
  private readonly ids = new Map<string, number>();
  private readonly values: ScalarValue[] = [];

  constructor(readonly type: arrow.DataType) {}

  bind(data: arrow.Data, insert: boolean): BoundKeyColumn {
    const n = data.length;
    const codes = new Uint32Array(n);
    const nulls = new Uint8Array(n);
    let anyNull = false;
    for (let i = 0; i < n; i++) {
      const v = scalarAt(data, i);
      if (v === null) {
        nulls[i] = 1;
        anyNull = true;
        codes[i] = NULL_CODE;
        continue;
      }
      const text = canonicalText(v);
      let id = this.ids.get(text);
      if (id === undefined && insert) {
        id = this.values.length;
        this.ids.set(text, id);
        this.values.push(v);
      }
      codes[i] = id ?? UNKNOWN_CODE;
    }
    return {
      nulls: anyNull ? nulls : null,
      writeWords(out, stride, at) {
        for (let i = 0, o = at; i < n; i++, o += stride) out[o] = codes[i] as number;
      },
    };
  }

  toData(words: Uint32Array, stride: number, at: number, count: number): arrow.Data {
    const values: ScalarValue[] = new Array(count);
    for (let g = 0; g < count; g++) {
      const id = words[g * stride + at] as number;
      values[g] = id === NULL_CODE ? null : (this.values[id] ?? null);
    }
    return dataFromValues(this.type, values);
  }
}

/** The validity bitmap and null count of stored groups from their 1-means-NULL flags. */
function validityOf(nulls: Uint8Array | null, n: number): { nullCount: number; nullBitmap: Uint8Array | undefined } {
  if (nulls === null) return { nullCount: 0, nullBitmap: undefined };
  let nullCount = 0;
  const bits = new Uint8Array(Math.ceil(n / 8));
  for (let i = 0; i < n; i++) {
    if (nulls[i] === 1) nullCount++;
    else bits[i >> 3]! |= 1 << (i & 7);
  }
  return { nullCount, nullBitmap: nullCount === 0 ? undefined : bits };
}
