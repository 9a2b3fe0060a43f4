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
