import * as arrow from 'apache-arrow';
import type { Node } from 'libpg-query';
import { SqlError } from '../../common/sql-error.js';
import { aggregateResultType, type AggregateName } from '../../executor/aggregates/result-type.js';
import type { ScalarValue } from '../../executor/arrow/scalar.js';
import { pgTypeName } from '../../executor/values/type-names.js';
import { exprToString } from '../expr/display.js';
import type { Expr } from '../expr/expr.js';
import type { AggregateCallExpr } from '../logical/aggregate.js';
import { REGRESSION_NAMES } from '../../executor/aggregates/regression.js';
import type { SortKey } from '../logical/sort.js';
import { coerce, isNumeric, isUnknownLiteral } from '../types/coerce.js';
import { aggregateCalls, startOf, unwrap, type ExprBinder } from './bind-expr.js';

type AnyNode = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * Aggregate spellings of Spark and PostgreSQL → the executor's AggregateName. `first_value` /
 * `last_value` are aggregates only without OVER (Spark's `first`/`last`); `percentile` is
 * Spark's exact percentile (`percentile_cont`), `percentile_approx` / `approx_percentile` its
 * approximate one, answered exactly here as `percentile_disc` (a value of the input).
 */
const AGGREGATE_ALIASES: Record<string, AggregateName> = {
  count: 'count', sum: 'sum', avg: 'avg', mean: 'avg', min: 'min', max: 'max',
  first: 'first', first_value: 'first', last: 'last', last_value: 'last', any_value: 'any_value',
  stddev: 'stddev_samp', std: 'stddev_samp', stddev_samp: 'stddev_samp', stddev_pop: 'stddev_pop',
  variance: 'var_samp', var_samp: 'var_samp', var_pop: 'var_pop',
  percentile_cont: 'percentile_cont', percentile_disc: 'percentile_disc', percentile: 'percentile_cont',
  percentile_approx: 'percentile_disc', approx_percentile: 'percentile_disc', median: 'median',
  approx_count_distinct: 'approx_count_distinct', collect_list: 'collect_list', array_agg: 'array_agg',
  collect_set: 'collect_set', string_agg: 'string_agg', listagg: 'string_agg',
  bool_and: 'bool_and', every: 'bool_and', bool_or: 'bool_or', count_if: 'count_if',
  mode: 'mode', bit_and: 'bit_and', bit_or: 'bit_or', bit_xor: 'bit_xor', max_by: 'max_by', min_by: 'min_by',
  corr: 'corr', covar_pop: 'covar_pop', covar_samp: 'covar_samp',
  regr_count: 'regr_count', regr_sxx: 'regr_sxx', regr_syy: 'regr_syy', regr_sxy: 'regr_sxy', regr_avgx: 'regr_avgx',
  regr_avgy: 'regr_avgy', regr_slope: 'regr_slope', regr_intercept: 'regr_intercept', regr_r2: 'regr_r2',
};

export function aggregateNameOf(name: string): AggregateName | undefined {
  return Object.prototype.hasOwnProperty.call(AGGREGATE_ALIASES, name) ? AGGREGATE_ALIASES[name] : undefined;
}

aggregateCalls.isAggregate = (name) => aggregateNameOf(name) !== undefined;

const NO_FUNCTION_HINT = 'No function matches the given name and argument types. You might need to add explicit type casts.';

/**
 * Binds one aggregate call's arguments, FILTER and ORDER BY (over the FROM scope; aggregates
 * and window calls inside are PostgreSQL's 42803 errors) into an AggregateCallExpr.
 */
export function bindAggregateCall(call: AnyNode, binder: ExprBinder, argumentBinder?: ExprBinder): AggregateCallExpr {
  const ctx = binder.ctx;
  const names: string[] = (call.funcname ?? []).map((x: AnyNode) => x.String?.sval ?? '');
  const written = names[names.length - 1];
  let name = aggregateNameOf(written) as AggregateName;
  const position = ctx.position(call.location ?? 0);
  const inner = argumentBinder ?? binder.with({
    clause: binder.hooks.clause,
    aggregate: (c) => {
      throw new SqlError('42803', 'aggregate function calls cannot be nested', { position: ctx.position(c.location ?? 0) });
    },
    window: (c) => {
      throw new SqlError('42803', 'aggregate function calls cannot contain window function calls', { position: ctx.position(c.location ?? 0) });
    },
    ...(binder.hooks.outer === undefined ? {} : { outer: binder.hooks.outer }),
    // A subquery in an argument is computed per input row, below the aggregate (bind-select.ts).
    ...(binder.hooks.subquery === undefined ? {} : { subquery: binder.hooks.subquery }),
  });
  const argNodes = (call.args ?? []) as Node[];
  let args: Expr[] = argNodes.map((a) => inner.bind(a));
  const params: ScalarValue[] = [];
  let orderBy: SortKey[] | undefined;
  const constant = (e: Expr, node: Node, what: string): ScalarValue => {
    if (e.kind !== 'Literal') throw SqlError.unsupportedFeature(`a non-constant ${what} in ${written}`).at(ctx.position(startOf(node)));
    return e.value;
  };
  const fraction = (e: Expr, node: Node): number => {
    const f = coerce(e, new arrow.Float64(), ctx.position(startOf(node)));
    const v = constant(f, node, 'percentile');
    if (v === null) throw SqlError.unsupportedFeature(`a NULL percentile in ${written}`).at(ctx.position(startOf(node)));
    if (typeof v !== 'number' || !(v >= 0 && v <= 1)) throw new SqlError('22003', `percentile value ${String(v)} is not between 0 and 1`, { position: ctx.position(startOf(node)) });
    return v;
  };
  const signature = () => `${written}(${args.map((a) => (isUnknownLiteral(a) ? 'unknown' : pgTypeName(a.type))).join(', ')})`;
  const noSuch = (): SqlError => new SqlError('42883', `function ${signature()} does not exist`, { position, hint: NO_FUNCTION_HINT });

  if (call.agg_within_group) {
    // percentile_cont(0.5) WITHIN GROUP (ORDER BY x): the fraction is the argument, x the input;
    // mode() WITHIN GROUP (ORDER BY x [DESC]): no argument, the direction breaks ties.
    if (name !== 'percentile_cont' && name !== 'percentile_disc' && name !== 'mode') throw SqlError.unsupportedFeature(`WITHIN GROUP with ${written}`).at(position);
    const order = ((call.agg_order ?? []) as AnyNode[]).map((s) => s.SortBy as AnyNode);
    if (args.length !== (name === 'mode' ? 0 : 1) || order.length !== 1) throw noSuch();
    const descending = order[0].sortby_dir === 'SORTBY_DESC';
    if (name === 'mode') params.push(descending);
    else {
      params.push(fraction(args[0], argNodes[0]));
      if (descending) params[0] = 1 - (params[0] as number);
    }
    args = [inner.bind(order[0].node)];
  } else if (call.agg_star) {
    if (name !== 'count') throw new SqlError('42809', `* specified, but ${written} is not an aggregate function`, { position });
    name = 'count_star';
  } else {
    if (written === 'percentile' || written === 'percentile_approx' || written === 'approx_percentile') {
      if (args.length < 2 || args.length > 3) throw noSuch();
      params.push(fraction(args[1], argNodes[1]));
      args = [args[0]];
    } else if (name === 'percentile_cont' || name === 'percentile_disc') {
      throw new SqlError('42809', `WITHIN GROUP is required for ordered-set aggregate ${written}`, { position });
    } else if (name === 'string_agg') {
      if (args.length === 1 && written === 'listagg') args.push({ kind: 'Literal', value: ',', type: new arrow.Utf8() });
      if (args.length !== 2) throw noSuch();
      const sep = coerce(args[1], new arrow.Utf8(), ctx.position(startOf(argNodes[1])));
      params.push(constant(sep, argNodes[1] ?? argNodes[0], 'separator'));
      args = [args[0]];
    } else if (name === 'approx_count_distinct' && args.length === 2) {
      args = [args[0]]; // Spark's relative-error argument: the count here is exact.
    } else if ((name === 'first' || name === 'last') && args.length === 2) {
      // Spark's first(x, true) / last(x, true): the second argument is IGNORE NULLS.
      const skip = coerce(args[1] as Expr, new arrow.Bool(), ctx.position(startOf(argNodes[1])));
      params.push(constant(skip, argNodes[1] as Node, 'ignoreNulls argument') === true);
      args = [args[0] as Expr];
    }
    // `first(x) IGNORE NULLS` (the pre-pass recorded it at the call).
    if ((name === 'first' || name === 'last') && ctx.prepass.ignoreNulls?.has(call.location ?? -1) === true) params.splice(0, params.length, true);
    if (call.agg_order !== undefined) {
      orderBy = ((call.agg_order ?? []) as AnyNode[]).map((s) => {
        const sb = s.SortBy as AnyNode;
        const descending = sb.sortby_dir === 'SORTBY_DESC';
        const nullsFirst = sb.sortby_nulls === 'SORTBY_NULLS_FIRST' ? true : sb.sortby_nulls === 'SORTBY_NULLS_LAST' ? false : descending;
        const expr = inner.bind(sb.node);
        // Sorting the de-duplicated values by anything else would be ill-defined (PostgreSQL's rule).
        if (call.agg_distinct === true && !args.some((a) => exprToString(a) === exprToString(expr))) {
          throw new SqlError('42P10', 'in an aggregate with DISTINCT, ORDER BY expressions must appear in argument list', { position: ctx.position(startOf(sb.node)) });
        }
        return { expr, descending, nullsFirst };
      });
    }
  }
  args = checkArguments(name, args, noSuch);
  // PostgreSQL de-duplicates a DISTINCT aggregate's input by sorting it: without an ORDER BY of
  // their own, array_agg and string_agg see their distinct values in ascending order, NULL last.
  if (call.agg_distinct === true && orderBy === undefined && (name === 'array_agg' || name === 'string_agg')) {
    orderBy = [{ expr: args[0] as Expr, descending: false, nullsFirst: false }];
  }
  // FILTER (WHERE …) may name the enclosing query's columns and hold subqueries (planned below the aggregate).
  const filterBinder = inner.with({
    clause: 'FILTER',
    ...(binder.hooks.outer === undefined ? {} : { outer: binder.hooks.outer }),
    ...(binder.hooks.subquery === undefined ? {} : { subquery: binder.hooks.subquery }),
  });
  const filter = call.agg_filter === undefined ? undefined : filterBinder.bindCondition(call.agg_filter, 'FILTER');
  const type = aggregateResultType(name, args.map((a) => a.type));
  return {
    name,
    args,
    distinct: call.agg_distinct === true,
    ...(filter === undefined ? {} : { filter }),
    ...(orderBy === undefined ? {} : { orderBy }),
    ...(params.length === 0 ? {} : { params }),
    type,
    outputName: `${name === 'count_star' ? 'count' : written}`,
  };
}

/** Argument count and types per aggregate (PostgreSQL's 42883 when none matches); unknown literals typed. */
function checkArguments(name: AggregateName, args: Expr[], noSuch: () => SqlError): Expr[] {
  if ((REGRESSION_NAMES as readonly string[]).includes(name)) {
    // corr(y, x), covar_*(y, x), regr_*(y, x): PostgreSQL's float8 pairs, numbers converted.
    if (args.length !== 2) throw noSuch();
    return args.map((a) => {
      const typed = isUnknownLiteral(a) || a.type.typeId === arrow.Type.Null ? coerce(a, new arrow.Float64()) : a;
      if (!isNumeric(typed.type)) throw noSuch();
      return typed;
    });
  }
  if (name === 'max_by' || name === 'min_by') {
    // Spark's max_by(x, y): x of the row with the greatest y — a number, date or timestamp.
    if (args.length !== 2) throw noSuch();
    const [x, y] = args as [Expr, Expr];
    const orderable = isNumeric(y.type) || y.type.typeId === arrow.Type.Date || y.type.typeId === arrow.Type.Timestamp;
    if (!orderable) throw noSuch();
    return [isUnknownLiteral(x) || x.type.typeId === arrow.Type.Null ? coerce(x, new arrow.Utf8()) : x, y];
  }
  const want = name === 'count_star' ? 0 : 1;
  if (args.length !== want) throw noSuch();
  if (want === 0) return args;
  let a = args[0];
  const numericOnly = ['sum', 'avg', 'stddev_samp', 'stddev_pop', 'var_samp', 'var_pop', 'percentile_cont', 'median'].includes(name);
  if (isUnknownLiteral(a)) a = coerce(a, numericOnly ? new arrow.Float64() : name === 'bool_and' || name === 'bool_or' || name === 'count_if' ? new arrow.Bool() : new arrow.Utf8());
  if (a.type.typeId === arrow.Type.Null) a = coerce(a, numericOnly ? new arrow.Float64() : new arrow.Utf8());
  if (numericOnly && !isNumeric(a.type)) throw noSuch();
  if ((name === 'bool_and' || name === 'bool_or' || name === 'count_if') && a.type.typeId !== arrow.Type.Bool) throw noSuch();
  if (name === 'string_agg' && a.type.typeId !== arrow.Type.Utf8) throw noSuch();
  if ((name === 'bit_and' || name === 'bit_or' || name === 'bit_xor') && a.type.typeId !== arrow.Type.Int) throw noSuch();
  // Percentiles interpolate in double precision (PostgreSQL: float8 only).
  if ((name === 'percentile_cont' || name === 'median') && a.type.typeId !== arrow.Type.Float) a = coerce(a, new arrow.Float64());
  return [a];
}

/** `sum(close)`-style text of a call, for EXPLAIN and placeholders. */
export function aggregateLabel(a: AggregateCallExpr): string {
  if (a.name === 'count_star') return 'count(*)';
  return `${a.name}(${a.distinct ? 'DISTINCT ' : ''}${a.args.map(exprToString).join(', ')})`;
}

/** A key equal for equal calls, so `SELECT sum(x) … HAVING sum(x) > 1` computes sum(x) once. */
export function aggregateKey(a: AggregateCallExpr): string {
  return JSON.stringify({ ...a, outputName: undefined }, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v instanceof arrow.DataType ? String(v) : v));
}

export { unwrap };
