import * as arrow from 'apache-arrow';
import { recordBatch } from './record-batch.js';
import { SqlError } from '../sql-error.js';
import { boolBytes, packBits, validityBytes, validityProps } from './bitmap.js';
import { CodedStringData, takeCoded } from './string-dictionary.js';

/**
 * `take(data, indices)`: a new Data whose row i is row `indices[i]` of `data`, or NULL where
 * `indices[i]` is negative (outer joins use that). Works for every type of the Delta→Arrow
 * mapping (storage/schema/arrow.ts) and for sliced inputs (`offset ≠ 0`), recursing into
 * struct, list and map children. Sort, filter, joins and CASE are built on it.
 *
 * Loops read `values` / `valueOffsets` / bitmaps directly; nothing is boxed per row.
 */
export function take(data: arrow.Data, indices: Int32Array): arrow.Data {
  const type = data.type;
  const length = indices.length;
  const valid = takeValidity(data, indices);
  const validity = validityProps(valid);
  switch (data.typeId) {
    case arrow.Type.Null:
      return arrow.makeData({ type, length, nullCount: length } as never);
    case arrow.Type.Bool: {
      const src = boolBytes(data);
      const out = new Uint8Array(length);
      for (let i = 0; i < length; i++) {
        const j = indices[i];
        out[i] = j < 0 ? 0 : src[j];
      }
      return arrow.makeData({ type, length, ...validity, data: packBits(out) } as never);
    }
    case arrow.Type.Int:
    case arrow.Type.Float:
    case arrow.Type.Decimal:
    case arrow.Type.Date:
    case arrow.Type.Time:
    case arrow.Type.Timestamp:
    case arrow.Type.Interval:
    case arrow.Type.Duration:
    case arrow.Type.FixedSizeBinary:
      return arrow.makeData({ type, length, ...validity, data: takeFixed(data, indices) } as never);
    case arrow.Type.Utf8:
    case arrow.Type.Binary: {
      if (data instanceof CodedStringData) return takeCoded(data, indices, type as arrow.Utf8 | arrow.Binary, validity.nullCount, validity.nullBitmap);
      const { valueOffsets, values } = takeVarBinary(data.valueOffsets as Int32Array, data.values as Uint8Array, indices);
      return arrow.makeData({ type, length, ...validity, valueOffsets, data: values } as never);
    }
    case arrow.Type.Struct: {
      const children = data.children.map((child) => take(child, indices));
      return arrow.makeData({ type, length, ...validity, children } as never);
    }
    case arrow.Type.List:
    case arrow.Type.Map: {
      const { valueOffsets, childIndices } = takeListOffsets(data.valueOffsets as Int32Array, indices);
      const child = take(data.children[0], childIndices);
      return arrow.makeData({ type, length, ...validity, valueOffsets, child } as never);
    }
    case arrow.Type.Dictionary: {
      const keys = arrow.makeData({ type: (type as arrow.Dictionary).indices, length: data.length, data: data.values } as never);
      const taken = takeFixed(keys, indices);
      return arrow.makeData({ type, length, ...validity, data: taken, dictionary: data.dictionary } as never);
    }
    default:
      throw SqlError.unsupportedFeature(`take over type ${String(type)}`);
  }
}

/** Rows of `data` where `indices` says, keeping the whole batch's schema: every column taken. */
export function takeBatch(batch: arrow.RecordBatch, indices: Int32Array): arrow.RecordBatch {
  return recordBatch(batch.schema, batch.data.children.map((child) => take(child, indices)), indices.length);
}

/** Identity indices `[start, start + length)`. */
export function range(start: number, length: number): Int32Array {
  const out = new Int32Array(length);
  for (let i = 0; i < length; i++) out[i] = start + i;
  return out;
}

// ── per-layout helpers ──

function takeValidity(data: arrow.Data, indices: Int32Array): Uint8Array | null {
  const src = validityBytes(data);
  const length = indices.length;
  let anyNegative = false;
  for (let i = 0; i < length; i++) if (indices[i] < 0) { anyNegative = true; break; }
  if (src === null && !anyNegative) return null;
  const out = new Uint8Array(length);
  if (src === null) {
    for (let i = 0; i < length; i++) out[i] = indices[i] < 0 ? 0 : 1;
  } else {
    for (let i = 0; i < length; i++) {
      const j = indices[i];
      out[i] = j < 0 ? 0 : src[j];
    }
  }
  return out;
}

type FixedArray = Int8Array | Int16Array | Int32Array | Uint8Array | Uint16Array | Uint32Array | Float32Array | Float64Array | BigInt64Array | BigUint64Array;

function takeFixed(data: arrow.Data, indices: Int32Array): FixedArray {
  const values = data.values as FixedArray;
  const stride = data.stride;
  const length = indices.length;
  const Ctor = values.constructor as new (n: number) => FixedArray;
  const out = new Ctor(length * stride);
  if (stride === 1) {
    if (out instanceof BigInt64Array || out instanceof BigUint64Array) {
      const src = values as BigInt64Array;
      const dst = out as BigInt64Array;
      for (let i = 0; i < length; i++) {
        const j = indices[i];
        dst[i] = j < 0 ? 0n : src[j];
      }
    } else {
      const src = values as Float64Array;
      const dst = out as Float64Array;
      for (let i = 0; i < length; i++) {
        const j = indices[i];
        dst[i] = j < 0 ? 0 : src[j];
      }
    }
    return out;
  }
  // Wider values (Decimal128: 4 words, FixedSizeBinary: n bytes): copy `stride` elements per row.
  const src = values as Uint32Array;
  const dst = out as Uint32Array;
  for (let i = 0; i < length; i++) {
    const j = indices[i];
    if (j < 0) continue;
    const s = j * stride;
    const d = i * stride;
    for (let k = 0; k < stride; k++) dst[d + k] = src[s + k];
  }
  return out;
}

/** The offsets of the taken rows (a -1 index is an empty slot), and the total they span. */
function gatherOffsets(offsets: Int32Array, indices: Int32Array): { valueOffsets: Int32Array; total: number } {
  const length = indices.length;
  const valueOffsets = new Int32Array(length + 1);
  let total = 0;
  for (let i = 0; i < length; i++) {
    const j = indices[i];
    if (j >= 0) total += offsets[j + 1] - offsets[j];
    valueOffsets[i + 1] = total;
  }
  return { valueOffsets, total };
}

function takeVarBinary(offsets: Int32Array, bytes: Uint8Array, indices: Int32Array): { valueOffsets: Int32Array; values: Uint8Array } {
  const length = indices.length;
  const { valueOffsets, total } = gatherOffsets(offsets, indices);
  const values = new Uint8Array(total);
  let pos = 0;
  for (let i = 0; i < length; i++) {
    const j = indices[i];
    if (j < 0) continue;
    const start = offsets[j];
    const end = offsets[j + 1];
    if (end - start > 32) {
      values.set(bytes.subarray(start, end), pos);
      pos += end - start;
    } else {
      for (let k = start; k < end; k++) values[pos++] = bytes[k];
    }
  }
  return { valueOffsets, values };
}

function takeListOffsets(offsets: Int32Array, indices: Int32Array): { valueOffsets: Int32Array; childIndices: Int32Array } {
  const length = indices.length;
  const { valueOffsets, total } = gatherOffsets(offsets, indices);
  const childIndices = new Int32Array(total);
  let pos = 0;
  for (let i = 0; i < length; i++) {
    const j = indices[i];
    if (j < 0) continue;
    for (let k = offsets[j]; k < offsets[j + 1]; k++) childIndices[pos++] = k;
  }
  return { valueOffsets, childIndices };
}
