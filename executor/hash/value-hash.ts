import * as arrow from 'apache-arrow';
import { boolBytes, validityBytes } from '../../common/arrow/bitmap.js';
import { scalarAt, type ScalarValue } from '../arrow/scalar.js';

/**
 * Hashes of values by their content alone, the same for equal values in any batch and any run:
 * what `approx_count_distinct`'s sketches need (key-columns.ts keys rows by codes that are only
 * stable inside one table, and interns every distinct string, which a sketch must not).
 *
 * - fixed width: each row as W uint32 words (ints, floats with -0 and NaN normalised, dates,
 *   64-bit ints and timestamps as 2 words, decimals as 4, booleans as 1), mixed word by word;
 * - UTF-8 / binary: FNV-1a over the bytes;
 * - anything nested: FNV-1a over a canonical text of the value.
 */
export interface ValueHasher {
  /** Mixes each row's hash into `hashes` (length = rows); NULL rows mix in one fixed constant. */
  hashInto(data: arrow.Data, hashes: Uint32Array): void;
}

/** murmur3's 32-bit finaliser: a cheap, well-mixing integer hash. */
export function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Folds `value` into a running hash `seed`. */
export function combine(seed: number, value: number): number {
  return mix32((Math.imul(seed, 31) + value) | 0);
}

export const NULL_HASH = 0x9e3779b9;

/** FNV-1a over `bytes[start, end)`. */
export function hashBytes(bytes: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let k = start; k < end; k++) h = Math.imul(h ^ (bytes[k] as number), 0x01000193);
  return h >>> 0;
}

export function valueHasher(type: arrow.DataType): ValueHasher {
  const width = wordsPerRow(type);
  if (width > 0) return { hashInto: (data, hashes) => hashFixed(data, width, hashes) };
  if (arrow.DataType.isUtf8(type) || arrow.DataType.isBinary(type)) return { hashInto: hashVariable };
  return { hashInto: hashNested };
}

/** 1 for each NULL row of a batch column, or null when it has none. */
export function nullFlags(data: arrow.Data): Uint8Array | null {
  const valid = validityBytes(data);
  return valid === null ? null : valid.map((v) => (v === 0 ? 1 : 0));
}

// ── fixed width ──

/** uint32 words per row of a fixed-width type; 0 for variable-width and nested types. */
export function wordsPerRow(type: arrow.DataType): number {
  switch (type.typeId) {
    case arrow.Type.Bool:
    case arrow.Type.Date:
      return arrow.DataType.isDate(type) && (type as arrow.Date_).unit === arrow.DateUnit.MILLISECOND ? 2 : 1;
    case arrow.Type.Int:
      return (type as arrow.Int).bitWidth === 64 ? 2 : 1;
    case arrow.Type.Float:
      return (type as arrow.Float).precision === arrow.Precision.DOUBLE ? 2 : 1;
    case arrow.Type.Timestamp:
    case arrow.Type.Time:
    case arrow.Type.Duration:
      return 2;
    case arrow.Type.Decimal:
      return (type as arrow.Decimal).bitWidth / 32;
    default:
      return 0;
  }
}

/** A batch column as W words per row (copying only where a normalisation or widening is needed). */
export function toWords(data: arrow.Data, width: number): Uint32Array {
  const type = data.type;
  const n = data.length;
  if (arrow.DataType.isBool(type)) return Uint32Array.from(boolBytes(data));
  const values = data.values as ArrayBufferView & { length: number };
  if (arrow.DataType.isFloat(type)) {
    // -0 equals 0 and every NaN equals every NaN as a key (PostgreSQL groups them so).
    const copy = (type as arrow.Float).precision === arrow.Precision.DOUBLE ? new Float64Array(n) : new Float32Array(n);
    const src = values as unknown as Float64Array;
    for (let i = 0; i < n; i++) {
      const v = src[i] as number;
      copy[i] = v === 0 ? 0 : Number.isNaN(v) ? NaN : v;
    }
    return new Uint32Array(copy.buffer, 0, n * width);
  }
  if (arrow.DataType.isInt(type) && (type as arrow.Int).bitWidth < 32) return Uint32Array.from(values as unknown as Int16Array, (v) => v >>> 0);
  return new Uint32Array(values.buffer, values.byteOffset, n * width);
}

function hashFixed(data: arrow.Data, width: number, hashes: Uint32Array): void {
  const rows = toWords(data, width);
  const nulls = nullFlags(data);
  for (let i = 0; i < hashes.length; i++) {
    if (nulls !== null && nulls[i] === 1) {
      hashes[i] = combine(hashes[i] as number, NULL_HASH);
      continue;
    }
    let h = hashes[i] as number;
    for (let w = 0; w < width; w++) h = combine(h, rows[i * width + w] as number);
    hashes[i] = h;
  }
}

// ── variable width ──

function hashVariable(data: arrow.Data, hashes: Uint32Array): void {
  const offsets = data.valueOffsets as Int32Array;
  const bytes = data.values as Uint8Array;
  const nulls = nullFlags(data);
  for (let i = 0; i < hashes.length; i++) {
    if (nulls !== null && nulls[i] === 1) hashes[i] = combine(hashes[i] as number, NULL_HASH);
    else hashes[i] = combine(hashes[i] as number, hashBytes(bytes, offsets[i] as number, offsets[i + 1] as number));
  }
}

// ── nested ──

function hashNested(data: arrow.Data, hashes: Uint32Array): void {
  for (let i = 0; i < hashes.length; i++) {
    const v = scalarAt(data, i);
    let h = NULL_HASH;
    if (v !== null) {
      const text = canonicalText(v);
      h = 0x811c9dc5;
      for (let k = 0; k < text.length; k++) h = Math.imul(h ^ text.charCodeAt(k), 0x01000193);
      h >>>= 0;
    }
    hashes[i] = combine(hashes[i] as number, h);
  }
}

/** A canonical text of a nested value: equal values, equal texts (bigint and bytes included). */
export function canonicalText(value: ScalarValue): string {
  return JSON.stringify(value, (_, v: unknown) => {
    if (typeof v === 'bigint') return `${v}n`;
    if (v instanceof Uint8Array) return `0x${Buffer.from(v).toString('hex')}`;
    if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
    return v;
  });
}
