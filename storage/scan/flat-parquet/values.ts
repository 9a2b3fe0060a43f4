/**
 * Column values as the chunk decoder accumulates them: dense (one slot per non-null value, in
 * row order) — fixed-width typed arrays, or offsets + bytes for BYTE_ARRAY — or dictionary codes
 * into a dictionary page's values. All arrays are allocated here (never views of Node's pooled
 * Buffers), so batches made from them can be transferred to another thread.
 */
import { isUtf8 } from 'node:buffer';
import type { ParquetType } from 'hyparquet';
import { Declined } from './decline.js';

export type FixedArray = Uint8Array | Int32Array | BigInt64Array | Float32Array | Float64Array;

/** Dense values: `fixed` (booleans one byte each, 0/1) or variable-length `bytes`. */
export type DenseValues = { readonly kind: 'fixed'; readonly array: FixedArray } | { readonly kind: 'bytes'; readonly offsets: Int32Array; readonly bytes: Uint8Array };

/** Bytes per value of a fixed-width physical type (booleans are unpacked to one byte). */
export function fixedWidth(physical: ParquetType): number {
  switch (physical) {
    case 'BOOLEAN':
      return 1;
    case 'INT32':
    case 'FLOAT':
      return 4;
    case 'INT64':
    case 'DOUBLE':
      return 8;
    default:
      return 0;
  }
}

export function newFixedArray(physical: ParquetType, length: number): FixedArray {
  switch (physical) {
    case 'BOOLEAN':
      return new Uint8Array(length);
    case 'INT32':
      return new Int32Array(length);
    case 'INT64':
      return new BigInt64Array(length);
    case 'FLOAT':
      return new Float32Array(length);
    case 'DOUBLE':
      return new Float64Array(length);
    default:
      throw new Declined(`physical type ${physical}`);
  }
}

/** A growing dense column of one physical type, with room for `capacity` values. */
export class DenseBuilder {
  count = 0;
  private fixed: FixedArray | undefined;
  private offsets: Int32Array | undefined;
  private bytes: Uint8Array | undefined;
  private byteLength = 0;

  constructor(
    readonly physical: ParquetType,
    capacity: number,
    byteCapacity: number,
  ) {
    if (physical === 'BYTE_ARRAY') {
      this.offsets = new Int32Array(capacity + 1);
      this.bytes = new Uint8Array(Math.max(64, byteCapacity));
    } else {
      this.fixed = newFixedArray(physical, capacity);
    }
  }

  /** Appends `n` PLAIN-encoded values from `src[pos, end)`; answers where they end. */
  appendPlain(src: Uint8Array, pos: number, end: number, n: number): number {
    if (this.physical === 'BYTE_ARRAY') return this.appendPlainBytes(src, pos, end, n);
    const fixed = this.fixed as FixedArray;
    if (this.count + n > fixed.length) throw new Declined('more values than rows');
    if (this.physical === 'BOOLEAN') {
      // Bit-packed, LSB first.
      if (pos + ((n + 7) >> 3) > end) throw new Declined('PLAIN booleans past the end of the page');
      const out = fixed as Uint8Array;
      for (let i = 0; i < n; i++) out[this.count + i] = ((src[pos + (i >> 3)] as number) >> (i & 7)) & 1;
      this.count += n;
      return pos + ((n + 7) >> 3);
    }
    const width = fixedWidth(this.physical);
    const bytes = n * width;
    if (pos + bytes > end) throw new Declined('PLAIN values past the end of the page');
    new Uint8Array(fixed.buffer, fixed.byteOffset + this.count * width, bytes).set(src.subarray(pos, pos + bytes));
    this.count += n;
    return pos + bytes;
  }

  /**
   * Appends the values at `positions[0…m)` (ascending indexes) among the `n` PLAIN-encoded values
   * at `src[pos, end)`: a read narrowed to a few rows (key-set.ts). Byte arrays are walked to reach
   * them; fixed-width values are read where they lie.
   */
  appendPlainAt(src: Uint8Array, pos: number, end: number, n: number, positions: Int32Array, m: number): void {
    if (this.physical === 'BYTE_ARRAY') return this.appendPlainBytesAt(src, pos, end, n, positions, m);
    const fixed = this.fixed as FixedArray;
    if (this.count + m > fixed.length) throw new Declined('more values than rows');
    if (this.physical === 'BOOLEAN') {
      if (pos + ((n + 7) >> 3) > end) throw new Declined('PLAIN booleans past the end of the page');
      const out = fixed as Uint8Array;
      for (let k = 0; k < m; k++) {
        const i = positions[k] as number;
        out[this.count + k] = ((src[pos + (i >> 3)] as number) >> (i & 7)) & 1;
      }
    } else {
      const width = fixedWidth(this.physical);
      if (pos + n * width > end) throw new Declined('PLAIN values past the end of the page');
      const out = new Uint8Array(fixed.buffer, fixed.byteOffset + this.count * width, m * width);
      copyAt(src, pos, width, positions, m, out);
    }
    this.count += m;
  }

  private appendPlainBytesAt(src: Uint8Array, pos: number, end: number, n: number, positions: Int32Array, m: number): void {
    for (let i = 0, k = 0; i < n && k < m; i++) {
      if (pos + 4 > end) throw new Declined('PLAIN byte array past the end of the page');
      const len = ((src[pos] as number) | ((src[pos + 1] as number) << 8) | ((src[pos + 2] as number) << 16) | ((src[pos + 3] as number) << 24)) >>> 0;
      pos += 4;
      if (pos + len > end) throw new Declined('PLAIN byte array past the end of the page');
      if (i === positions[k]) {
        this.pushBytes(src, pos, pos + len);
        k++;
      }
      pos += len;
    }
  }

  /** Appends booleans given one per Int32 slot (RLE-encoded boolean pages). */
  appendBooleans(values: Int32Array, n: number): void {
    const out = this.fixed as Uint8Array;
    if (this.count + n > out.length) throw new Declined('more values than rows');
    for (let i = 0; i < n; i++) out[this.count + i] = (values[i] as number) & 1;
    this.count += n;
  }

  /** Appends `n` values picked from `dictionary` by `codes[0, n)` (a dictionary that fell back to PLAIN). */
  appendGathered(dictionary: DenseValues, codes: Int32Array, n: number): void {
    if (dictionary.kind === 'fixed') {
      const out = this.fixed as FixedArray;
      if (this.count + n > out.length) throw new Declined('more values than rows');
      // Same element type on both sides (the dictionary has the column's physical type).
      if (out instanceof BigInt64Array) gatherBigInts(dictionary.array as BigInt64Array, codes, n, out, this.count);
      else gatherNumbers(dictionary.array as Int32Array, codes, n, out as Int32Array, this.count);
      this.count += n;
      return;
    }
    const { offsets: dictOffsets, bytes: dictBytes } = dictionary;
    for (let i = 0; i < n; i++) {
      const code = codes[i] as number;
      this.pushBytes(dictBytes, dictOffsets[code] as number, dictOffsets[code + 1] as number);
    }
  }

  private appendPlainBytes(src: Uint8Array, pos: number, end: number, n: number): number {
    for (let i = 0; i < n; i++) {
      if (pos + 4 > end) throw new Declined('PLAIN byte array past the end of the page');
      const len = ((src[pos] as number) | ((src[pos + 1] as number) << 8) | ((src[pos + 2] as number) << 16) | ((src[pos + 3] as number) << 24)) >>> 0;
      pos += 4;
      if (pos + len > end) throw new Declined('PLAIN byte array past the end of the page');
      this.pushBytes(src, pos, pos + len);
      pos += len;
    }
    return pos;
  }

  private pushBytes(src: Uint8Array, start: number, end: number): void {
    const offsets = this.offsets as Int32Array;
    if (this.count + 1 >= offsets.length) throw new Declined('more values than rows');
    const len = end - start;
    let bytes = this.bytes as Uint8Array;
    if (this.byteLength + len > bytes.length) {
      const grown = new Uint8Array(Math.max(bytes.length * 2, this.byteLength + len));
      grown.set(bytes.subarray(0, this.byteLength));
      this.bytes = bytes = grown;
    }
    let at = this.byteLength;
    if (len < 16) for (let k = start; k < end; k++) bytes[at++] = src[k] as number;
    else bytes.set(src.subarray(start, end), at);
    this.byteLength += len;
    offsets[++this.count] = this.byteLength;
  }

  /** Whether values [from, count) are each valid UTF-8 (parquet-wasm rejects a Utf8 column that is not). */
  validUtf8(from: number): boolean {
    const offsets = this.offsets as Int32Array;
    return utf8Values(offsets, this.bytes as Uint8Array, from, this.count);
  }

  finish(): DenseValues {
    if (this.physical === 'BYTE_ARRAY') {
      return { kind: 'bytes', offsets: (this.offsets as Int32Array).subarray(0, this.count + 1), bytes: (this.bytes as Uint8Array).subarray(0, this.byteLength) };
    }
    return { kind: 'fixed', array: (this.fixed as FixedArray).subarray(0, this.count) };
  }
}

/** Values `positions[0…m)` of `width` bytes each from `src` at `pos`, back to back into `out`. */
function copyAt(src: Uint8Array, pos: number, width: number, positions: Int32Array, m: number, out: Uint8Array): void {
  for (let k = 0, o = 0; k < m; k++) {
    const from = pos + (positions[k] as number) * width;
    for (let b = 0; b < width; b++) out[o++] = src[from + b] as number;
  }
}

function gatherNumbers(src: Int32Array, codes: Int32Array, n: number, out: Int32Array, at: number): void {
  for (let i = 0; i < n; i++) out[at + i] = src[codes[i] as number] as number;
}

function gatherBigInts(src: BigInt64Array, codes: Int32Array, n: number, out: BigInt64Array, at: number): void {
  for (let i = 0; i < n; i++) out[at + i] = src[codes[i] as number] as bigint;
}

/**
 * Whether values [from, to) are each valid UTF-8: their bytes together are, and none starts with
 * a continuation byte (10xxxxxx) — so no value boundary splits a character.
 */
export function utf8Values(offsets: Int32Array, bytes: Uint8Array, from: number, to: number): boolean {
  const start = offsets[from] as number;
  const end = offsets[to] as number;
  if (!isUtf8(bytes.subarray(start, end))) return false;
  let bad = 0;
  for (let i = from; i < to; i++) {
    const at = offsets[i] as number;
    if (at < (offsets[i + 1] as number)) bad |= ((bytes[at] as number) & 0xc0) === 0x80 ? 1 : 0;
  }
  return bad === 0;
}
