import * as arrow from 'apache-arrow';
import { SqlError } from '../../common/sql-error.js';
import { pgTypeName } from '../../executor/values/type-names.js';
import type { Expr } from '../expr/expr.js';
import { coerce, isUnknownLiteral } from '../types/coerce.js';
import { bindFunction, intervalLiteral } from './functions.js';

/**
 * `unnest(arr)` / Spark's `explode(arr)` / `_pg_expandarray(arr)` in a select list: the list it
 * expands. `explode_outer(arr)` expands a NULL or empty array as one NULL element.
 */
export function expandCall(name: string, args: readonly Expr[], position: number | undefined): Expr {
  const [list] = args;
  if (args.length !== 1 || list.type.typeId !== arrow.Type.List) throw new SqlError('42883', `function ${name}(${args.map((a) => pgTypeName(a.type)).join(', ')}) does not exist`, { position });
  const element = (list.type as arrow.List).children[0].type;
  if (name === 'unnest' || name === 'explode') return list;
  if (name === 'explode_outer') return nullIfEmpty(list, element, position);
  // _pg_expandarray, and Spark's posexplode: each element with its 1-based position (n).
  const expanded = name === 'posexplode_outer' ? nullIfEmpty(list, element, position) : list;
  return { kind: 'Call', name: 'expand_array', args: [expanded], type: new arrow.List(new arrow.Field('item', new arrow.Struct([new arrow.Field('x', element, true), new arrow.Field('n', new arrow.Int32(), true)]), true)) };
}

/** A NULL or empty array as one NULL element (the `_outer` generators keep such rows once). */
function nullIfEmpty(list: Expr, element: arrow.DataType, position: number | undefined): Expr {
  const nonEmpty: Expr = { kind: 'Binary', op: '>', left: bindFunction('cardinality', [list], position), right: { kind: 'Literal', value: 0, type: new arrow.Int32() }, type: new arrow.Bool() };
  const oneNull = bindFunction('array', [{ kind: 'Literal', value: null, type: element }], position);
  return { kind: 'Case', whens: [{ condition: nonEmpty, result: list }], otherwise: coerce(oneNull, list.type), type: list.type };
}

/**
 * Spark's `posexplode(arr)` / `posexplode_outer(arr)` as a select item: two columns, `pos` (from
 * 0) and `col`, over the set-returning call's element (its struct of value and 1-based position).
 * `outerOf`: posexplode_outer's array — where it is NULL or empty, pos is NULL too.
 */
export function posexplodeColumns(element: Expr, outerOf: Expr | undefined, position: number | undefined): { exprs: Expr[]; names: string[] } {
  const struct = element.type as arrow.Struct;
  const x: Expr = { kind: 'FieldAccess', input: element, fieldIndex: 0, field: 'x', type: struct.children[0]!.type };
  const n: Expr = { kind: 'FieldAccess', input: element, fieldIndex: 1, field: 'n', type: new arrow.Int32() };
  const INT = new arrow.Int32();
  let pos: Expr = { kind: 'Binary', op: '-', left: n, right: { kind: 'Literal', value: 1, type: INT }, type: INT };
  if (outerOf !== undefined) {
    const nonEmpty: Expr = { kind: 'Binary', op: '>', left: bindFunction('cardinality', [outerOf], position), right: { kind: 'Literal', value: 0, type: INT }, type: new arrow.Bool() };
    pos = { kind: 'Case', whens: [{ condition: nonEmpty, result: pos }], type: INT };
  }
  return { exprs: [pos, x], names: ['pos', 'col'] };
}

/** The column a select-list set-returning call is named by: PostgreSQL's function name, Spark's `col` for explode. */
export function setReturningName(name: string): string {
  return name === 'explode' || name === 'explode_outer' ? 'col' : name;
}

/** `generate_series(a, b [, step])` over integers in a select list: each row's series as a list (kernels/series.ts). */
export function seriesCall(args: readonly Expr[], position: number | undefined): Expr {
  const integral = (e: Expr) => e.type.typeId === arrow.Type.Int || e.type.typeId === arrow.Type.Null || isUnknownLiteral(e);
  if (args.length < 2 || args.length > 3 || !args.every(integral)) {
    const temporal = (e: Expr) => e.type.typeId === arrow.Type.Timestamp || e.type.typeId === arrow.Type.Date;
    const step = args.length === 3 && isUnknownLiteral(args[2]) && args[2].kind === 'Literal' && typeof args[2].value === 'string' ? intervalLiteral(args[2].value, undefined, position) : args[2];
    if (args.length === 3 && (temporal(args[0]) || temporal(args[1])) && step.type.typeId === arrow.Type.Interval) {
      // Timestamps (dates as timestamptz, PostgreSQL's choice) stepped by an interval.
      const witness = temporal(args[0]) ? args[0] : args[1];
      const element = witness.type.typeId === arrow.Type.Date ? new arrow.TimestampMicrosecond('UTC') : witness.type;
      return { kind: 'Call', name: 'time_series_list', args: [coerce(args[0], element), coerce(args[1], element), step], type: new arrow.List(new arrow.Field('item', element, true)) };
    }
    throw new SqlError('42883', `function generate_series(${args.map((a) => pgTypeName(a.type)).join(', ')}) does not exist`, { position, hint: 'No function matches the given name and argument types. You might need to add explicit type casts.' });
  }
  const wide = args.some((a) => a.type.typeId === arrow.Type.Int && (a.type as arrow.Int).bitWidth === 64);
  const element = wide ? new arrow.Int64() : new arrow.Int32();
  return { kind: 'Call', name: 'series_list', args: args.map((a) => coerce(a, element)), type: new arrow.List(new arrow.Field('item', element, true)) };
}

/** Spark's `explode(map)` as a select item: two columns, `key` and `value`, over the entry the set-returning call gives. */
export function mapEntryColumns(entry: Expr): { exprs: Expr[]; names: string[] } {
  const [key, value] = (entry.type as arrow.Struct).children as [arrow.Field, arrow.Field];
  return {
    exprs: [
      { kind: 'FieldAccess', input: entry, fieldIndex: 0, field: 'key', type: key.type },
      { kind: 'FieldAccess', input: entry, fieldIndex: 1, field: 'value', type: value.type },
    ],
    names: ['key', 'value'],
  };
}
