import * as arrow from 'apache-arrow';
import { andValidity, packBits, validityBytes, validityProps } from '../../common/arrow/bitmap.js';

/**
 * Building blocks for the scalar-function kernels (string-fns.ts, math.ts, datetime.ts, …):
 * typed readers over one argument's buffers and builders for results. A reader reads
 * `values` / `valueOffsets` / unpacked validity directly — no `vector.get`, no boxing of
 * numbers — so a kernel's loop stays over typed arrays. Strings are decoded to JS strings only
 * by kernels whose logic needs them (case mapping, regexes); byte-level kernels use `bytes`.
 */

const decoder = new TextDecoder();
const encoder = new TextEncoder();

/** Validity of the rows where every argument is non-NULL (null = all valid): strict functions. */
export function allValid(args: readonly arrow.Data[]): Uint8Array | null {
  let v: Uint8Array | null = null;
  for (const a of args) v = andValidity(v, validityBytes(a));
  return v;
}

/** A Utf8/Binary argument: offsets and bytes, plus a decoder with a one-entry cache for constants. */
export class StrReader {
  readonly offsets: Int32Array;
  readonly bytes: Uint8Array;
  private lastStart = -1;
  private lastEnd = -1;
  private last = '';

  constructor(data: arrow.Data) {
    this.offsets = data.valueOffsets as Int32Array;
    this.bytes = data.values as Uint8Array;
  }

  /** Row i as a JS string. Consecutive rows with identical bytes (a broadcast constant) decode once. */
  str(i: number): string {
    const s = this.offsets[i];
    const e = this.offsets[i + 1];
    if (e - s === this.lastEnd - this.lastStart && sameBytes(this.bytes, s, this.lastStart, e - s)) return this.last;
    this.lastStart = s;
    this.lastEnd = e;
    this.last = decoder.decode(this.bytes.subarray(s, e));
    return this.last;
  }

  byteLength(i: number): number {
    return this.offsets[i + 1] - this.offsets[i];
  }
}

function sameBytes(b: Uint8Array, x: number, y: number, n: number): boolean {
  if (y < 0) return false;
  for (let k = 0; k < n; k++) if (b[x + k] !== b[y + k]) return false;
  return true;
}

/** Whether rows [start, end) of a byte range are all ASCII. */
export function isAscii(bytes: Uint8Array, start: number, end: number): boolean {
  for (let k = start; k < end; k++) if (bytes[k] >= 0x80) return false;
  return true;
}

/** Reads any integer/float/date column as numbers (int64 and timestamps through Number). */
export function numbers(data: arrow.Data): ArrayLike<number> {
  const v = data.values;
  if (v instanceof BigInt64Array || v instanceof BigUint64Array) {
    const out = new Float64Array(data.length);
    for (let i = 0; i < out.length; i++) out[i] = Number(v[i]);
    return out;
  }
  return v as ArrayLike<number>;
}

/**
 * Appends UTF-8 rows into one growing buffer. `finish` gives a Utf8 (or Binary) Data with the
 * validity recorded by `appendNull`.
 */
export class Utf8Builder {
  private bytes: Uint8Array;
  private offsets: Int32Array;
  private valid: Uint8Array;
  private row = 0;
  private size = 0;
  private nulls = 0;

  /** `rows` is the expected row count (the builder grows past it: list children). */
  constructor(rows: number, estimatedBytes = rows * 8) {
    this.bytes = new Uint8Array(Math.max(16, estimatedBytes));
    this.offsets = new Int32Array(rows + 1);
    this.valid = new Uint8Array(rows);
  }

  /** Rows appended so far. */
  get length(): number {
    return this.row;
  }

  private nextRow(): void {
    if (this.row < this.valid.length) return;
    const cap = Math.max(16, this.valid.length * 2);
    const offsets = new Int32Array(cap + 1);
    offsets.set(this.offsets);
    this.offsets = offsets;
    const valid = new Uint8Array(cap);
    valid.set(this.valid);
    this.valid = valid;
  }

  private reserve(n: number): void {
    if (this.size + n <= this.bytes.length) return;
    let cap = this.bytes.length * 2;
    while (cap < this.size + n) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.bytes.subarray(0, this.size));
    this.bytes = next;
  }

  /** Appends bytes to the current row without ending it. */
  push(src: Uint8Array, start: number, end: number): void {
    const n = end - start;
    if (n <= 0) return;
    this.reserve(n);
    if (n < 16) for (let k = 0; k < n; k++) this.bytes[this.size + k] = src[start + k];
    else this.bytes.set(src.subarray(start, end), this.size);
    this.size += n;
  }

  pushByte(b: number): void {
    this.reserve(1);
    this.bytes[this.size++] = b;
  }

  pushString(s: string): void {
    // A UTF-8 encoding takes at most 3 bytes per UTF-16 unit.
    this.reserve(s.length * 3);
    this.size += encoder.encodeInto(s, this.bytes.subarray(this.size)).written;
  }

  /** Ends the current row as a value. */
  end(): void {
    this.nextRow();
    this.valid[this.row] = 1;
    this.offsets[++this.row] = this.size;
  }

  appendString(s: string): void {
    this.pushString(s);
    this.end();
  }

  appendNull(): void {
    this.nextRow();
    this.nulls++;
    this.offsets[++this.row] = this.size;
  }

  finish(type: arrow.DataType = new arrow.Utf8()): arrow.Data {
    const length = this.row;
    const validity = this.nulls === 0 ? { nullCount: 0 } : { nullBitmap: packBits(this.valid, length), nullCount: this.nulls };
    return arrow.makeData({ type, length, ...validity, valueOffsets: this.offsets.subarray(0, length + 1), data: this.bytes.subarray(0, this.size) } as never);
  }
}

/** A fixed-width result (ints, floats, dates, timestamps) with unpacked validity. */
export function fixedData(type: arrow.DataType, values: ArrayLike<unknown>, valid: Uint8Array | null, length: number): arrow.Data {
  return arrow.makeData({ type, length, ...validityProps(valid), data: values } as never);
}

/** A Bool result from one byte per row. */
export function boolData(values: Uint8Array, valid: Uint8Array | null): arrow.Data {
  return arrow.makeData({ type: new arrow.Bool(), length: values.length, ...validityProps(valid), data: packBits(values) } as never);
}

/** A fresh validity array (1 = valid) copied from `valid`, or all ones. */
export function ownValidity(valid: Uint8Array | null, length: number): Uint8Array {
  return valid === null ? new Uint8Array(length).fill(1) : valid.slice();
}
