import * as arrow from 'apache-arrow';
import { assert } from '../../common/sql-error.js';

/**
 * Direct readers over one Arrow `Data` chunk, built once per column per batch so that encoders
 * loop over typed arrays instead of calling `vector.get(i)` per value (DESIGN.md §3).
 *
 * Arrow JS conventions these rely on (apache-arrow 21, `Data.slice`): `values` and
 * `valueOffsets` are already sliced to the chunk, so value `i` is at `values[i * stride]`;
 * the validity bitmap and Bool's bit-packed `values` are not, so bit `offset + i` is value `i`.
 */

/** Index → is-null test, or `undefined` when the chunk has no nulls (the common fast path). */
export function nullTest(data: arrow.Data): ((i: number) => boolean) | undefined {
  if (data.typeId === arrow.Type.Null) return () => true;
  const bitmap = data.nullBitmap;
  if (!bitmap || bitmap.length === 0 || data.nullCount <= 0) return undefined;
  const offset = data.offset;
  return (i) => {
    const bit = offset + i;
    return (bitmap[bit >> 3]! & (1 << (bit & 7))) === 0;
  };
}

/** Bool values (bit-packed, offset-relative). */
export function boolReader(data: arrow.Data): (i: number) => boolean {
  const bits = data.values as Uint8Array;
  const offset = data.offset;
  return (i) => {
    const bit = offset + i;
    return (bits[bit >> 3]! & (1 << (bit & 7))) !== 0;
  };
}

/**
 * 64-bit integers as a Number while exactly representable (|v| < 2^53), else as a BigInt.
 * Reads the low and high halves through an Int32 view to avoid a BigInt per value.
 */
export function int64Reader(values: BigInt64Array | BigUint64Array): (i: number) => number | bigint {
  const halves = new Int32Array(values.buffer, values.byteOffset, values.length * 2);
  const signed = values instanceof BigInt64Array;
  return (i) => {
    const hi = halves[2 * i + 1]!;
    const n = (signed ? hi : hi >>> 0) * 4294967296 + (halves[2 * i]! >>> 0);
    return Number.isSafeInteger(n) ? n : values[i]!;
  };
}

/** Variable-width values (Utf8/Binary and their Large variants): byte range of value `i`. */
export function offsetsOf(data: arrow.Data): (i: number) => number {
  const offsets = data.valueOffsets as Int32Array | BigInt64Array;
  if (offsets instanceof BigInt64Array) return (i) => Number(offsets[i]!);
  return (i) => offsets[i]!;
}

/** Utf8 / LargeUtf8 values, decoded by Node's native UTF-8 decoder over the shared buffer. */
export function utf8Reader(data: arrow.Data): (i: number) => string {
  const bytes = data.values as Uint8Array;
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const offsets = offsetsOf(data);
  return (i) => buffer.toString('utf8', offsets(i), offsets(i + 1));
}

/**
 * Timestamps of any unit as microseconds since the epoch (Number while exact, else BigInt).
 * Nanoseconds are floored to microseconds: Delta stores microseconds, so only foreign
 * batches lose anything.
 */
export function timestampMicrosReader(data: arrow.Data<arrow.Timestamp>): (i: number) => number | bigint {
  const raw = int64Reader(data.values as unknown as BigInt64Array);
  const values = data.values as unknown as BigInt64Array;
  switch (data.type.unit) {
    case arrow.TimeUnit.MICROSECOND:
      return raw;
    case arrow.TimeUnit.MILLISECOND:
      return (i) => {
        const v = raw(i);
        return typeof v === 'number' && Number.isSafeInteger(v * 1000) ? v * 1000 : BigInt(v) * 1000n;
      };
    case arrow.TimeUnit.SECOND:
      return (i) => {
        const v = raw(i);
        return typeof v === 'number' && Number.isSafeInteger(v * 1_000_000) ? v * 1_000_000 : BigInt(v) * 1_000_000n;
      };
    case arrow.TimeUnit.NANOSECOND:
      return (i) => {
        const ns = values[i]!;
        let us = ns / 1000n;
        if (ns < 0n && us * 1000n !== ns) us -= 1n;
        return Number.isSafeInteger(Number(us)) ? Number(us) : us;
      };
  }
}

/** Dates (DateDay or DateMillisecond) as days since the epoch. */
export function dateDaysReader(data: arrow.Data<arrow.Date_>): (i: number) => number {
  if (data.type.unit === arrow.DateUnit.DAY) {
    const values = data.values as Int32Array;
    return (i) => values[i]!;
  }
  const millis = int64Reader(data.values as unknown as BigInt64Array);
  return (i) => Math.floor(Number(millis(i)) / 86_400_000);
}

/** The field names of a Struct, or of a Map's entries struct. */
export function childNames(type: arrow.DataType): string[] {
  return (type.children ?? []).map((f: arrow.Field) => f.name);
}

/** Slow, generic access for types no encoder handles directly (Time, Interval, Union…). */
export function genericReader(data: arrow.Data): (i: number) => unknown {
  const vector = arrow.makeVector(data);
  return (i) => vector.get(i);
}

/** JSON.stringify that survives BigInt (as decimal strings) and typed arrays (as arrays). */
export function stringifyLoose(value: unknown): string {
  return JSON.stringify(value, (_key, v) => {
    if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
    if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return Array.from(v as unknown as ArrayLike<unknown>);
    return v;
  }) ?? 'null';
}

/**
 * The column chunks of a batch. Goes through `getChildAt` rather than `batch.data.children`:
 * `new RecordBatch({ name: vector })` stores Vectors, not Data, as the struct's children.
 */
export function columnsOf(batch: arrow.RecordBatch): arrow.Data[] {
  const columns: arrow.Data[] = [];
  for (let c = 0; c < batch.numCols; c++) {
    const chunks = batch.getChildAt(c)?.data ?? [];
    assert(chunks.length === 1, `column ${c} of a record batch has ${chunks.length} chunks`);
    columns.push(chunks[0]!);
  }
  return columns;
}
