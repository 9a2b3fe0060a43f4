import * as arrow from 'apache-arrow';
import { SqlError } from '../../common/sql-error.js';
import { pgTypeName } from '../../executor/values/type-names.js';
import type { Expr } from '../expr/expr.js';
import { coerce, isUnknownLiteral } from '../types/coerce.js';

const TIMESTAMPTZ = new arrow.TimestampMicrosecond('UTC');
const TIMESTAMP = new arrow.TimestampMicrosecond(null);

/**
 * `x AT TIME ZONE zone` / `timezone(zone, x)`, typed as PostgreSQL types it: a `timestamptz`
 * (or a date, or an untyped literal, read as one) gives the wall-clock `timestamp` in `zone`;
 * a `timestamp` gives the `timestamptz` instant. `zone` is text or an interval
 * (executor/kernels/time-zone.ts). Other types are `42883` naming the call.
 */
export function bindAtTimeZone(zone: Expr, x: Expr, position: number | undefined, spelled: string): Expr {
  let input = x;
  if (isUnknownLiteral(input) || input.type.typeId === arrow.Type.Date) input = coerce(input, TIMESTAMPTZ, position);
  const z = isUnknownLiteral(zone) ? coerce(zone, new arrow.Utf8(), position) : zone;
  const zoneOk = z.type.typeId === arrow.Type.Utf8 || z.type.typeId === arrow.Type.Interval || z.type.typeId === arrow.Type.Null;
  if (input.type.typeId === arrow.Type.Null) input = coerce(input, TIMESTAMPTZ, position);
  if (input.type.typeId !== arrow.Type.Timestamp || !zoneOk) {
    throw new SqlError('42883', `function ${spelled}(${isUnknownLiteral(zone) ? 'unknown' : pgTypeName(zone.type)}, ${isUnknownLiteral(x) ? 'unknown' : pgTypeName(x.type)}) does not exist`, {
      position,
      hint: 'No function matches the given name and argument types. You might need to add explicit type casts.',
    });
  }
  const zoned = (input.type as arrow.Timestamp).timezone;
  const type = zoned === null || zoned === undefined ? TIMESTAMPTZ : TIMESTAMP;
  return { kind: 'Call', name: 'at_time_zone', args: [input, z.type.typeId === arrow.Type.Null ? coerce(z, new arrow.Utf8()) : z], type };
}
