import * as arrow from 'apache-arrow';
import { validityBytes, boolBytes } from '../../common/arrow/bitmap.js';
import { dataFromValues, scalarAt, type ScalarValue } from '../arrow/scalar.js';

/**
 * The distinct key values of one GROUP BY / join / DISTINCT column, stored compactly by group id,
 * and the per-batch view a probe compares against them. Three physical forms cover every type:
 *
 * - fixed width: each row as W uint32 words (ints, floats with -0 and NaN normalised, dates,
 *   64-bit ints and timestamps as 2 words, decimals as 4, booleans as 1);
 * - variable width: UTF-8 / binary bytes with offsets;
 * - anything nested (struct, list, map): a canonical text of the value (slow path; nested keys
 *   are rare — `GROUP BY window(ts, …)` is the common one).
 *
 * NULL is a value here (GROUP BY and DISTINCT put all NULLs in one group); joins, where NULL
 * never matches, skip null-keyed rows before they reach the table.
 */
export interface KeyColumn {
  readonly type: arrow.DataType;
  /** A view of one batch's column for hashing, comparing and appending its rows. */
  bind(data: arrow.Data): BoundKeyColumn;
  /** The stored distinct values as an Arrow column, in group-id order. */
  toData(): arrow.Data;
}

export interface BoundKeyColumn {
  /** Mixes each row's hash into `hashes` (length = rows). */
  hashInto(hashes: Uint32Array): void;
  /** Whether row `row` equals stored group `group`. */
  equals(row: number, group: number): boolean;
  /** Stores row `row` as the next group. */
  append(row: number): void;
  /** 1 for rows whose value is NULL, or null when the column has none. */
  readonly nulls: Uint8Array | null;
}

export function keyColumnFor(type: arrow.DataType): KeyColumn {
  if (wordsPerRow(type) > 0) return new FixedKeyColumn(type);
  if (arrow.DataType.isUtf8(type) || arrow.DataType.isBinary(type)) return new BytesKeyColumn(type);
  return new GenericKeyColumn(type);
}

// ── hashing primitives ──

/** murmur3's 32-bit finaliser: a cheap, well-mixing integer hash. */
export function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function combine(seed: number, value: number): number {
  return mix32((Math.imul(seed, 31) + value) | 0);
}

const NULL_HASH = 0x9e3779b9;

// ── fixed width ──

function wordsPerRow(type: arrow.DataType): number {
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
function toWords(data: arrow.Data, width: number): Uint32Array {
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

class FixedKeyColumn implements KeyColumn {
  private readonly width: number;
  private words = new Uint32Array(1024);
  private nulls = new Uint8Array(256);
  private count = 0;

  constructor(readonly type: arrow.DataType) {
    this.width = wordsPerRow(type);
  }

  bind(data: arrow.Data): BoundKeyColumn {
    const width = this.width;
    const rows = toWords(data, width);
    const nulls = nullFlags(data);
    const self = this;
    return {
      nulls,
      hashInto(hashes) {
        for (let i = 0; i < hashes.length; i++) {
          if (nulls !== null && nulls[i] === 1) {
            hashes[i] = combine(hashes[i] as number, NULL_HASH);
            continue;
          }
          let h = hashes[i] as number;
          for (let w = 0; w < width; w++) h = combine(h, rows[i * width + w] as number);
          hashes[i] = h;
        }
      },
      equals(row, group) {
        const rowNull = nulls !== null && nulls[row] === 1;
        if (rowNull || self.nulls[group] === 1) return rowNull && self.nulls[group] === 1;
        const a = row * width;
        const b = group * width;
        for (let w = 0; w < width; w++) if (rows[a + w] !== self.words[b + w]) return false;
        return true;
      },
      append(row) {
        self.reserve(self.count + 1);
        if (nulls !== null && nulls[row] === 1) self.nulls[self.count] = 1;
        else self.words.set(rows.subarray(row * width, row * width + width), self.count * width);
        self.count++;
      },
    };
  }

  private reserve(groups: number): void {
    if (groups * this.width > this.words.length) {
      const grown = new Uint32Array(Math.max(groups * this.width, this.words.length * 2));
      grown.set(this.words);
      this.words = grown;
    }
    if (groups > this.nulls.length) {
      const grown = new Uint8Array(Math.max(groups, this.nulls.length * 2));
      grown.set(this.nulls);
      this.nulls = grown;
    }
  }

  toData(): arrow.Data {
    const n = this.count;
    const { nullCount, nullBitmap } = validityOf(this.nulls, n);
    const words = this.words.slice(0, n * this.width);
    const type = this.type;
    let values: ArrayBufferView;
    if (arrow.DataType.isBool(type)) {
      const bits = new Uint8Array(Math.ceil(n / 8));
      for (let i = 0; i < n; i++) if (words[i]) bits[i >> 3]! |= 1 << (i & 7);
      values = bits;
    } else if (arrow.DataType.isInt(type) && (type as arrow.Int).bitWidth < 32) {
      const Ctor = (type as arrow.Int).ArrayType as unknown as { from(v: ArrayLike<number>): ArrayBufferView };
      values = Ctor.from(Int32Array.from(words));
    } else {
      const Ctor = (type as arrow.Int).ArrayType as unknown as new (buffer: ArrayBuffer) => ArrayBufferView;
      values = new Ctor(words.buffer);
    }
    return arrow.makeData({ type: type as arrow.Int, length: n, nullCount, nullBitmap, data: values as Int32Array });
  }
}

// ── variable width ──

class BytesKeyColumn implements KeyColumn {
  private offsets = new Int32Array(257);
  private bytes = new Uint8Array(4096);
  private nulls = new Uint8Array(256);
  private count = 0;

  constructor(readonly type: arrow.DataType) {}

  bind(data: arrow.Data): BoundKeyColumn {
    const offsets = data.valueOffsets as Int32Array;
    const bytes = data.values as Uint8Array;
    const nulls = nullFlags(data);
    const self = this;
    return {
      nulls,
      hashInto(hashes) {
        for (let i = 0; i < hashes.length; i++) {
          if (nulls !== null && nulls[i] === 1) {
            hashes[i] = combine(hashes[i] as number, NULL_HASH);
            continue;
          }
          // FNV-1a over the bytes, then mixed into the row hash.
          let h = 0x811c9dc5;
          const end = offsets[i + 1] as number;
          for (let k = offsets[i] as number; k < end; k++) h = Math.imul(h ^ (bytes[k] as number), 0x01000193);
          hashes[i] = combine(hashes[i] as number, h >>> 0);
        }
      },
      equals(row, group) {
        const rowNull = nulls !== null && nulls[row] === 1;
        if (rowNull || self.nulls[group] === 1) return rowNull && self.nulls[group] === 1;
        const a = offsets[row] as number;
        const len = (offsets[row + 1] as number) - a;
        const b = self.offsets[group] as number;
        if ((self.offsets[group + 1] as number) - b !== len) return false;
        for (let k = 0; k < len; k++) if (bytes[a + k] !== self.bytes[b + k]) return false;
        return true;
      },
      append(row) {
        const isNull = nulls !== null && nulls[row] === 1;
        const start = offsets[row] as number;
        const len = isNull ? 0 : (offsets[row + 1] as number) - start;
        self.reserve(self.count + 1, len);
        const at = self.offsets[self.count] as number;
        if (len > 0) self.bytes.set(bytes.subarray(start, start + len), at);
        self.nulls[self.count] = isNull ? 1 : 0;
        self.offsets[++self.count] = at + len;
      },
    };
  }

  private reserve(groups: number, extraBytes: number): void {
    if (groups + 1 > this.offsets.length) {
      const grown = new Int32Array(Math.max(groups + 1, this.offsets.length * 2));
      grown.set(this.offsets);
      this.offsets = grown;
      const nulls = new Uint8Array(grown.length);
      nulls.set(this.nulls);
      this.nulls = nulls;
    }
    const needed = (this.offsets[this.count] as number) + extraBytes;
    if (needed > this.bytes.length) {
      const grown = new Uint8Array(Math.max(needed, this.bytes.length * 2));
      grown.set(this.bytes);
      this.bytes = grown;
    }
  }

  toData(): arrow.Data {
    const n = this.count;
    const { nullCount, nullBitmap } = validityOf(this.nulls, n);
    const offsets = this.offsets.slice(0, n + 1);
    return arrow.makeData({
      type: this.type as arrow.Utf8,
      length: n,
      nullCount,
      nullBitmap,
      valueOffsets: offsets,
      data: this.bytes.slice(0, offsets[n] as number),
    });
  }
}

// ── nested and everything else ──

class GenericKeyColumn implements KeyColumn {
  private readonly texts: (string | null)[] = [];
  private readonly values: ScalarValue[] = [];

  constructor(readonly type: arrow.DataType) {}

  bind(data: arrow.Data): BoundKeyColumn {
    const n = data.length;
    const values: ScalarValue[] = new Array(n);
    const texts: (string | null)[] = new Array(n);
    const nulls = new Uint8Array(n);
    let anyNull = false;
    for (let i = 0; i < n; i++) {
      const v = scalarAt(data, i);
      values[i] = v;
      texts[i] = v === null ? null : canonicalText(v);
      if (v === null) {
        nulls[i] = 1;
        anyNull = true;
      }
    }
    const self = this;
    return {
      nulls: anyNull ? nulls : null,
      hashInto(hashes) {
        for (let i = 0; i < n; i++) {
          const text = texts[i];
          let h = 0x811c9dc5;
          if (text === null || text === undefined) h = NULL_HASH;
          else for (let k = 0; k < text.length; k++) h = Math.imul(h ^ text.charCodeAt(k), 0x01000193);
          hashes[i] = combine(hashes[i] as number, h >>> 0);
        }
      },
      equals: (row, group) => texts[row] === self.texts[group],
      append(row) {
        self.texts.push(texts[row] ?? null);
        self.values.push(values[row] ?? null);
      },
    };
  }

  toData(): arrow.Data {
    return dataFromValues(this.type, this.values);
  }
}

/** A canonical text of a nested value: equal values, equal texts (bigint and bytes included). */
function canonicalText(value: ScalarValue): string {
  return JSON.stringify(value, (_, v: unknown) => {
    if (typeof v === 'bigint') return `${v}n`;
    if (v instanceof Uint8Array) return `0x${Buffer.from(v).toString('hex')}`;
    if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
    return v;
  });
}

/** 1 for each NULL row of a batch column, or null when it has none. */
function nullFlags(data: arrow.Data): Uint8Array | null {
  const valid = validityBytes(data);
  return valid === null ? null : valid.map((v) => (v === 0 ? 1 : 0));
}

/** The validity bitmap and null count of stored groups from their 1-means-NULL flags. */
function validityOf(nulls: Uint8Array, n: number): { nullCount: number; nullBitmap: Uint8Array | undefined } {
  let nullCount = 0;
  const bits = new Uint8Array(Math.ceil(n / 8));
  for (let i = 0; i < n; i++) {
    if (nulls[i] === 1) nullCount++;
    else bits[i >> 3]! |= 1 << (i & 7);
  }
  return { nullCount, nullBitmap: nullCount === 0 ? undefined : bits };
}
