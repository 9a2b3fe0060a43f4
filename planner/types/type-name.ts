import * as arrow from 'apache-arrow';
import type { Node, TypeName } from 'libpg-query';
import { SqlError } from '../../common/sql-error.js';

/**
 * A SQL type name (PostgreSQL's or Spark's spelling) → the Arrow type of the Delta mapping.
 * Timestamps follow PostgreSQL, as its clients expect (DESIGN.md §3 maps Delta `timestamp` ↔
 * `timestamptz`, `timestamp_ntz` ↔ `timestamp`): `timestamp` / `TIMESTAMP '…'` is zone-less
 * (Delta `timestamp_ntz`), `timestamptz` / `timestamp with time zone` is the UTC instant (Delta
 * `timestamp`). Comparing one with the other reads the zone-less value as UTC (the session zone).
 */
/** `numeric` / `decimal` without precision: the binder picks a concrete one from the input. */
export function isUnconstrainedNumeric(typeName: TypeName): boolean {
  const names = (typeName.names ?? []).map((n) => ((n as Node & { String?: { sval?: string } }).String?.sval ?? '').toLowerCase());
  return ['numeric', 'decimal', 'dec'].includes(names[names.length - 1] ?? '') && (typeName.typmods ?? []).length === 0;
}

export function typeFromName(typeName: TypeName, position: number | undefined, sourceText?: string): arrow.DataType {
  const names = (typeName.names ?? []).map((n) => ((n as Node & { String?: { sval?: string } }).String?.sval ?? '').toLowerCase());
  const name = names[names.length - 1] ?? '';
  const mods = (typeName.typmods ?? []).map((m) => {
    const c = (m as { A_Const?: { ival?: { ival?: number } } }).A_Const;
    return c?.ival?.ival ?? 0;
  });
  if ((typeName.arrayBounds ?? []).length > 0) throw SqlError.unsupportedFeature('array types in casts');
  switch (name) {
    case 'bool': case 'boolean': return new arrow.Bool();
    case 'tinyint': case 'byte': return new arrow.Int8();
    case 'int2': case 'smallint': case 'short': return new arrow.Int16();
    case 'int4': case 'int': case 'integer': return new arrow.Int32();
    case 'int8': case 'bigint': case 'long': return new arrow.Int64();
    case 'float4': case 'real': case 'float': return new arrow.Float32();
    case 'float8': case 'double': return new arrow.Float64();
    case 'numeric': case 'decimal': case 'dec': {
      const precision = mods[0] ?? 38;
      const scale = mods[1] ?? (mods.length === 0 ? 18 : 0);
      if (precision < 1 || precision > 38 || scale < 0 || scale > precision) {
        throw SqlError.invalidParameter(`NUMERIC precision ${precision} must be between 1 and 38`, position);
      }
      return new arrow.Decimal(scale, precision, 128);
    }
    case 'text': case 'varchar': case 'char': case 'bpchar': case 'string': case 'character varying': return new arrow.Utf8();
    case 'bytea': case 'binary': return new arrow.Binary();
    case 'date': return new arrow.DateDay();
    case 'timestamptz': return new arrow.TimestampMicrosecond('UTC');
    case 'timestamp': case 'timestamp_ntz': return new arrow.TimestampMicrosecond(null);
    default:
      throw new SqlError('42704', `type "${names.filter((n) => n !== 'pg_catalog').join('.')}" does not exist`, { position });
  }
}
