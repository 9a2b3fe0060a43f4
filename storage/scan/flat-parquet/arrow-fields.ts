/**
 * A flat Parquet file's Arrow fields from its footer, as parquet-wasm (arrow-rs's
 * `parquet_to_arrow_schema`) reports them — for files where the mapping is the plain one, so a
 * file can be opened without parquet-wasm: every column top-level and primitive, no embedded
 * `ARROW:schema` (whose hints arrow-rs applies), and each physical type with an annotation from
 * the table below. Anything else answers undefined and parquet-wasm reads the schema.
 *
 * Why: parquet-wasm parses the footer again in WebAssembly, and V8 compiles its large functions
 * with TurboFan once they have run for a while — in one cold run of the benchmark's join a
 * 39 KB function took 138 ms of a core while the query ran (`--trace-wasm-compilation-times`).
 *
 *   BOOLEAN                                   Bool
 *   INT32   (none | INT_32 | INTEGER(32))     Int32
 *   INT32   INT_16 | INTEGER(16, signed)      Int16
 *   INT32   INT_8 | INTEGER(8, signed)        Int8
 *   INT32   DATE                              Date32 (days)
 *   INT64   (none | INT_64 | INTEGER(64))     Int64
 *   INT64   TIMESTAMP(unit, utc)              Timestamp(unit, utc ? "UTC" : none)
 *   FLOAT / DOUBLE                            Float32 / Float64
 *   BYTE_ARRAY  UTF8 | STRING | JSON          Utf8
 *   BYTE_ARRAY  (none) | BSON                 Binary
 *
 * A column's `field_id` becomes the field's `PARQUET:field_id` metadata, as arrow-rs writes it.
 * The corpus test checks these fields against parquet-wasm's for every file the table covers.
 */
import * as arrow from 'apache-arrow';
import type { FileMetaData, SchemaElement } from 'hyparquet';

export function flatArrowFields(meta: FileMetaData): arrow.Field[] | undefined {
  if (meta.key_value_metadata?.some((kv) => kv.key === 'ARROW:schema')) return undefined;
  const [root, ...columns] = meta.schema;
  // Every element below the root one of its children: no groups.
  if (root === undefined || (root.num_children ?? 0) !== columns.length) return undefined;
  const names = new Set<string>();
  const fields: arrow.Field[] = [];
  for (const column of columns) {
    if (column.num_children || names.has(column.name)) return undefined;
    names.add(column.name);
    const type = arrowType(column);
    if (type === undefined || (column.repetition_type !== 'OPTIONAL' && column.repetition_type !== 'REQUIRED')) return undefined;
    const metadata = column.field_id === undefined ? undefined : new Map([['PARQUET:field_id', String(column.field_id)]]);
    fields.push(new arrow.Field(column.name, type, column.repetition_type === 'OPTIONAL', metadata));
  }
  return fields;
}

function arrowType(column: SchemaElement): arrow.DataType | undefined {
  const converted = column.converted_type;
  const logical = column.logical_type;
  const plain = converted === undefined && logical === undefined;
  switch (column.type) {
    case 'BOOLEAN':
      return plain ? new arrow.Bool() : undefined;
    case 'INT32': {
      if (logical?.type === 'DATE' || converted === 'DATE') return (logical === undefined || logical.type === 'DATE') && (converted === undefined || converted === 'DATE') ? new arrow.DateDay() : undefined;
      const bits = integerBits(converted, logical, 32);
      return bits === 32 ? new arrow.Int32() : bits === 16 ? new arrow.Int16() : bits === 8 ? new arrow.Int8() : undefined;
    }
    case 'INT64': {
      if (logical?.type === 'TIMESTAMP') {
        const unit = { MILLIS: arrow.TimeUnit.MILLISECOND, MICROS: arrow.TimeUnit.MICROSECOND, NANOS: arrow.TimeUnit.NANOSECOND }[logical.unit];
        return new arrow.Timestamp(unit, logical.isAdjustedToUTC ? 'UTC' : null);
      }
      // Legacy TIMESTAMP_MILLIS / _MICROS without a logical type are left to parquet-wasm.
      return integerBits(converted, logical, 64) === 64 ? new arrow.Int64() : undefined;
    }
    case 'FLOAT':
      return plain ? new arrow.Float32() : undefined;
    case 'DOUBLE':
      return plain ? new arrow.Float64() : undefined;
    case 'BYTE_ARRAY': {
      const kind = logical?.type ?? converted;
      if (kind === 'STRING' || kind === 'UTF8' || kind === 'JSON') return new arrow.Utf8();
      if (kind === undefined || kind === 'BSON') return new arrow.Binary();
      return undefined;
    }
    default:
      return undefined;
  }
}

/** The signed width an INT32 / INT64 column's annotations give (`natural` when it has none); undefined for anything else. */
function integerBits(converted: SchemaElement['converted_type'], logical: SchemaElement['logical_type'], natural: 32 | 64): number | undefined {
  const fromConverted = converted === undefined ? undefined : { INT_8: 8, INT_16: 16, INT_32: 32, INT_64: 64 }[converted as string];
  if (converted !== undefined && fromConverted === undefined) return undefined;
  if (logical !== undefined && (logical.type !== 'INTEGER' || !logical.isSigned)) return undefined;
  const fromLogical = logical?.type === 'INTEGER' ? logical.bitWidth : undefined;
  if (fromConverted !== undefined && fromLogical !== undefined && fromConverted !== fromLogical) return undefined;
  const bits = fromLogical ?? fromConverted ?? natural;
  // INT_8 / INT_16 narrow an INT32 only; an INT64 annotated narrower is left to parquet-wasm.
  return natural === 64 ? (bits === 64 ? 64 : undefined) : bits <= 32 ? bits : undefined;
}
