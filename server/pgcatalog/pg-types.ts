import * as arrow from 'apache-arrow';
import type { ScalarValue } from '../../executor/arrow/scalar.js';
import { parseTimestamp } from '../../common/time/datetime.js';

/**
 * How a catalog column's PostgreSQL type (as `format_type` prints it in data/relations.json) is
 * held in Arrow, and how an exported JSON value becomes that Arrow value.
 *
 * OIDs (`oid`, `regtype`, `xid`) are int8: PostgreSQL's oid is unsigned 32-bit, and int8 holds
 * every value while comparing with the int literals clients write (`c.oid = '16384'`). `regproc`
 * columns hold the function's OID too (Npgsql joins `pg_proc.oid = pg_type.typreceive`; the
 * export writes names, which relations.ts turns into OIDs). Vectors (`int2vector`, `oidvector`)
 * and arrays are lists.
 */
export function arrowTypeOf(pgType: string): arrow.DataType {
  if (pgType.endsWith('[]') && pgType !== 'pg_statistic[]') return new arrow.List(new arrow.Field('item', arrowTypeOf(pgType.slice(0, -2)), true));
  switch (pgType) {
    case 'int2vector': return new arrow.List(new arrow.Field('item', new arrow.Int16(), true));
    case 'oidvector': return new arrow.List(new arrow.Field('item', new arrow.Int64(), true));
    case 'oid': case 'xid': case 'regtype': case 'regclass': case 'regnamespace': case 'regrole': case 'regproc': case 'bigint': return new arrow.Int64();
    case 'smallint': return new arrow.Int16();
    case 'integer': case 'information_schema.cardinal_number': return new arrow.Int32();
    case 'real': return new arrow.Float32();
    case 'double precision': case 'numeric': return new arrow.Float64();
    case 'boolean': return new arrow.Bool();
    case 'bytea': return new arrow.Binary();
    case 'timestamp with time zone': case 'information_schema.time_stamp': return new arrow.TimestampMicrosecond('UTC');
    default: return new arrow.Utf8(); // name, text, "char", pg_node_tree, aclitem, interval, inet, …
  }
}

/** A value from an exported row (row_to_json's form) as the ScalarValue of `type`. */
export function toScalar(value: unknown, type: arrow.DataType): ScalarValue {
  if (value === null || value === undefined) return null;
  switch (type.typeId) {
    case arrow.Type.List: {
      const element = (type as arrow.List).children[0].type;
      // int2vector / oidvector come as PostgreSQL's text form, "1 2 3".
      const items: unknown[] = Array.isArray(value) ? value : String(value).trim() === '' ? [] : String(value).trim().split(/\s+/);
      return items.map((v) => toScalar(v, element));
    }
    case arrow.Type.Int: return (type as arrow.Int).bitWidth === 64 ? BigInt(typeof value === 'number' ? Math.trunc(value) : String(value)) : Number(value);
    case arrow.Type.Float: return Number(value);
    case arrow.Type.Bool: return value === true || value === 't' || value === 'true';
    case arrow.Type.Timestamp: return typeof value === 'bigint' ? value : (parseTimestamp(String(value)) ?? null);
    case arrow.Type.Binary: return null;
    default: return typeof value === 'string' ? value : JSON.stringify(value);
  }
}
