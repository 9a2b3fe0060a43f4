import * as arrow from 'apache-arrow';

/**
 * The PostgreSQL type name of an Arrow type, as the JSON document's `columns[].type` and the
 * wire protocol's RowDescription name it (DESIGN.md §3): bool, int2 (Int8 and Int16: Postgres
 * has no 1-byte integer), int4, int8, float4, float8, numeric, text, bytea, date, timestamptz
 * (a zoned timestamp), timestamp (timestamp_ntz), json (struct and map), `<element>[]` for lists
 * (applied recursively: `int4[][]` for an array of arrays).
 */
export function pgTypeName(type: arrow.DataType): string {
  switch (type.typeId) {
    case arrow.Type.Null:
      return 'text'; // an untyped NULL, as PostgreSQL resolves `SELECT NULL`
    case arrow.Type.Bool:
      return 'bool';
    case arrow.Type.Int: {
      const { bitWidth, isSigned } = type as arrow.Int;
      if (bitWidth <= 16 && (isSigned || bitWidth === 8)) return 'int2';
      if (bitWidth <= 32 && (isSigned || bitWidth === 16)) return 'int4';
      if (isSigned || bitWidth === 32) return 'int8';
      return 'numeric';
    }
    case arrow.Type.Float:
      return (type as arrow.Float).precision === arrow.Precision.DOUBLE ? 'float8' : 'float4';
    case arrow.Type.Decimal:
      return 'numeric';
    case arrow.Type.Utf8:
    case arrow.Type.LargeUtf8:
    case arrow.Type.Utf8View:
      return 'text';
    case arrow.Type.Binary:
    case arrow.Type.LargeBinary:
    case arrow.Type.BinaryView:
    case arrow.Type.FixedSizeBinary:
      return 'bytea';
    case arrow.Type.Date:
      return 'date';
    case arrow.Type.Timestamp:
      return (type as arrow.Timestamp).timezone ? 'timestamptz' : 'timestamp';
    case arrow.Type.Time:
      return 'time';
    case arrow.Type.Interval:
    case arrow.Type.Duration:
      return 'interval';
    case arrow.Type.Struct:
    case arrow.Type.Map:
      return 'json';
    case arrow.Type.List:
    case arrow.Type.FixedSizeList:
      return `${pgTypeName((type as arrow.List).children[0]!.type)}[]`;
    case arrow.Type.Dictionary:
      return pgTypeName((type as arrow.Dictionary).dictionary);
  }
  return 'text';
}

/** Whether values of this type are numbers (right-aligned in `table`, like psql). */
export function isNumericType(type: arrow.DataType): boolean {
  switch (type.typeId) {
    case arrow.Type.Int:
    case arrow.Type.Float:
    case arrow.Type.Decimal:
      return true;
    case arrow.Type.Dictionary:
      return isNumericType((type as arrow.Dictionary).dictionary);
  }
  return false;
}

/**
 * PostgreSQL 15's type OIDs and `typlen` for the names `pgTypeName` returns (pg_type.oid,
 * pg_type.typlen; arrays are `typarray`). RowDescription, ParameterDescription and binary
 * arrays carry them. Unknown names are `text`.
 */
const PG_TYPES: Readonly<Record<string, { readonly oid: number; readonly size: number; readonly array: number }>> = {
  bool: { oid: 16, size: 1, array: 1000 },
  bytea: { oid: 17, size: -1, array: 1001 },
  int8: { oid: 20, size: 8, array: 1016 },
  int2: { oid: 21, size: 2, array: 1005 },
  int4: { oid: 23, size: 4, array: 1007 },
  text: { oid: 25, size: -1, array: 1009 },
  json: { oid: 114, size: -1, array: 199 },
  float4: { oid: 700, size: 4, array: 1021 },
  float8: { oid: 701, size: 8, array: 1022 },
  unknown: { oid: 705, size: -2, array: 0 },
  varchar: { oid: 1043, size: -1, array: 1015 },
  date: { oid: 1082, size: 4, array: 1182 },
  time: { oid: 1083, size: 8, array: 1183 },
  timestamp: { oid: 1114, size: 8, array: 1115 },
  timestamptz: { oid: 1184, size: 8, array: 1185 },
  interval: { oid: 1186, size: 16, array: 1187 },
  numeric: { oid: 1700, size: -1, array: 1231 },
};

/** The OID and typlen of a PostgreSQL type name (`int4` → 23/4, `text[]` → 1009/-1). */
export function pgTypeInfo(name: string): { readonly oid: number; readonly size: number } {
  if (name.endsWith('[]')) {
    const element = PG_TYPES[name.slice(0, -2)];
    return { oid: element?.array || 1009, size: -1 };
  }
  const t = PG_TYPES[name] ?? PG_TYPES.text!;
  return { oid: t.oid, size: t.size };
}

/** The type name of an OID we know (`23` → `int4`, `1007` → `int4[]`), or undefined. */
export function pgTypeNameOfOid(oid: number): string | undefined {
  for (const [name, t] of Object.entries(PG_TYPES)) {
    if (t.oid === oid) return name;
    if (t.array === oid) return `${name}[]`;
  }
  return undefined;
}

/** An Arrow type's OID (`pgTypeInfo(pgTypeName(type))`). */
export function pgTypeOid(type: arrow.DataType): number {
  return pgTypeInfo(pgTypeName(type)).oid;
}

/**
 * The Arrow type a declared parameter OID binds as, or undefined to infer it from context
 * (`unknown`, `numeric` without a precision, and OIDs we have no type for).
 */
export function arrowTypeOfOid(oid: number): arrow.DataType | undefined {
  switch (pgTypeNameOfOid(oid)) {
    case 'bool': return new arrow.Bool();
    case 'int2': return new arrow.Int16();
    case 'int4': return new arrow.Int32();
    case 'int8': return new arrow.Int64();
    case 'float4': return new arrow.Float32();
    case 'float8': return new arrow.Float64();
    case 'text':
    case 'varchar': return new arrow.Utf8();
    case 'bytea': return new arrow.Binary();
    case 'date': return new arrow.DateDay();
    case 'timestamp': return new arrow.TimestampMicrosecond(null);
    case 'timestamptz': return new arrow.TimestampMicrosecond('UTC');
  }
  return undefined;
}
