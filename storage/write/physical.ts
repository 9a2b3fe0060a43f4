import * as arrow from 'apache-arrow';
import { require, SqlError } from '../../common/sql-error.js';
import { nullData } from '../../common/arrow/null-data.js';
import { validityBytes } from '../../common/arrow/bitmap.js';
import { take } from '../../common/arrow/take.js';
import { deltaTypeToArrow } from '../schema/arrow.js';
import type { DeltaType, StructField, StructType } from '../schema/types.js';
import type { ColumnMappingMode } from '../snapshot/snapshot.js';

/**
 * Logical batches (what the executor produces: logical names, storage/schema/arrow.ts types) →
 * the physical columns a data file holds (reference/delta-protocol.md §8: "Do not write partition
 * columns into the Parquet files … Under column mapping, write physical names and field_ids").
 * Buffers are shared, never copied: only names and field metadata change.
 */
export interface PhysicalLayout {
  /** Logical fields of the data columns (partition columns left out), in file order. */
  readonly dataFields: readonly StructField[];
  /** The same fields renamed to physical names (nested fields too): what stats are keyed by. */
  readonly physicalFields: readonly StructField[];
  /** The Arrow schema of the file, with `PARQUET:field_id` under column mapping. */
  readonly arrowSchema: arrow.Schema;
}

export function physicalLayout(schema: StructType, partitionColumns: readonly string[], mode: ColumnMappingMode): PhysicalLayout {
  const partitions = new Set(partitionColumns);
  const dataFields = schema.fields.filter((f) => !partitions.has(f.name));
  const physicalFields = dataFields.map((f) => toPhysicalField(f, mode));
  const arrowSchema = new arrow.Schema(dataFields.map((f) => toArrowField(f, mode)));
  return { dataFields, physicalFields, arrowSchema };
}

function physicalNameOf(field: StructField, mode: ColumnMappingMode): string {
  const physical = field.metadata['delta.columnMapping.physicalName'];
  return mode !== 'none' && typeof physical === 'string' ? physical : field.name;
}

function toPhysicalField(field: StructField, mode: ColumnMappingMode): StructField {
  return { ...field, name: physicalNameOf(field, mode), type: toPhysicalType(field.type, mode) };
}

function toPhysicalType(type: DeltaType, mode: ColumnMappingMode): DeltaType {
  switch (type.kind) {
    case 'struct':
      return { kind: 'struct', fields: type.fields.map((f) => toPhysicalField(f, mode)) };
    case 'array':
      return { ...type, elementType: toPhysicalType(type.elementType, mode) };
    case 'map':
      return { ...type, keyType: toPhysicalType(type.keyType, mode), valueType: toPhysicalType(type.valueType, mode) };
    default:
      return type;
  }
}

function toArrowField(field: StructField, mode: ColumnMappingMode): arrow.Field {
  const metadata = new Map<string, string>();
  const id = field.metadata['delta.columnMapping.id'];
  if (mode !== 'none' && id !== undefined) metadata.set('PARQUET:field_id', String(id));
  return new arrow.Field(physicalNameOf(field, mode), toArrowType(field.type, mode), field.nullable, metadata);
}

function toArrowType(type: DeltaType, mode: ColumnMappingMode): arrow.DataType {
  switch (type.kind) {
    case 'struct':
      return new arrow.Struct(type.fields.map((f) => toArrowField(f, mode)));
    case 'array':
      return new arrow.List(new arrow.Field('element', toArrowType(type.elementType, mode), type.containsNull));
    case 'map': {
      const entries = new arrow.Struct([
        new arrow.Field('key', toArrowType(type.keyType, mode), false),
        new arrow.Field('value', toArrowType(type.valueType, mode), type.valueContainsNull),
      ]);
      return new arrow.Map_(new arrow.Field('entries', entries, false), false);
    }
    default:
      return deltaTypeToArrow(type);
  }
}

/**
 * The columns of a logical batch by table field: matched by name (case-insensitively, as
 * Spark binds), a missing nullable column as NULLs. A NULL in a NOT NULL column is `23502`
 * and a column of another type `42804`: nothing is written.
 */
export function columnsByField(batch: arrow.RecordBatch, fields: readonly StructField[], tableName: string): arrow.Data[] {
  const byName = new Map<string, number>();
  batch.schema.fields.forEach((f, i) => byName.set(f.name.toLowerCase(), i));
  return fields.map((field) => {
    const index = byName.get(field.name.toLowerCase());
    const expected = deltaTypeToArrow(field.type);
    if (index === undefined) {
      require(field.nullable, () => notNullViolation(field.name, tableName));
      return nullData(expected, batch.numRows);
    }
    const data = plain(batch.data.children[index] as arrow.Data);
    require(sameType(data.type, expected), () => SqlError.datatypeMismatch(`column "${field.name}" of ${tableName} is of type ${String(expected)} but the written value is of type ${String(data.type)}`));
    require(field.nullable || data.nullCount === 0, () => notNullViolation(field.name, tableName));
    return data;
  });
}

/**
 * Dictionary-encoded columns (the executor keeps strings that way, DESIGN.md §3) decoded to the
 * plain type the table stores; other data as it is.
 */
function plain(data: arrow.Data): arrow.Data {
  if (!arrow.DataType.isDictionary(data.type)) return data;
  const dictionary = data.dictionary?.data[0];
  require(dictionary !== undefined && (data.dictionary?.data.length ?? 0) === 1, () => SqlError.internal('a dictionary column without a single dictionary chunk'));
  const keys = data.values as ArrayLike<number | bigint>;
  const valid = validityBytes(data);
  const indices = new Int32Array(data.length);
  for (let i = 0; i < data.length; i++) indices[i] = valid && valid[i] === 0 ? -1 : Number(keys[i]);
  return take(dictionary, indices);
}

function notNullViolation(column: string, table: string): SqlError {
  return new SqlError('23502', `null value in column "${column}" of relation "${table}" violates not-null constraint`);
}

/** Structural type equality ignoring child names (list element / map entry names differ by engine). */
function sameType(a: arrow.DataType, b: arrow.DataType): boolean {
  if (a.typeId !== b.typeId) return false;
  if (arrow.DataType.isStruct(a) && arrow.DataType.isStruct(b)) {
    return a.children.length === b.children.length && a.children.every((c, i) => sameType(c.type, (b.children[i] as arrow.Field).type));
  }
  if ((arrow.DataType.isList(a) && arrow.DataType.isList(b)) || (arrow.DataType.isMap(a) && arrow.DataType.isMap(b))) {
    return sameType((a.children[0] as arrow.Field).type, (b.children[0] as arrow.Field).type);
  }
  if (arrow.DataType.isDecimal(a) && arrow.DataType.isDecimal(b)) return a.scale === b.scale && a.precision === b.precision;
  if (arrow.DataType.isTimestamp(a) && arrow.DataType.isTimestamp(b)) return a.unit === b.unit && (a.timezone === null) === (b.timezone === null);
  return String(a) === String(b);
}

/** Re-labels data with the physical Arrow type (same buffers, new names and field metadata). */
export function retype(data: arrow.Data, type: arrow.DataType): arrow.Data {
  const children = data.children.map((child, i) => retype(child, (type.children[i] as arrow.Field).type));
  return data.clone(type, data.offset, data.length, data.nullCount, data.buffers, children);
}
