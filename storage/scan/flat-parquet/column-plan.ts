/**
 * Which requested columns the flat decoder can produce, byte for byte as parquet-wasm would:
 * top-level, not nested, not repeated (max repetition level 0, max definition level 0 or 1), of a
 * physical type whose Arrow type (as parquet-wasm reports the file's field) has the same bytes —
 * see README.md for the table. One column outside it declines the whole read.
 */
import * as arrow from 'apache-arrow';
import type { FileMetaData, ParquetType, SchemaElement } from 'hyparquet';
import { SUPPORTED_CODECS } from './decompress.js';

/** How a column's values are laid out in the Arrow column the decoder produces. */
export type OutputKind = 'bool' | 'int8' | 'int16' | 'int32' | 'int64' | 'float32' | 'float64' | 'bytes';

export interface FlatColumn {
  /** The top-level Parquet column name (= the Arrow field's name). */
  readonly name: string;
  /** The field as parquet-wasm reports it: the type the decoded Data is made with. */
  readonly field: arrow.Field;
  /** Index of the field among the file's top-level fields (batches list columns in this order). */
  readonly fieldIndex: number;
  /** Index of the column chunk within each row group. */
  readonly chunkIndex: number;
  readonly physical: ParquetType;
  /** OPTIONAL: one definition level per value (max level 1). */
  readonly optional: boolean;
  readonly output: OutputKind;
  /** Utf8 output: parquet-wasm rejects invalid UTF-8, so the decoder checks it too. */
  readonly utf8: boolean;
}

export type ColumnPlan = { readonly columns: readonly FlatColumn[] } | { readonly decline: string };

/** Plans a read of `columns` (top-level names) over `rowGroups` (all when undefined). */
export function planColumns(meta: FileMetaData, fields: readonly arrow.Field[], columns: readonly string[], rowGroups: readonly number[] | undefined): ColumnPlan {
  const leaves = topLevelLeaves(meta.schema);
  if (leaves === undefined) return { decline: 'unreadable schema tree' };
  const planned: FlatColumn[] = [];
  for (const name of new Set(columns)) {
    const fieldIndex = fields.findIndex((f) => f.name === name);
    const field = fields[fieldIndex];
    const leaf = leaves.get(name);
    if (field === undefined || leaf === undefined) return { decline: `column ${name} is not a flat top-level column` };
    const { element, chunkIndex } = leaf;
    if (element.repetition_type === 'REPEATED') return { decline: `column ${name} is repeated` };
    const output = outputKind(element, field.type);
    if (typeof output !== 'string') return { decline: `column ${name}: ${output.decline}` };
    if ((element.repetition_type === 'OPTIONAL') !== field.nullable) return { decline: `column ${name}: nullability differs from the Arrow field` };
    planned.push({ name, field, fieldIndex, chunkIndex, physical: element.type as ParquetType, optional: element.repetition_type === 'OPTIONAL', output, utf8: output === 'bytes' && field.type.typeId === arrow.Type.Utf8 });
  }
  for (const index of rowGroups ?? meta.row_groups.map((_, i) => i)) {
    const group = meta.row_groups[index];
    if (group === undefined) return { decline: `row group ${index} does not exist` };
    for (const column of planned) {
      const chunk = group.columns[column.chunkIndex];
      const md = chunk?.meta_data;
      if (chunk === undefined || md === undefined || chunk.file_path !== undefined) return { decline: `column ${column.name}: chunk metadata missing or external` };
      if (md.path_in_schema.length !== 1 || md.path_in_schema[0] !== column.name || md.type !== column.physical) return { decline: `column ${column.name}: chunk metadata does not match the schema` };
      if (!SUPPORTED_CODECS.has(md.codec)) return { decline: `column ${column.name}: codec ${md.codec}` };
    }
  }
  return { columns: planned.sort((a, b) => a.fieldIndex - b.fieldIndex) };
}

interface Leaf {
  readonly element: SchemaElement;
  readonly chunkIndex: number;
}

/** Top-level primitive columns by name, with their column chunk index; undefined if malformed. */
function topLevelLeaves(schema: readonly SchemaElement[]): Map<string, Leaf> | undefined {
  const out = new Map<string, Leaf>();
  const root = schema[0];
  if (root === undefined) return undefined;
  let at = 1;
  let leafIndex = 0;
  for (let child = 0; child < (root.num_children ?? 0); child++) {
    const element = schema[at];
    if (element === undefined) return undefined;
    // Walk the child's subtree: count its leaves, skip its elements.
    let pending = 1;
    let leaves = 0;
    while (pending > 0) {
      const e = schema[at++];
      if (e === undefined) return undefined;
      pending--;
      if (e.num_children) pending += e.num_children;
      else leaves++;
    }
    if (!element.num_children && element.type !== undefined) {
      if (out.has(element.name)) out.delete(element.name); // ambiguous: leave to parquet-wasm
      else out.set(element.name, { element, chunkIndex: leafIndex });
    }
    leafIndex += leaves;
  }
  return out;
}

/** The layout of the Arrow type parquet-wasm gives this Parquet column, when the bytes are ours to produce. */
function outputKind(element: SchemaElement, type: arrow.DataType): OutputKind | { decline: string } {
  const converted = element.converted_type;
  const logical = element.logical_type;
  const what = `${element.type}${converted ? ` ${converted}` : ''}${logical ? ` ${logical.type}` : ''} as ${String(type)}`;
  const decline = { decline: what };
  // INT_8/INT_16 narrow the int32s (parquet-wasm casts them); unannotated ints keep their width.
  const intAnnotation = (bits: number): boolean => {
    const natural = bits === (element.type === 'INT64' ? 64 : 32);
    const convertedOk = converted === undefined || converted === `INT_${bits}`;
    const logicalOk = logical === undefined || (logical.type === 'INTEGER' && logical.bitWidth === bits && logical.isSigned);
    return convertedOk && logicalOk && (natural || converted !== undefined || logical !== undefined);
  };
  switch (element.type) {
    case 'BOOLEAN':
      return type.typeId === arrow.Type.Bool && converted === undefined && logical === undefined ? 'bool' : decline;
    case 'INT32': {
      if (arrow.DataType.isInt(type) && type.isSigned) {
        if (type.bitWidth === 32 && intAnnotation(32)) return 'int32';
        if (type.bitWidth === 16 && intAnnotation(16)) return 'int16';
        if (type.bitWidth === 8 && intAnnotation(8)) return 'int8';
        return decline;
      }
      if (arrow.DataType.isDate(type) && type.unit === arrow.DateUnit.DAY && (converted === 'DATE' || logical?.type === 'DATE') && (converted === undefined || converted === 'DATE') && (logical === undefined || logical.type === 'DATE')) return 'int32';
      return decline;
    }
    case 'INT64': {
      if (arrow.DataType.isInt(type) && type.isSigned && type.bitWidth === 64) return intAnnotation(64) ? 'int64' : decline;
      if (arrow.DataType.isTimestamp(type)) {
        const unit = logical?.type === 'TIMESTAMP' ? logical.unit : converted === 'TIMESTAMP_MILLIS' ? 'MILLIS' : converted === 'TIMESTAMP_MICROS' ? 'MICROS' : undefined;
        const arrowUnit = { MILLIS: arrow.TimeUnit.MILLISECOND, MICROS: arrow.TimeUnit.MICROSECOND, NANOS: arrow.TimeUnit.NANOSECOND }[unit ?? 'MILLIS'];
        // Same unit: the same int64s. A time zone on the field iff the values are UTC-adjusted
        // (legacy TIMESTAMP_* annotations are); which zone is the field's to say.
        const utc = logical?.type === 'TIMESTAMP' ? logical.isAdjustedToUTC : true;
        const zoned = type.timezone !== null && type.timezone !== undefined && type.timezone !== '';
        return unit !== undefined && type.unit === arrowUnit && (logical === undefined || logical.type === 'TIMESTAMP') && zoned === utc ? 'int64' : decline;
      }
      return decline;
    }
    case 'FLOAT':
      return arrow.DataType.isFloat(type) && type.precision === arrow.Precision.SINGLE && converted === undefined && logical === undefined ? 'float32' : decline;
    case 'DOUBLE':
      return arrow.DataType.isFloat(type) && type.precision === arrow.Precision.DOUBLE && converted === undefined && logical === undefined ? 'float64' : decline;
    case 'BYTE_ARRAY': {
      const stringLike = converted === 'UTF8' || converted === 'ENUM' || converted === 'JSON' || logical?.type === 'STRING' || logical?.type === 'ENUM' || logical?.type === 'JSON';
      const plainBinary = converted === undefined && logical === undefined;
      if (type.typeId === arrow.Type.Utf8 && (stringLike || plainBinary)) return 'bytes';
      if (type.typeId === arrow.Type.Binary && (plainBinary || logical?.type === 'BSON' || converted === 'BSON')) return 'bytes';
      return decline;
    }
    default:
      return decline;
  }
}
