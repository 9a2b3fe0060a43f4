import * as arrow from 'apache-arrow';
import { packBits, unpackBits } from '../../common/arrow/bitmap.js';
import { SqlError } from '../../common/sql-error.js';
import type { ColumnMappingMode } from '../snapshot/snapshot.js';
import type { DeltaType, StructField } from '../schema/types.js';
import { deltaTypeToArrow } from '../schema/arrow.js';
import { nullData } from '../../common/arrow/null-data.js';
import { CodedStringData } from '../../common/arrow/string-dictionary.js';

/**
 * Turns a column as Parquet gave it (physical names, the file's own types) into the column the
 * table's logical schema promises (storage/schema/arrow.ts): nested fields renamed from physical to
 * logical names under column mapping (matched by `PARQUET:field_id` in id mode), fields the file
 * lacks filled with NULL (schema evolution), timestamps of any unit (INT96 arrives as nanoseconds)
 * to microseconds, and widened types upcast (typeWidening; reference/delta-protocol.md §4 step 6).
 * Buffers are reused whenever the physical layout already matches.
 */
export function conformColumn(source: arrow.Data, sourceField: arrow.Field | undefined, target: DeltaType, mode: ColumnMappingMode, where: string): arrow.Data {
  const targetType = deltaTypeToArrow(target);
  const src = source.type;
  switch (target.kind) {
    case 'struct': {
      if (src.typeId !== arrow.Type.Struct) throw mismatch(where, src, targetType);
      const srcFields = (src as arrow.Struct).children;
      const children = target.fields.map((field) => {
        const index = findSourceField(srcFields, field, mode);
        if (index < 0) return nullData(deltaTypeToArrow(field.type), source.length);
        return conformColumn(source.children[index] as arrow.Data, srcFields[index], field.type, mode, where);
      });
      return arrow.makeData({ type: targetType as arrow.Struct, offset: source.offset, length: source.length, nullCount: source.nullCount, nullBitmap: source.nullBitmap, children });
    }
    case 'array': {
      if (src.typeId !== arrow.Type.List) throw mismatch(where, src, targetType);
      const child = conformColumn(source.children[0] as arrow.Data, (src as arrow.List).children[0], target.elementType, mode, where);
      return arrow.makeData({ type: targetType as arrow.List, offset: source.offset, length: source.length, nullCount: source.nullCount, nullBitmap: source.nullBitmap, valueOffsets: source.valueOffsets, child });
    }
    case 'map': {
      if (src.typeId !== arrow.Type.Map) throw mismatch(where, src, targetType);
      const entries = source.children[0] as arrow.Data;
      const entryType = (targetType as arrow.Map_).children[0]?.type as arrow.Struct;
      const key = conformColumn(entries.children[0] as arrow.Data, undefined, target.keyType, mode, where);
      const value = conformColumn(entries.children[1] as arrow.Data, undefined, target.valueType, mode, where);
      const child = arrow.makeData({ type: entryType, offset: entries.offset, length: entries.length, nullCount: entries.nullCount, nullBitmap: entries.nullBitmap, children: [key, value] });
      return arrow.makeData({ type: targetType as arrow.Map_, offset: source.offset, length: source.length, nullCount: source.nullCount, nullBitmap: source.nullBitmap, valueOffsets: source.valueOffsets, child });
    }
    case 'decimal':
      return conformDecimal(source, targetType as arrow.Decimal, where);
    case 'primitive':
      return conformPrimitive(source, targetType, where);
  }
}

/** The index of the Parquet field holding a Delta field: by field id (id mode), else by name. */
export function findSourceField(sourceFields: readonly arrow.Field[], field: StructField, mode: ColumnMappingMode): number {
  if (mode === 'id') {
    const id = String(field.metadata['delta.columnMapping.id'] ?? '');
    const byId = sourceFields.findIndex((f) => f.metadata.get('PARQUET:field_id') === id);
    if (byId >= 0) return byId;
  }
  const name = physicalName(field, mode);
  const exact = sourceFields.findIndex((f) => f.name === name);
  if (exact >= 0) return exact;
  // Spark resolves Parquet columns case-insensitively.
  const lower = name.toLowerCase();
  return sourceFields.findIndex((f) => f.name.toLowerCase() === lower);
}

/** The name a field has inside Parquet files: its physical name under column mapping. */
export function physicalName(field: StructField, mode: ColumnMappingMode): string {
  if (mode === 'none') return field.name;
  const physical = field.metadata['delta.columnMapping.physicalName'];
  return typeof physical === 'string' ? physical : field.name;
}

function conformPrimitive(source: arrow.Data, targetType: arrow.DataType, where: string): arrow.Data {
  const src = source.type;
  const rewrap = (values: ArrayBufferView | undefined = source.values) =>
    arrow.makeData({
      type: targetType as arrow.Int,
      offset: values === source.values ? source.offset : 0,
      length: source.length,
      nullCount: source.nullCount,
      nullBitmap: values === source.values ? source.nullBitmap : sliceBitmap(source),
      data: values as Int32Array,
      ...(source.valueOffsets ? { valueOffsets: source.valueOffsets } : {}),
    } as never);
  if (src.typeId === targetType.typeId) {
    // Kept as it is: re-making it would build the offsets and bytes it holds as dictionary codes.
    if (source instanceof CodedStringData) return source;
    if (arrow.DataType.isTimestamp(src)) return rewrap(timestampToMicros(source));
    if (arrow.DataType.isInt(src) && (src as arrow.Int).bitWidth !== (targetType as arrow.Int).bitWidth) return rewrap(widenInts(source, targetType as arrow.Int));
    if (arrow.DataType.isFloat(src) && (src as arrow.Float).precision !== (targetType as arrow.Float).precision) return rewrap(Float64Array.from(activeValues(source) as Float32Array));
    if (arrow.DataType.isDate(src) && (src as arrow.Date_).unit !== (targetType as arrow.Date_).unit) {
      const ms = activeValues(source) as BigInt64Array;
      return rewrap(Int32Array.from(ms, (v) => Number(v / 86_400_000n)));
    }
    return rewrap();
  }
  // Widening across type families (typeWidening): int → double, date → timestamp_ntz.
  if (arrow.DataType.isInt(src) && arrow.DataType.isFloat(targetType)) {
    const values = activeValues(source);
    return rewrap(Float64Array.from(values as Int32Array, Number));
  }
  if (arrow.DataType.isDate(src) && arrow.DataType.isTimestamp(targetType)) {
    return rewrap(BigInt64Array.from(activeValues(source) as Int32Array, (d) => BigInt(d) * 86_400_000_000n));
  }
  if (src.typeId === arrow.Type.LargeUtf8 && targetType.typeId === arrow.Type.Utf8) {
    return arrow.makeData({ type: targetType as arrow.Utf8, offset: source.offset, length: source.length, nullCount: source.nullCount, nullBitmap: source.nullBitmap, valueOffsets: Int32Array.from(source.valueOffsets as unknown as BigInt64Array, Number), data: source.values as Uint8Array });
  }
  if (src.typeId === arrow.Type.Dictionary) {
    throw SqlError.unsupportedFeature(`dictionary-encoded ${targetType} column read back as dictionary (in ${where})`);
  }
  throw mismatch(where, src, targetType);
}

function conformDecimal(source: arrow.Data, targetType: arrow.Decimal, where: string): arrow.Data {
  const src = source.type;
  if (!arrow.DataType.isDecimal(src)) {
    if (arrow.DataType.isInt(src)) return intsToDecimal(source, targetType);
    throw mismatch(where, src, targetType);
  }
  const s = src as arrow.Decimal;
  if (s.bitWidth === 128 && s.scale === targetType.scale) {
    return arrow.makeData({ type: targetType, offset: source.offset, length: source.length, nullCount: source.nullCount, nullBitmap: source.nullBitmap, data: source.values as Uint32Array });
  }
  // Rare: a narrower decimal or a widened scale; exact BigInt rescaling per value.
  const factor = 10n ** BigInt(targetType.scale - s.scale);
  const wordsPer = s.bitWidth / 32;
  const out = new Uint32Array(source.length * 4);
  const words = source.values as Uint32Array;
  for (let i = 0; i < source.length; i++) {
    let v = 0n;
    for (let w = wordsPer - 1; w >= 0; w--) v = (v << 32n) | BigInt(words[i * wordsPer + w] as number);
    v = BigInt.asIntN(s.bitWidth, v) * factor;
    let u = BigInt.asUintN(128, v);
    for (let w = 0; w < 4; w++) {
      out[i * 4 + w] = Number(u & 0xffffffffn);
      u >>= 32n;
    }
  }
  return arrow.makeData({ type: targetType, length: source.length, nullCount: source.nullCount, nullBitmap: sliceBitmap(source), data: out });
}

function intsToDecimal(source: arrow.Data, targetType: arrow.Decimal): arrow.Data {
  const values = activeValues(source);
  const factor = 10n ** BigInt(targetType.scale);
  const out = new Uint32Array(source.length * 4);
  for (let i = 0; i < source.length; i++) {
    let u = BigInt.asUintN(128, BigInt(values[i] as number | bigint) * factor);
    for (let w = 0; w < 4; w++) {
      out[i * 4 + w] = Number(u & 0xffffffffn);
      u >>= 32n;
    }
  }
  return arrow.makeData({ type: targetType, length: source.length, nullCount: source.nullCount, nullBitmap: sliceBitmap(source), data: out });
}

/** Any timestamp unit (INT96 and nanos included) to microseconds, flooring toward -∞. */
function timestampToMicros(source: arrow.Data): BigInt64Array {
  const unit = (source.type as arrow.Timestamp).unit;
  const values = activeValues(source) as BigInt64Array;
  switch (unit) {
    case arrow.TimeUnit.MICROSECOND:
      return values;
    case arrow.TimeUnit.NANOSECOND: {
      const out = new BigInt64Array(values.length);
      for (let i = 0; i < values.length; i++) {
        const v = values[i] as bigint;
        const q = v / 1000n;
        out[i] = v < 0n && q * 1000n !== v ? q - 1n : q;
      }
      return out;
    }
    case arrow.TimeUnit.MILLISECOND:
      return BigInt64Array.from(values, (v) => v * 1000n);
    case arrow.TimeUnit.SECOND:
      return BigInt64Array.from(values, (v) => v * 1_000_000n);
  }
}

function widenInts(source: arrow.Data, target: arrow.Int): ArrayBufferView {
  const values = activeValues(source);
  if (target.bitWidth === 64) return BigInt64Array.from(values as Int32Array, (v) => BigInt(v));
  const Ctor = target.ArrayType as unknown as { from(v: ArrayLike<number>): ArrayBufferView };
  return Ctor.from(values as Int32Array);
}

/** The values of the rows in view. arrow-js slices value buffers (only bitmaps keep `offset`). */
function activeValues(source: arrow.Data): ArrayLike<number | bigint> & { length: number } {
  return (source.values as Int32Array).subarray(0, source.length);
}

/** The validity bitmap re-based to offset 0 (for columns whose values were copied). */
function sliceBitmap(source: arrow.Data): Uint8Array | undefined {
  if (!source.nullBitmap || source.nullCount === 0) return undefined;
  if (source.offset === 0) return source.nullBitmap;
  return packBits(unpackBits(source.nullBitmap, source.offset, source.length));
}

function mismatch(where: string, src: arrow.DataType, target: arrow.DataType): SqlError {
  return SqlError.corruptData(where, `a column stored as ${src} cannot be read as ${target}`);
}
