import type { DeltaType, StructType } from '../schema/types.js';

/** The `metaData.schemaString` of a schema (Spark's StructType JSON), the inverse of `parseSchemaString`. */
export function schemaToJson(schema: StructType): string {
  return JSON.stringify(typeJson(schema));
}

function typeJson(type: DeltaType): unknown {
  switch (type.kind) {
    case 'primitive':
      return type.name;
    case 'decimal':
      return `decimal(${type.precision},${type.scale})`;
    case 'struct':
      return { type: 'struct', fields: type.fields.map((f) => ({ name: f.name, type: typeJson(f.type), nullable: f.nullable, metadata: f.metadata })) };
    case 'array':
      return { type: 'array', elementType: typeJson(type.elementType), containsNull: type.containsNull };
    case 'map':
      return { type: 'map', keyType: typeJson(type.keyType), valueType: typeJson(type.valueType), valueContainsNull: type.valueContainsNull };
  }
}
