import * as arrow from 'apache-arrow';
import { SqlError } from '../../common/sql-error.js';
import { broadcast, scalarAt } from '../../executor/arrow/scalar.js';
import { cast, parseText, sameType } from '../../executor/kernels/cast.js';
import type { Expr, Literal } from '../expr/expr.js';

/**
 * Implicit types: numeric promotion (int8 < int16 < int32 < int64 < decimal < float64), common
 * types for comparison / CASE / IN / COALESCE, and coercion of untyped string literals to the
 * type they meet (PostgreSQL's `unknown`).
 */

export function isNumeric(t: arrow.DataType): boolean {
  return t.typeId === arrow.Type.Int || t.typeId === arrow.Type.Float || t.typeId === arrow.Type.Decimal;
}

export function isString(t: arrow.DataType): boolean {
  return t.typeId === arrow.Type.Utf8;
}

/** Digits an integer type needs as a decimal (int8: 3 … int64: 19). */
function intPrecision(t: arrow.Int): number {
  return t.bitWidth === 8 ? 3 : t.bitWidth === 16 ? 5 : t.bitWidth === 32 ? 10 : 19;
}

/** The decimal type that holds every value of an integer or decimal type. */
export function asDecimal(t: arrow.DataType): arrow.Decimal {
  if (t.typeId === arrow.Type.Decimal) return t as arrow.Decimal;
  return new arrow.Decimal(0, intPrecision(t as arrow.Int), 128);
}

export const MAX_DECIMAL_PRECISION = 38;

/** The smallest numeric type both sides promote to. */
export function commonNumeric(a: arrow.DataType, b: arrow.DataType): arrow.DataType {
  if (a.typeId === arrow.Type.Float || b.typeId === arrow.Type.Float) {
    const single = (t: arrow.DataType) => t.typeId === arrow.Type.Float && (t as arrow.Float).precision === arrow.Precision.SINGLE;
    return single(a) && single(b) ? new arrow.Float32() : new arrow.Float64();
  }
  if (a.typeId === arrow.Type.Decimal || b.typeId === arrow.Type.Decimal) {
    const da = asDecimal(a);
    const db = asDecimal(b);
    const scale = Math.max(da.scale, db.scale);
    const precision = Math.min(MAX_DECIMAL_PRECISION, Math.max(da.precision - da.scale, db.precision - db.scale) + scale);
    return new arrow.Decimal(scale, precision, 128);
  }
  return (a as arrow.Int).bitWidth >= (b as arrow.Int).bitWidth ? a : b;
}

/**
 * The type two values are compared (or unified) as, or undefined when PostgreSQL has no such
 * operator. Untyped literals take the other side's type; NULL takes anything.
 */
export function commonType(a: Expr, b: Expr): arrow.DataType | undefined {
  const ta = a.type;
  const tb = b.type;
  if (isUnknownLiteral(a) && isUnknownLiteral(b)) return new arrow.Utf8();
  if (isUnknownLiteral(a) || ta.typeId === arrow.Type.Null) return tb.typeId === arrow.Type.Null ? ta : tb;
  if (isUnknownLiteral(b) || tb.typeId === arrow.Type.Null) return ta;
  if (sameType(ta, tb)) return ta;
  if (isNumeric(ta) && isNumeric(tb)) return commonNumeric(ta, tb);
  const temporal = (t: arrow.DataType) => t.typeId === arrow.Type.Date || t.typeId === arrow.Type.Timestamp;
  if (temporal(ta) && temporal(tb)) {
    if (ta.typeId === arrow.Type.Timestamp && tb.typeId === arrow.Type.Timestamp) {
      return (ta as arrow.Timestamp).timezone ? ta : tb;
    }
    return ta.typeId === arrow.Type.Timestamp ? ta : tb;
  }
  if (ta.typeId === tb.typeId && (ta.typeId === arrow.Type.Utf8 || ta.typeId === arrow.Type.Binary || ta.typeId === arrow.Type.Bool)) return ta;
  // Arrays: of their elements' common type (`ARRAY[1.5]` and `'{}'::numeric[]`; list fields may be named differently).
  if (arrow.DataType.isList(ta) && arrow.DataType.isList(tb)) {
    const [ea, eb] = [(ta as arrow.List).children[0].type, (tb as arrow.List).children[0].type];
    if (sameType(ea, eb)) return ta;
    const element = commonType({ kind: 'Literal', type: ea, value: null }, { kind: 'Literal', type: eb, value: null });
    return element === undefined ? undefined : new arrow.List(new arrow.Field('item', element, true));
  }
  return undefined;
}

export function isUnknownLiteral(e: Expr): e is Literal {
  return e.kind === 'Literal' && e.unknown === true;
}

/**
 * `e` as type `to`: the same node when it already is; a literal converted now (so a bad one
 * fails at plan time, pointing at `position` — PostgreSQL does the same); else a Cast.
 */
export function coerce(e: Expr, to: arrow.DataType, position?: number): Expr {
  if (sameType(e.type, to) && !isUnknownLiteral(e)) return e;
  if (e.kind === 'Literal') {
    if (e.param !== undefined) e.param.params.resolve(e.param, to);
    try {
      return { kind: 'Literal', type: to, value: convertValue(e, to) };
    } catch (err) {
      throw err instanceof SqlError ? err.at(position) : err;
    }
  }
  return { kind: 'Cast', input: e, type: to };
}

function convertValue(e: Literal, to: arrow.DataType): Literal['value'] {
  if (e.value === null) return null;
  if (e.unknown === true) return parseText(String(e.value), to);
  return scalarAt(cast(broadcast(e.type, e.value, 1), to), 0);
}

/** Whether CAST(from AS to) exists (PostgreSQL's cast table, for the types we have). */
export function canCast(from: arrow.DataType, to: arrow.DataType): boolean {
  if (sameType(from, to) || from.typeId === arrow.Type.Null) return true;
  const f = from.typeId;
  const t = to.typeId;
  if (t === arrow.Type.Utf8) return f !== arrow.Type.Struct && f !== arrow.Type.List && f !== arrow.Type.Map;
  if (f === arrow.Type.Utf8) return [arrow.Type.Int, arrow.Type.Float, arrow.Type.Decimal, arrow.Type.Bool, arrow.Type.Date, arrow.Type.Timestamp, arrow.Type.Binary].includes(t);
  if (isNumeric(from) && isNumeric(to)) return true;
  if (f === arrow.Type.Int && t === arrow.Type.Bool) return true;
  if (f === arrow.Type.Bool && t === arrow.Type.Int) return true;
  if ((f === arrow.Type.Date || f === arrow.Type.Timestamp) && (t === arrow.Type.Date || t === arrow.Type.Timestamp)) return true;
  // Arrays element by element (`ARRAY[1, 2]::bigint[]`, or only the list field's name differs).
  if (f === arrow.Type.List && t === arrow.Type.List) return canCast((from as arrow.List).children[0].type, (to as arrow.List).children[0].type);
  return false;
}
