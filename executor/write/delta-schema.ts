import * as arrow from 'apache-arrow';
import { SqlError } from '../../common/sql-error.js';
import type { DeltaType, StructField, StructType } from '../../storage/schema/types.js';

/**
 * Arrow types → Delta types: the inverse of storage/schema/arrow.ts, for CREATE TABLE, CTAS and
 * schema evolution. Only the Arrow forms that mapping produces are accepted; `comments` become
 * the field metadata Spark writes (`{"comment": "…"}`).
 */
export function arrowTypeToDelta(type: arrow.DataType): DeltaType {
  switch (type.typeId) {
    case arrow.Type.Bool: return { kind: 'primitive', name: 'boolean' };
    case arrow.Type.Int: {
      const bits = (type as arrow.Int).bitWidth;
      return { kind: 'primitive', name: bits === 8 ? 'byte' : bits === 16 ? 'short' : bits === 32 ? 'integer' : 'long' };
    }
    case arrow.Type.Float: return { kind: 'primitive', name: (type as arrow.Float).precision === arrow.Precision.SINGLE ? 'float' : 'double' };
    case arrow.Type.Decimal: return { kind: 'decimal', precision: (type as arrow.Decimal).precision, scale: (type as arrow.Decimal).scale };
    case arrow.Type.Utf8: return { kind: 'primitive', name: 'string' };
    case arrow.Type.Binary: return { kind: 'primitive', name: 'binary' };
    case arrow.Type.Date: return { kind: 'primitive', name: 'date' };
    case arrow.Type.Timestamp: return { kind: 'primitive', name: (type as arrow.Timestamp).timezone ? 'timestamp' : 'timestamp_ntz' };
    case arrow.Type.List: {
      const child = (type as arrow.List).children[0] as arrow.Field;
      return { kind: 'array', elementType: arrowTypeToDelta(child.type), containsNull: child.nullable };
    }
    case arrow.Type.Map: {
      const entries = ((type as arrow.Map_).children[0] as arrow.Field).type as arrow.Struct;
      const [key, value] = entries.children as [arrow.Field, arrow.Field];
      return { kind: 'map', keyType: arrowTypeToDelta(key.type), valueType: arrowTypeToDelta(value.type), valueContainsNull: value.nullable };
    }
    case arrow.Type.Struct: return { kind: 'struct', fields: (type as arrow.Struct).children.map((f) => arrowFieldToDelta(f)) };
    case arrow.Type.Null: throw SqlError.datatypeMismatch('cannot store a column of unknown type (NULL); cast it, e.g. CAST(NULL AS STRING)');
    default: throw SqlError.unsupportedFeature(`storing values of Arrow type ${String(type)}`);
  }
}

export function arrowFieldToDelta(field: arrow.Field, comment?: string): StructField {
  return { name: field.name, type: arrowTypeToDelta(field.type), nullable: field.nullable, metadata: comment === undefined ? {} : { comment } };
}

export function arrowSchemaToDelta(fields: readonly arrow.Field[], comments: ReadonlyMap<string, string> = new Map()): StructType {
  return { kind: 'struct', fields: fields.map((f) => arrowFieldToDelta(f, comments.get(f.name))) };
}

/** Spark's `schemaString` JSON of a Delta type. */
export function deltaTypeToJson(type: DeltaType): unknown {
  switch (type.kind) {
    case 'primitive': return type.name;
    case 'decimal': return `decimal(${type.precision},${type.scale})`;
    case 'array': return { type: 'array', elementType: deltaTypeToJson(type.elementType), containsNull: type.containsNull };
    case 'map': return { type: 'map', keyType: deltaTypeToJson(type.keyType), valueType: deltaTypeToJson(type.valueType), valueContainsNull: type.valueContainsNull };
    case 'struct': return { type: 'struct', fields: type.fields.map((f) => ({ name: f.name, type: deltaTypeToJson(f.type), nullable: f.nullable, metadata: f.metadata })) };
  }
}

export function schemaString(schema: StructType): string {
  return JSON.stringify(deltaTypeToJson(schema));
}
