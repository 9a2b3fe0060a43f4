import * as arrow from 'apache-arrow';
import type { Node } from 'libpg-query';
import { SqlError } from '../../common/sql-error.js';
import type { ScalarValue } from '../../executor/arrow/scalar.js';
import type { Expr } from '../expr/expr.js';
import type { Values } from '../logical/values.js';
import { foldExpr } from '../optimizer/fold-constants.js';
import { coerce } from '../types/coerce.js';
import { ExprBinder, unwrap, type BindHooks } from './bind-expr.js';
import type { BindContext } from './context.js';
import { Scope } from './scope.js';
import { intervalLiteralValue, isIntervalLiteral } from './functions.js';
import { isUnknownLiteral } from '../types/coerce.js';
import { intervalData, parseIntervalOrThrow } from '../../executor/kernels/interval.js';
import { addInterval } from '../../executor/kernels/datetime.js';
import { dataFromValues } from '../../executor/arrow/scalar.js';
import { pgTypeName } from '../../executor/values/type-names.js';

type AnyNode = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * Set-returning functions in FROM whose arguments are constants: `generate_series(a, b [, step])`
 * over integers or timestamps, `unnest(a [, b …])` (zipped, the shorter padded with NULL), any
 * other function as one row; `WITH ORDINALITY` adds a bigint `ordinality` column. They become
 * constant rows. `f(…) AS s` names the column `s` (as PostgreSQL does for a one-column
 * function), `AS s(x, n)` names them. Spark's generators `explode` / `posexplode` (and their
 * `_outer` forms) of an array or a map give Spark's columns: `col`, `pos, col`, `key, value`,
 * `pos, key, value`. Arguments that read other FROM items or the enclosing
 * query raise lateralError: the caller then explodes or runs the call per value (bind-lateral.ts).
 */
export function bindTableFunction(ctx: BindContext, n: AnyNode, outer: Scope | undefined, outerHook?: BindHooks['outer']): { plan: Values; scope: Scope } {
  const position = ctx.position(n.location ?? 0);
  const functions = (n.functions ?? []) as AnyNode[];
  const items = (functions[0]?.List?.items ?? []) as Node[];
  if (functions.length !== 1 || items.length === 0) throw SqlError.unsupportedFeature('ROWS FROM with several functions').at(position);
  const [kind, call] = unwrap(items[0]);
  if (kind !== 'FuncCall') throw SqlError.unsupportedFeature(`${kind} in FROM`).at(position);
  const names = ((call.funcname ?? []) as AnyNode[]).map((x) => String(x.String?.sval ?? ''));
  const name = names[names.length - 1];
  const callPosition = ctx.position(call.location ?? 0);
  if (names.length > 1 && names[0] !== 'pg_catalog') throw SqlError.undefinedFunction(names.join('.'), callPosition);
  const binder = new ExprBinder(ctx, new Scope([], []).withParent(outer), { clause: 'functions in FROM', ...(outerHook === undefined ? {} : { outer: outerHook }) });
  const args = ((call.args ?? []) as Node[]).map((a) => {
    let bound: Expr;
    try {
      bound = binder.bind(a);
    } catch (err) {
      // A column here belongs to another FROM item or to the enclosing query: LATERAL.
      if (err instanceof SqlError && (err.sqlstate === '42P01' || err.sqlstate === '42703')) throw lateralError(name, callPosition);
      throw err;
    }
    const folded = foldExpr(bound);
    // Not constant: it reads the enclosing query's row (a subquery then runs per row, bind-select.ts Apply).
    if (folded.kind !== 'Literal' && !isIntervalLiteral(folded)) throw lateralError(name, callPosition);
    return folded;
  });
  const alias = n.alias as AnyNode | undefined;
  // One output column per array of a multi-array unnest (zipped), one otherwise.
  let columns: { type: arrow.DataType; values: ScalarValue[] }[] | undefined;
  /** Column names of their own (Spark's generators), unless the alias names them. */
  let ownNames: readonly string[] | undefined;
  let type: arrow.DataType = new arrow.Null();
  let values: ScalarValue[] = [];
  switch (name) {
    case 'generate_series': {
      const temporal = timeSeries(args, callPosition);
      if (temporal !== undefined) {
        ({ type, values } = temporal);
        break;
      }
      if (args.length < 2 || args.length > 3 || !args.every((a) => a.type.typeId === arrow.Type.Int || a.type.typeId === arrow.Type.Null || isUnknownLiteral(a))) {
        throw new SqlError('42883', `function generate_series(${args.map((a) => String(a.type)).join(', ')}) does not exist`, { position: callPosition });
      }
      const wide = args.some((a) => a.type.typeId === arrow.Type.Int && (a.type as arrow.Int).bitWidth === 64);
      type = wide ? new arrow.Int64() : new arrow.Int32();
      const [start, stop, step] = args.map((a) => coerce(a, new arrow.Int64())).map((a) => (a.kind === 'Literal' && a.value !== null ? BigInt(a.value as bigint) : null));
      const by = args.length === 3 ? step : 1n;
      if (by === 0n) throw new SqlError('22023', 'step size cannot equal zero', { position: callPosition });
      values = [];
      if (start !== null && stop !== null && by !== null) {
        for (let v = start; by > 0n ? v <= stop : v >= stop; v += by) {
          values.push(wide ? v : Number(v));
          if (values.length > MAX_ROWS) throw SqlError.unsupportedFeature(`generate_series of more than ${MAX_ROWS} rows in FROM`).at(callPosition);
        }
      }
      break;
    }
    case 'unnest': {
      // unnest(a, b, …) zips its arrays; shorter ones are padded with NULL (PostgreSQL).
      if (args.length === 0 || args.some((a) => a.type.typeId !== arrow.Type.List)) {
        throw new SqlError('42883', `function unnest(${args.map((a) => pgTypeName(a.type)).join(', ')}) does not exist`, { position: callPosition, hint: 'No function matches the given name and argument types. You might need to add explicit type casts.' });
      }
      const lists = args.map((a) => (a.kind !== 'Literal' || a.value === null ? [] : (a.value as readonly ScalarValue[])));
      const length = Math.max(...lists.map((l) => l.length));
      columns = args.map((a, k) => ({ type: (a.type as arrow.List).children[0].type, values: Array.from({ length }, (_, i) => lists[k][i] ?? null) }));
      break;
    }
    case 'explode':
    case 'explode_outer':
    case 'posexplode':
    case 'posexplode_outer':
      ({ columns, names: ownNames } = generatorRows(name, args, callPosition));
      break;
    default: {
      // A function that returns one value is a one-row table (`FROM string_to_array(…) s`).
      const value = foldExpr(binder.bind(items[0]));
      if (value.kind !== 'Literal') throw SqlError.unsupportedFeature(`${name} in FROM over values that are not constants`).at(callPosition);
      type = value.type;
      values = [value.value];
    }
  }
  columns ??= [{ type, values }];
  // WITH ORDINALITY: a bigint column numbering the rows from 1.
  if (n.ordinality === true) columns.push({ type: new arrow.Int64(), values: Array.from({ length: columns[0].values.length }, (_, i) => BigInt(i + 1)) });
  const qualifier = String(alias?.aliasname ?? name);
  const aliases = ((alias?.colnames ?? []) as AnyNode[]).map((c) => String(c.String?.sval));
  // PostgreSQL gives no position (libpg-query records none for the item): neither do we, rather than character 1.
  if (aliases.length > columns.length) throw new SqlError('42P10', `table "${qualifier}" has ${columns.length} columns available but ${aliases.length} columns specified`);
  // PostgreSQL's names: a one-column function's column is the alias (else the function's name);
  // several columns are each the function's name; the ordinality column is `ordinality`.
  const functionColumns = columns.length - (n.ordinality === true ? 1 : 0);
  const outputNames = columns.map((_, k) => aliases[k] ?? (k >= functionColumns ? 'ordinality' : ownNames?.[k] ?? (functionColumns === 1 ? String(alias?.aliasname ?? name) : name)));
  const length = columns[0].values.length;
  const rows: Expr[][] = Array.from({ length }, (_, i) => columns.map((c) => ({ kind: 'Literal', value: c.values[i], type: c.type }) as Expr));
  const plan: Values = { kind: 'Values', rows, schema: new arrow.Schema(columns.map((c, k) => new arrow.Field(outputNames[k], c.type, true))) };
  return { plan, scope: new Scope(columns.map((c, k) => ({ qualifier, name: outputNames[k], type: c.type, index: k })), [qualifier]) };
}

const MAX_ROWS = 1_000_000;

/**
 * Spark's generators over a constant array or map: one row per element (`col`) or entry (`key`,
 * `value`), after a 0-based `pos` for `posexplode`. A NULL or empty argument gives no row, or
 * for the `_outer` forms one row of NULLs.
 */
function generatorRows(name: string, args: readonly Expr[], position: number | undefined): { columns: { type: arrow.DataType; values: ScalarValue[] }[]; names: string[] } {
  const [arg] = args;
  const isMap = arg?.type.typeId === arrow.Type.Map;
  if (args.length !== 1 || arg === undefined || arg.kind !== 'Literal' || (!isMap && arg.type.typeId !== arrow.Type.List)) {
    throw new SqlError('42883', `function ${name}(${args.map((a) => pgTypeName(a.type)).join(', ')}) does not exist`, { position, hint: 'It takes an array or a map.' });
  }
  const outer = name.endsWith('_outer');
  const withPos = name.startsWith('pos');
  const items = (arg.value ?? []) as readonly ScalarValue[];
  const rows = items.length === 0 && outer ? 1 : items.length;
  const at = (i: number) => (i < items.length ? items[i] : null);
  const columns: { type: arrow.DataType; values: ScalarValue[] }[] = [];
  const names: string[] = [];
  if (withPos) {
    columns.push({ type: new arrow.Int32(), values: Array.from({ length: rows }, (_, i) => (i < items.length ? i : null)) });
    names.push('pos');
  }
  if (isMap) {
    const [key, value] = ((arg.type as arrow.Map_).children[0]!.type as arrow.Struct).children as [arrow.Field, arrow.Field];
    const entry = (i: number) => at(i) as readonly [ScalarValue, ScalarValue] | null;
    columns.push({ type: key.type, values: Array.from({ length: rows }, (_, i) => entry(i)?.[0] ?? null) }, { type: value.type, values: Array.from({ length: rows }, (_, i) => entry(i)?.[1] ?? null) });
    names.push('key', 'value');
  } else {
    columns.push({ type: (arg.type as arrow.List).children[0]!.type, values: Array.from({ length: rows }, (_, i) => at(i)) });
    names.push('col');
  }
  return { columns, names };
}

const LATERAL = new WeakSet<SqlError>();

/** `0A000` for a function in FROM over columns of other FROM items or of the enclosing query; callers catch it and plan the call LATERAL. */
function lateralError(name: string, position: number | undefined): SqlError {
  const err = SqlError.unsupportedFeature(`${name} in FROM over columns of other FROM items or of the enclosing query (LATERAL)`).at(position);
  LATERAL.add(err);
  return err;
}

/** Whether `err` is that error (a subquery in the select list then runs per outer row instead). */
export function isLateralError(err: SqlError): boolean {
  return LATERAL.has(err);
}

/**
 * `generate_series(start, stop, step interval)` over timestamps (and dates, as PostgreSQL's
 * timestamptz version): start, start + step, … while ≤ stop (≥ for a negative step), each step
 * added to the previous value as `timestamp + interval` does (months first, clamped to the
 * month's end: Jan 31, Feb 29, Mar 29…). Undefined when the arguments are not temporal.
 */
function timeSeries(args: readonly Expr[], position: number | undefined): { type: arrow.DataType; values: ScalarValue[] } | undefined {
  const temporal = (e: Expr) => e.type.typeId === arrow.Type.Timestamp || e.type.typeId === arrow.Type.Date;
  if (args.length !== 3 || !(temporal(args[0]) || temporal(args[1]))) return undefined;
  const step = intervalLiteralValue(args[2]) ?? (isUnknownLiteral(args[2]) && args[2].kind === 'Literal' && typeof args[2].value === 'string' ? parseIntervalOrThrow(args[2].value) : undefined);
  if (step === undefined) return undefined;
  const witness = temporal(args[0]) ? args[0] : args[1];
  const type = witness.type.typeId === arrow.Type.Date ? new arrow.TimestampMicrosecond('UTC') : witness.type;
  const [start, stop] = args.slice(0, 2).map((a) => {
    const c = foldExpr(coerce(a, type));
    return c.kind === 'Literal' && c.value !== null ? BigInt(c.value as bigint) : null;
  });
  if (start === null || stop === null) return { type, values: [] };
  const span = BigInt(step.months) * 30n * 86_400_000_000n + BigInt(step.days) * 86_400_000_000n + step.micros;
  if (span === 0n) throw new SqlError('22023', 'step size cannot equal zero'); // PostgreSQL raises it at run time, without a position
  const interval = intervalData([step.months], [step.days], [step.micros], null);
  const values: ScalarValue[] = [];
  for (let v = start; span > 0n ? v <= stop : v >= stop;) {
    values.push(v);
    if (values.length > MAX_ROWS) throw SqlError.unsupportedFeature(`generate_series of more than ${MAX_ROWS} rows in FROM`).at(position);
    // A fixed step (no months or days) is plain addition; calendar steps go through timestamp + interval.
    v = step.months === 0 && step.days === 0 ? v + step.micros : BigInt((addInterval(dataFromValues(type, [v]), interval, 1, type).values as BigInt64Array)[0]);
  }
  return { type, values };
}
