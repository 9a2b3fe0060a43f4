import * as arrow from 'apache-arrow';
import { deltaSchemaToArrow } from '../../storage/schema/arrow.js';
import type { StructType } from '../../storage/schema/types.js';

/**
 * Column builders for the demo generators: whole typed arrays in, Arrow data out, in the Arrow
 * types the write path expects (storage/schema/arrow.ts).
 */

/** Doubles; `valid` (1 = present), when given, marks the NULLs. */
export function float64(values: Float64Array, valid?: Uint8Array): arrow.Data {
  return arrow.makeData({ type: new arrow.Float64(), length: values.length, data: values, ...nulls(valid) });
}

export function int32(values: Int32Array): arrow.Data {
  return arrow.makeData({ type: new arrow.Int32(), length: values.length, data: values });
}

export function int64(values: BigInt64Array): arrow.Data {
  return arrow.makeData({ type: new arrow.Int64(), length: values.length, data: values });
}

/** Days since the epoch. */
export function date(days: Int32Array): arrow.Data {
  return arrow.makeData({ type: new arrow.DateDay(), length: days.length, data: days });
}

/** Microseconds since the epoch, UTC (Delta `timestamp`). */
export function timestamp(micros: BigInt64Array): arrow.Data {
  return arrow.makeData({ type: new arrow.TimestampMicrosecond('UTC'), length: micros.length, data: micros });
}

/** UTF-8 strings (`null` for NULL), encoded once into one offsets + bytes pair. */
export function utf8(values: readonly (string | null)[]): arrow.Data {
  const encoder = new TextEncoder();
  const encoded = values.map((v) => encoder.encode(v ?? ''));
  const valid = values.some((v) => v === null) ? Uint8Array.from(values, (v) => (v === null ? 0 : 1)) : undefined;
  const offsets = new Int32Array(values.length + 1);
  for (let i = 0; i < encoded.length; i++) offsets[i + 1] = (offsets[i] as number) + (encoded[i] as Uint8Array).length;
  const bytes = new Uint8Array(offsets[values.length] as number);
  for (let i = 0; i < encoded.length; i++) bytes.set(encoded[i] as Uint8Array, offsets[i] as number);
  return arrow.makeData({ type: new arrow.Utf8(), length: values.length, valueOffsets: offsets, data: bytes, ...nulls(valid) });
}

/** Arrow's validity bitmap and null count from one byte per row (1 = present). */
function nulls(valid: Uint8Array | undefined): { nullBitmap?: Uint8Array; nullCount?: number } {
  if (valid === undefined) return {};
  const bitmap = new Uint8Array((valid.length + 7) >> 3);
  let nullCount = 0;
  for (let i = 0; i < valid.length; i++) {
    if (valid[i] === 1) bitmap[i >> 3] = (bitmap[i >> 3] as number) | (1 << (i & 7));
    else nullCount++;
  }
  return { nullBitmap: bitmap, nullCount };
}

/** Strings drawn from a small vocabulary by index (`picks[i]` indexes `words`). */
export function utf8Picks(words: readonly string[], picks: Uint8Array | Uint16Array | Int32Array): arrow.Data {
  const out = new Array<string>(picks.length);
  for (let i = 0; i < picks.length; i++) out[i] = words[picks[i] as number] as string;
  return utf8(out);
}

/** A struct column from its children's data, in the order of `type`'s fields. */
export function struct(type: arrow.Struct, children: readonly arrow.Data[]): arrow.Data {
  return arrow.makeData({ type, length: children[0]?.length ?? 0, nullCount: 0, children: [...children] });
}

/** A record batch of `schema` from one Data per field, in field order. */
export function recordBatch(schema: StructType, columns: readonly arrow.Data[]): arrow.RecordBatch {
  const arrowSchema = deltaSchemaToArrow(schema);
  const length = columns[0]?.length ?? 0;
  const data = arrow.makeData({ type: new arrow.Struct(arrowSchema.fields), length, nullCount: 0, children: [...columns] });
  return new arrow.RecordBatch(arrowSchema, data);
}

/** The Arrow struct type of a Delta struct column of `schema`, by name. */
export function structTypeOf(schema: StructType, column: string): arrow.Struct {
  const field = deltaSchemaToArrow(schema).fields.find((f) => f.name === column);
  if (field === undefined || !(field.type instanceof arrow.Struct)) throw new Error(`demo schema has no struct column ${column}`);
  return field.type;
}
