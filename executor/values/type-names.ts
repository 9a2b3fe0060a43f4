import * as arrow from 'apache-arrow';

/**
 * PostgreSQL's name for the Arrow type (DESIGN.md §3's Delta ↔ Postgres mapping), as its error
 * messages print it: `integer`, `text`, `timestamp with time zone`, `numeric`…
 */
export function pgTypeName(type: arrow.DataType): string {
  switch (type.typeId) {
    case arrow.Type.Null: return 'unknown';
    case arrow.Type.Bool: return 'boolean';
    case arrow.Type.Int: {
      const bits = (type as arrow.Int).bitWidth;
      return bits === 64 ? 'bigint' : bits === 32 ? 'integer' : 'smallint';
    }
    case arrow.Type.Float: return (type as arrow.Float).precision === arrow.Precision.SINGLE ? 'real' : 'double precision';
    case arrow.Type.Decimal: return 'numeric';
    case arrow.Type.Utf8: return 'text';
    case arrow.Type.Binary: return 'bytea';
    case arrow.Type.Date: return 'date';
    case arrow.Type.Timestamp:
      return (type as arrow.Timestamp).timezone ? 'timestamp with time zone' : 'timestamp without time zone';
    case arrow.Type.Struct: return 'record';
    case arrow.Type.List: return `${pgTypeName((type as arrow.List).children[0].type)}[]`;
    case arrow.Type.Map: return 'json';
    default: return String(type);
  }
}

/** PostgreSQL's internal short name (`int4`, `float8`, `timestamptz`), used for column names such as `SELECT 1::int` → `int4`. */
export function pgShortTypeName(type: arrow.DataType): string {
  switch (type.typeId) {
    case arrow.Type.Bool: return 'bool';
    case arrow.Type.Int: return `int${(type as arrow.Int).bitWidth / 8 === 1 ? 2 : (type as arrow.Int).bitWidth / 8}`;
    case arrow.Type.Float: return (type as arrow.Float).precision === arrow.Precision.SINGLE ? 'float4' : 'float8';
    case arrow.Type.Decimal: return 'numeric';
    case arrow.Type.Utf8: return 'text';
    case arrow.Type.Binary: return 'bytea';
    case arrow.Type.Date: return 'date';
    case arrow.Type.Timestamp: return (type as arrow.Timestamp).timezone ? 'timestamptz' : 'timestamp';
    default: return pgTypeName(type);
  }
}
