import { SqlError } from '../../common/sql-error.js';

/**
 * Delta's type system, as `metaData.schemaString` writes it (Spark's StructType JSON; see
 * reference/delta-protocol.md §3). Field metadata is kept whole: column mapping reads
 * `delta.columnMapping.physicalName` / `.id` from it, type widening `delta.typeChanges`.
 */
export type PrimitiveTypeName =
  | 'boolean' | 'byte' | 'short' | 'integer' | 'long' | 'float' | 'double'
  | 'string' | 'binary' | 'date' | 'timestamp' | 'timestamp_ntz';

export type DeltaType =
  | { readonly kind: 'primitive'; readonly name: PrimitiveTypeName }
  | { readonly kind: 'decimal'; readonly precision: number; readonly scale: number }
  | { readonly kind: 'struct'; readonly fields: readonly StructField[] }
  | { readonly kind: 'array'; readonly elementType: DeltaType; readonly containsNull: boolean }
  | { readonly kind: 'map'; readonly keyType: DeltaType; readonly valueType: DeltaType; readonly valueContainsNull: boolean };

export interface StructField {
  readonly name: string;
  readonly type: DeltaType;
  readonly nullable: boolean;
  readonly metadata: Readonly<Record<string, unknown>>;
}

export type StructType = Extract<DeltaType, { kind: 'struct' }>;

const PRIMITIVES: ReadonlySet<string> = new Set([
  'boolean', 'byte', 'short', 'integer', 'long', 'float', 'double',
  'string', 'binary', 'date', 'timestamp', 'timestamp_ntz',
]);

/** Parses `metaData.schemaString`. `where` names the log file for the error message. */
export function parseSchemaString(schemaString: string, where: string): StructType {
  let json: unknown;
  try {
    json = JSON.parse(schemaString);
  } catch (err) {
    throw SqlError.corruptData(where, 'metaData.schemaString is not valid JSON', err);
  }
  const type = parseType(json, where);
  if (type.kind !== 'struct') throw SqlError.corruptData(where, 'metaData.schemaString is not a struct');
  return type;
}

function parseType(json: unknown, where: string): DeltaType {
  if (typeof json === 'string') {
    if (PRIMITIVES.has(json)) return { kind: 'primitive', name: json as PrimitiveTypeName };
    const decimal = /^decimal\(\s*(\d+)\s*,\s*(-?\d+)\s*\)$/.exec(json);
    if (decimal) return { kind: 'decimal', precision: Number(decimal[1]), scale: Number(decimal[2]) };
    if (json === 'decimal') return { kind: 'decimal', precision: 10, scale: 0 };
    if (json === 'variant') throw SqlError.unsupportedFeature('variantType');
    throw SqlError.corruptData(where, `unknown type "${json}" in schema`);
  }
  const obj = json as Record<string, unknown>;
  switch (obj?.type) {
    case 'struct':
      return {
        kind: 'struct',
        fields: ((obj.fields as unknown[]) ?? []).map((f) => {
          const field = f as Record<string, unknown>;
          return {
            name: String(field.name),
            type: parseType(field.type, where),
            nullable: field.nullable !== false,
            metadata: (field.metadata as Record<string, unknown>) ?? {},
          };
        }),
      };
    case 'array':
      return { kind: 'array', elementType: parseType(obj.elementType, where), containsNull: obj.containsNull !== false };
    case 'map':
      return {
        kind: 'map',
        keyType: parseType(obj.keyType, where),
        valueType: parseType(obj.valueType, where),
        valueContainsNull: obj.valueContainsNull !== false,
      };
    default:
      throw SqlError.corruptData(where, `unknown type ${JSON.stringify(json)} in schema`);
  }
}

/**
 * The SQL spelling of a Delta type (`decimal(10,2)`, `array<int>`…), for errors and the HTTP
 * schema. `spark`: primitives as Spark's DDL names them (`bigint`, `int`, `tinyint`…), as
 * Spark's DESCRIBE prints them; else as the Delta log names them (`long`, `integer`, `byte`…).
 */
export function typeToString(type: DeltaType, spelling: 'delta' | 'spark' = 'delta'): string {
  const inner = (t: DeltaType) => typeToString(t, spelling);
  switch (type.kind) {
    case 'primitive':
      return spelling === 'spark' ? SPARK_NAMES[type.name] : type.name;
    case 'decimal':
      return `decimal(${type.precision},${type.scale})`;
    case 'array':
      return `array<${inner(type.elementType)}>`;
    case 'map':
      return `map<${inner(type.keyType)},${inner(type.valueType)}>`;
    case 'struct':
      return `struct<${type.fields.map((f) => `${f.name}:${inner(f.type)}`).join(',')}>`;
  }
}

const SPARK_NAMES: Readonly<Record<PrimitiveTypeName, string>> = {
  boolean: 'boolean', byte: 'tinyint', short: 'smallint', integer: 'int', long: 'bigint', float: 'float', double: 'double',
  string: 'string', binary: 'binary', date: 'date', timestamp: 'timestamp', timestamp_ntz: 'timestamp_ntz',
};
