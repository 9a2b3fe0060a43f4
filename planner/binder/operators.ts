import { arrayLiteral } from './bind-expr.js';
import * as arrow from 'apache-arrow';
import type { Expr } from '../expr/expr.js';
import { canCast, coerce, commonType, isUnknownLiteral } from '../types/coerce.js';
import { bindFunction, mapLookup } from './functions.js';

/**
 * Operators beyond arithmetic and comparison, each bound to a scalar function:
 *
 * | operator            | dialect     | binds to                                    |
 * |---------------------|-------------|---------------------------------------------|
 * | `a || b`            | PostgreSQL  | concat_op (any NULL gives NULL)             |
 * | `s ~ p`, `~*`, `!~`, `!~*` | PostgreSQL | regexp_like (negated by NOT)         |
 * | `j -> k`, `j ->> k` | PostgreSQL  | json_get / json_get_text over text          |
 * | `a <=> b`           | Spark       | IS NOT DISTINCT FROM                        |
 * | `a ^ b`             | PostgreSQL  | power                                       |
 *
 * and date/time arithmetic (`date ± int`, `date - date`, `timestamp ± interval`,
 * `timestamp - timestamp`). Each returns undefined when the operand types are not its own, so
 * the caller raises PostgreSQL's "operator does not exist".
 */
export function bindOperator(op: string, left: Expr, right: Expr, position: number | undefined): Expr | undefined {
  const text = new arrow.Utf8();
  switch (op) {
    case '||': {
      // PostgreSQL's array_cat: two arrays of one element type.
      if (left.type.typeId === arrow.Type.List && right.type.typeId === arrow.Type.List && String(left.type) === String(right.type)) {
        return { kind: 'Call', name: 'array_cat', args: [left, right], type: left.type };
      }
      if (left.type.typeId === arrow.Type.List && isUnknownLiteral(right)) return bindOperator(op, left, arrayLiteral(String(right.value), left.type as arrow.List, position), position);
      // array_append / array_prepend: an element of the array's type on one side.
      const appended = appendElement(left, right) ?? appendElement(right, left, true);
      if (appended !== undefined) return appended;
      const textual = (e: Expr) => e.type.typeId === arrow.Type.Utf8 || isUnknownLiteral(e);
      // PostgreSQL: text || anynonarray casts the other side to text.
      if (!textual(left) && !textual(right)) return undefined;
      if (!canCast(left.type, text) || !canCast(right.type, text)) return undefined;
      return { kind: 'Call', name: 'concat_op', args: [coerce(left, text), coerce(right, text)], type: text };
    }
    case '~': case '~*': case '!~': case '!~*': {
      const flags: Expr[] = op.endsWith('*') ? [{ kind: 'Literal', value: 'i', type: text }] : [];
      const match = bindFunction('regexp_like', [left, right, ...flags], position);
      return op.startsWith('!') ? { kind: 'Unary', op: 'NOT', input: match, type: new arrow.Bool() } : match;
    }
    case '->': case '->>': {
      if (left.type.typeId !== arrow.Type.Utf8 && !isUnknownLiteral(left)) return undefined;
      const key = right.type.typeId === arrow.Type.Int ? coerce(right, new arrow.Int32()) : right.type.typeId === arrow.Type.Utf8 || isUnknownLiteral(right) ? coerce(right, text) : undefined;
      if (key === undefined) return undefined;
      return { kind: 'Call', name: op === '->' ? 'json_get' : 'json_get_text', args: [coerce(left, text), key], type: text };
    }
    case '&': case '|': {
      // Bitwise and / or over integers of at most 32 bits (int8 is refused: the kernel is 32-bit).
      const small = (e: Expr) => (e.type.typeId === arrow.Type.Int && (e.type as arrow.Int).bitWidth <= 32) || isUnknownLiteral(e);
      if (!small(left) || !small(right)) return undefined;
      const int = new arrow.Int32();
      return { kind: 'Call', name: op === '&' ? 'bit_and' : 'bit_or', args: [coerce(left, int), coerce(right, int)], type: int };
    }
    case '<=>':
      return distinct(left, right, true, position);
    case '^':
      return bindFunction('power', [left, right], position);
    default:
      return undefined;
  }
}

/** `a IS [NOT] DISTINCT FROM b` (and Spark's `<=>`): comparison where NULLs are equal; never NULL. */
export function distinct(left: Expr, right: Expr, not: boolean, position: number | undefined): Expr | undefined {
  const unified = bindFunction('coalesce', [left, right], position);
  if (unified.kind !== 'Call') return undefined;
  return { kind: 'Call', name: not ? 'is_not_distinct_from' : 'is_distinct_from', args: unified.args, type: new arrow.Bool() };
}

/** `x IS [NOT] TRUE|FALSE|UNKNOWN` for a boolean x. */
export function booleanTest(input: Expr, test: string): Expr {
  const BOOL = new arrow.Bool();
  switch (test) {
    case 'IS_TRUE': return { kind: 'Call', name: 'is_true', args: [input], type: BOOL };
    case 'IS_NOT_TRUE': return { kind: 'Call', name: 'is_not_true', args: [input], type: BOOL };
    case 'IS_FALSE': return { kind: 'Call', name: 'is_false', args: [input], type: BOOL };
    case 'IS_NOT_FALSE': return { kind: 'Call', name: 'is_not_false', args: [input], type: BOOL };
    case 'IS_UNKNOWN': return { kind: 'IsNull', input, negated: false, type: BOOL };
    default: return { kind: 'IsNull', input, negated: true, type: BOOL };
  }
}

/** `arr[i]` (PostgreSQL: 1-based, out of range is NULL) and `map[key]`. */
export function subscript(input: Expr, index: Expr, position: number | undefined): Expr | undefined {
  if (input.type.typeId === arrow.Type.List) {
    if (!(index.type.typeId === arrow.Type.Int || isUnknownLiteral(index) || index.type.typeId === arrow.Type.Null)) return undefined;
    return { kind: 'Call', name: 'array_element', args: [input, coerce(index, new arrow.Int32(), position)], type: (input.type as arrow.List).children[0].type };
  }
  if (input.type.typeId === arrow.Type.Map) {
    const m = mapLookup(input, index);
    return m === undefined ? undefined : { kind: 'Call', name: m.impl, args: m.args, type: m.type };
  }
  return undefined;
}

const isDate = (e: Expr) => e.type.typeId === arrow.Type.Date;
const isTimestamp = (e: Expr) => e.type.typeId === arrow.Type.Timestamp;
const isInterval = (e: Expr) => e.type.typeId === arrow.Type.Interval;
const isInteger = (e: Expr) => e.type.typeId === arrow.Type.Int;

/**
 * Date/time arithmetic, PostgreSQL's table: `date ± integer → date`, `date - date → integer`,
 * `timestamp ± interval → timestamp`, `timestamp - timestamp → interval`, `date ± interval →
 * timestamp` — except that a date plus an interval constant without a time part (`INTERVAL '1'
 * DAY`) stays a date, as in Spark. Undefined for other operand types.
 */
export function bindTemporalArithmetic(op: string, left: Expr, right: Expr): Expr | undefined {
  if (op !== '+' && op !== '-') return undefined;
  let l = left;
  let r = right;
  // `d - '2021-01-01'`: the untyped side takes the temporal side's type (PostgreSQL).
  if (op === '-' && (isDate(l) || isTimestamp(l)) && isUnknownLiteral(r)) r = coerce(r, l.type);
  if (!isDate(l) && !isTimestamp(l) && !isInterval(l) && !isDate(r) && !isTimestamp(r) && !isInterval(r)) return undefined;
  const INT32 = new arrow.Int32();
  if (isDate(l) && isInteger(r)) return { kind: 'Call', name: op === '+' ? 'date_add' : 'date_sub', args: [l, coerce(r, INT32)], type: l.type };
  if (op === '+' && isInteger(l) && isDate(r)) return { kind: 'Call', name: 'date_add', args: [r, coerce(l, INT32)], type: r.type };
  if (op === '-' && isDate(l) && isDate(r)) return { kind: 'Call', name: 'date_diff', args: [l, r], type: INT32 };
  if (op === '+' && isInterval(l) && (isDate(r) || isTimestamp(r))) [l, r] = [r, l];
  if ((isDate(l) || isTimestamp(l)) && isInterval(r)) {
    const name = op === '+' ? 'add_interval' : 'sub_interval';
    // PostgreSQL: date ± interval is a (zone-less) timestamp, even for whole days (Spark keeps a
    // date; `date_add(d, n)` does that here).
    const ts = isDate(l) ? coerce(l, new arrow.TimestampMicrosecond(null)) : l;
    return { kind: 'Call', name, args: [ts, r], type: ts.type };
  }
  if (op === '-' && (isTimestamp(l) || isDate(l)) && (isTimestamp(r) || isDate(r))) {
    const t = isTimestamp(l) ? l.type : r.type;
    return { kind: 'Call', name: 'timestamp_diff', args: [coerce(l, t), coerce(r, t)], type: new arrow.IntervalMonthDayNano() };
  }
  return undefined;
}

/** `array || element` (`element || array` when `prepend`) as array_cat with a one-element array; undefined when the types do not fit. */
function appendElement(array: Expr, element: Expr, prepend = false): Expr | undefined {
  if (array.type.typeId !== arrow.Type.List || element.type.typeId === arrow.Type.List || isUnknownLiteral(element)) return undefined;
  const item = (array.type as arrow.List).children[0].type;
  const witness: Expr = { kind: 'Literal', value: null, type: item };
  const t = commonType(witness, element);
  if (t === undefined || !canCast(element.type, item)) return undefined;
  const single = bindFunction('array', [coerce(element, item)], undefined);
  return { kind: 'Call', name: 'array_cat', args: prepend ? [single, array] : [array, single], type: array.type };
}
