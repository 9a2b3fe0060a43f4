import * as arrow from 'apache-arrow';
import { aggregateResultType, type AggregateName } from '../../executor/aggregates/result-type.js';
import type { Expr } from '../expr/expr.js';
import { Aggregate, type AggregateCallExpr } from '../logical/aggregate.js';
import type { LogicalPlan } from '../logical/plan.js';
import { Project } from '../logical/project.js';
import { PARTIAL_VALUE_STATES, Scan } from '../logical/scan.js';
import { mapPlan } from './map-plan.js';
import type { OptimizerRule } from './rule.js';

/**
 * `GROUP BY k` of count / sum / avg / min / max over the columns of a scan (no filter on the way)
 * → the scan answers partial aggregates instead of rows (`partialAggregate`), and the Aggregate
 * merges them: storage groups each dictionary-coded row group by its key where it decodes it
 * (storage/scan/flat-parquet/partial-aggregate.ts) and answers one row of states per key — 500
 * rows per row group for `GROUP BY ticker` instead of 262,144 — as Trino pushes partial
 * aggregation into its splits. Rows it cannot aggregate there come as one state row each.
 *
 * The merge, per call: count(*) = sum(rows), count(x) = sum(count(x)), sum(x) = sum(sum(x)),
 * avg(x) = sum(sum(x)) / sum(count(x)), min / max of the mins / maxes — each cast back to the
 * call's type. Counts and sums travel as float64 (exact below 2^53 rows); so sum and avg are
 * taken over floating-point columns only (an integer's exact sum must not pass through a double),
 * min and max over numbers and dates, the key a string, an integer of at most 32 bits or a date.
 * EXPLAIN marks the scan `partial_aggregate=[key: values]`.
 */
export const partialAggregateScan: OptimizerRule = {
  name: 'partial_aggregate_scan',
  rewrite: (plan) => mapPlan(plan, pushPartial),
};

const F64 = new arrow.Float64();

function pushPartial(node: LogicalPlan): LogicalPlan {
  if (!Aggregate.is(node) || node.groupingSets !== undefined || node.groupBy.length !== 1) return node;
  const scan = scanUnder(node.input);
  if (scan === undefined) return node;
  const columnOf = (e: Expr | undefined): string | undefined => (e?.kind === 'ColumnRef' ? scan.columnOf(e.index) : undefined);
  const key = columnOf(node.groupBy[0]);
  if (key === undefined || !keyType(node.groupBy[0]!.type)) return node;
  const values: string[] = [];
  const extremes: string[] = [];
  for (const call of node.aggregates) {
    if (!mergeable(call)) return node;
    if (call.name === 'count_star') continue;
    const value = columnOf(call.args[0]);
    if (value === undefined) return node;
    if (!values.includes(value)) values.push(value);
    if ((call.name === 'min' || call.name === 'max') && !extremes.includes(value)) extremes.push(value);
  }

  const source = scan.node.source;
  const indexOf = (name: string) => source.schema.fields.findIndex((f) => f.name === name);
  const columns = [...new Set([key, ...values])].map(indexOf);
  const partial = Scan.create(source, columns, [], false, { key, values, extremes });
  const ref = (index: number): Expr => ({ kind: 'ColumnRef', index, name: partial.schema.fields[index]!.name, type: partial.schema.fields[index]!.type });
  const state = (value: string, name: (typeof PARTIAL_VALUE_STATES)[number]) => ref(2 + values.indexOf(value) * PARTIAL_VALUE_STATES.length + PARTIAL_VALUE_STATES.indexOf(name));

  // The merging calls, and per original call the expression over their results.
  const merges: AggregateCallExpr[] = [];
  const merge = (name: AggregateName, input: Expr): Expr => {
    const at = merges.length;
    merges.push({ name, args: [input], distinct: false, type: aggregateResultType(name, [input.type]), outputName: `${name}_${at}` });
    return { kind: 'ColumnRef', index: 1 + at, name: `${name}_${at}`, type: merges[at]!.type };
  };
  const cast = (e: Expr, type: arrow.DataType): Expr => ({ kind: 'Cast', input: e, type });
  const results = node.aggregates.map((call): Expr => {
    const value = call.name === 'count_star' ? '' : (columnOf(call.args[0]) as string);
    switch (call.name) {
      case 'count_star':
        return cast(merge('sum', ref(1)), call.type);
      case 'count':
        return cast(merge('sum', state(value, 'count')), call.type);
      case 'sum':
        return cast(merge('sum', state(value, 'sum')), call.type);
      case 'avg':
        return cast({ kind: 'Binary', op: '/', left: merge('sum', state(value, 'sum')), right: merge('sum', state(value, 'count')), type: F64 }, call.type);
      default:
        return merge(call.name, state(value, call.name === 'min' ? 'min' : 'max'));
    }
  });
  const merged = Aggregate.create(partial, [ref(0)], node.groupNames, merges);
  const exprs: Expr[] = [{ kind: 'ColumnRef', index: 0, name: node.groupNames[0]!, type: merged.schema.fields[0]!.type }, ...results];
  return Project.create(merged, exprs, node.schema.fields.map((f) => f.name));
}

/** A plain call this rule merges, over a column of a type its states carry exactly. */
function mergeable(call: AggregateCallExpr): boolean {
  if (call.distinct || call.filter !== undefined || call.orderBy !== undefined || (call.params?.length ?? 0) > 0) return false;
  if (call.name === 'count_star') return call.args.length === 0;
  const type = call.args.length === 1 ? call.args[0]!.type : undefined;
  if (type === undefined) return false;
  switch (call.name) {
    case 'sum':
    case 'avg':
      return arrow.DataType.isFloat(type) && type.precision !== arrow.Precision.HALF;
    case 'count':
    case 'min':
    case 'max':
      return numberType(type);
    default:
      return false;
  }
}

/** Float32 / float64, integers of at most 32 bits, day dates: what the decoder folds (as doubles, exactly). */
function numberType(type: arrow.DataType): boolean {
  if (arrow.DataType.isFloat(type)) return type.precision !== arrow.Precision.HALF;
  if (arrow.DataType.isInt(type)) return type.bitWidth <= 32 && (type.isSigned || type.bitWidth < 32);
  return arrow.DataType.isDate(type) && type.unit === arrow.DateUnit.DAY;
}

/** Keys the decoder groups by dictionary code: strings, integers of at most 32 bits, day dates. */
function keyType(type: arrow.DataType): boolean {
  if (arrow.DataType.isUtf8(type)) return true;
  if (arrow.DataType.isInt(type)) return type.bitWidth <= 32 && (type.isSigned || type.bitWidth < 32);
  return arrow.DataType.isDate(type) && type.unit === arrow.DateUnit.DAY;
}

/** The scan under `plan` (through projections of its columns), with the scan column each input column is; undefined for anything else. */
function scanUnder(plan: LogicalPlan): { node: Scan; columnOf: (index: number) => string | undefined } | undefined {
  if (Scan.is(plan)) {
    if (plan.filters.length > 0 || plan.distinctValues || plan.partialAggregate !== undefined) return undefined;
    return { node: plan, columnOf: (i) => plan.source.schema.fields[plan.columns[i] ?? -1]?.name };
  }
  if (plan.kind !== 'Project') return undefined;
  const below = scanUnder(plan.input);
  if (below === undefined) return undefined;
  return { node: below.node, columnOf: (i) => (plan.exprs[i]?.kind === 'ColumnRef' ? below.columnOf((plan.exprs[i] as { index: number }).index) : undefined) };
}
