import type { AggregateName } from '../../executor/aggregates/result-type.js';
import { isVolatileCall } from '../binder/functions.js';
import { exprChildren, type Expr } from '../expr/expr.js';
import { Aggregate, type AggregateCallExpr } from '../logical/aggregate.js';
import { Filter } from '../logical/filter.js';
import type { LogicalPlan } from '../logical/plan.js';
import { Project } from '../logical/project.js';
import { Scan } from '../logical/scan.js';
import { mapPlan } from './map-plan.js';
import type { OptimizerRule } from './rule.js';

/** Aggregates whose result is the same however often each input row repeats, DISTINCT or not. */
const SET_AGGREGATES = new Set<AggregateName>(['min', 'max', 'bool_and', 'bool_or', 'bit_and', 'bit_or', 'approx_count_distinct']);

/**
 * With DISTINCT, these see each value once whatever the input: their result depends on the set of
 * values alone. (Not the list and string aggregates: their result's order follows the input's.)
 */
const DISTINCT_AGGREGATES = new Set<AggregateName>(['count', 'sum', 'avg', 'min', 'max', 'stddev_samp', 'stddev_pop', 'var_samp', 'var_pop']);

/**
 * An Aggregate over one column of a scan — through filters and projections — whose result does
 * not depend on how often a row repeats (`count(DISTINCT ticker)`, `SELECT DISTINCT ticker`,
 * `GROUP BY ticker` with only such aggregates, `min(date)`) → the same, with the scan told that
 * only its distinct rows matter (`distinctValues`). Storage then answers each dictionary value of a
 * row group once instead of every row (storage/scan/flat-parquet/column-chunk.ts), and one row for
 * a partition column's file: a partial DISTINCT pushed into the decoder, as Trino pushes partial
 * aggregation to its splits. Every expression on the way must be deterministic (`random()` would
 * be drawn fewer times); EXPLAIN marks the scan `distinct_values`.
 */
export const distinctValuesScan: OptimizerRule = {
  name: 'distinct_values_scan',
  rewrite: (plan) => mapPlan(plan, markScan),
};

function markScan(node: LogicalPlan): LogicalPlan {
  if (!Aggregate.is(node)) return node;
  if (!node.aggregates.every(ignoresRepeats) || node.groupBy.some(volatile)) return node;
  const input = withDistinctScan(node.input);
  return input === undefined ? node : Aggregate.create(input, node.groupBy, node.groupNames, node.aggregates, node.groupingSets);
}

function ignoresRepeats(call: AggregateCallExpr): boolean {
  const kept = call.distinct ? DISTINCT_AGGREGATES.has(call.name) : SET_AGGREGATES.has(call.name);
  return kept && call.orderBy === undefined && !call.args.some(volatile) && (call.filter === undefined || !volatile(call.filter));
}

/** `plan` with its scan marked, when it is deterministic filters and projections over a scan of one column. */
function withDistinctScan(plan: LogicalPlan): LogicalPlan | undefined {
  switch (plan.kind) {
    case 'Scan':
      return plan.columns.length === 1 ? Scan.create(plan.source, plan.columns, plan.filters, true) : undefined;
    case 'Filter': {
      const input = volatile(plan.predicate) ? undefined : withDistinctScan(plan.input);
      return input === undefined ? undefined : Filter.create(input, plan.predicate);
    }
    case 'Project': {
      const input = plan.exprs.some(volatile) ? undefined : withDistinctScan(plan.input);
      return input === undefined ? undefined : Project.create(input, plan.exprs, plan.names);
    }
    default:
      return undefined;
  }
}

function volatile(e: Expr): boolean {
  return isVolatileCall(e) || exprChildren(e).some(volatile);
}
