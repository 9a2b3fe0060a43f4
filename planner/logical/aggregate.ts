import * as arrow from 'apache-arrow';
import type { AggregateName } from '../../executor/aggregates/result-type.js';
import type { ScalarValue } from '../../executor/arrow/scalar.js';
import type { Expr } from '../expr/expr.js';
import type { LogicalPlan } from './plan.js';
import type { SortKey } from './sort.js';

/**
 * One aggregate call, over the Aggregate's input columns: `sum(DISTINCT x) FILTER (WHERE y)`,
 * `string_agg(s, ',' ORDER BY k)` (`params: [',']`), `percentile_cont(0.5) WITHIN GROUP (ORDER BY
 * x)` (`args: [x]`, `params: [0.5]`). `name` is normalised (`stddev` → `stddev_samp`…).
 */
export interface AggregateCallExpr {
  readonly name: AggregateName;
  readonly args: readonly Expr[];
  readonly distinct: boolean;
  readonly filter?: Expr;
  readonly orderBy?: readonly SortKey[];
  readonly params?: readonly ScalarValue[];
  readonly type: arrow.DataType;
  readonly outputName: string;
}

/** The last column of an Aggregate with grouping sets: which set produced the row. */
export const GROUPING_ID = '__grouping_id';

/**
 * Groups the input by `groupBy` and computes `aggregates` per group. Output: one column per
 * group expression, then one per aggregate, then (with `groupingSets`) an Int32
 * `__grouping_id`. `groupingSets` lists, per set, the indices of the group expressions it
 * groups by (ROLLUP/CUBE/GROUPING SETS expanded); columns outside a set are NULL in its rows.
 * No group expressions and no grouping sets: exactly one row, even over no input.
 */
export interface Aggregate {
  readonly kind: 'Aggregate';
  readonly input: LogicalPlan;
  readonly groupBy: readonly Expr[];
  readonly groupNames: readonly string[];
  readonly aggregates: readonly AggregateCallExpr[];
  readonly groupingSets?: readonly (readonly number[])[];
  readonly schema: arrow.Schema;
}

export const Aggregate = Object.freeze({
  create(
    input: LogicalPlan,
    groupBy: readonly Expr[],
    groupNames: readonly string[],
    aggregates: readonly AggregateCallExpr[],
    groupingSets?: readonly (readonly number[])[],
  ): Aggregate {
    const fields = [
      ...groupBy.map((e, i) => new arrow.Field(groupNames[i], e.type, true)),
      ...aggregates.map((a) => new arrow.Field(a.outputName, a.type, true)),
      ...(groupingSets === undefined ? [] : [new arrow.Field(GROUPING_ID, new arrow.Int32(), false)]),
    ];
    return { kind: 'Aggregate', input, groupBy, groupNames, aggregates, ...(groupingSets === undefined ? {} : { groupingSets }), schema: new arrow.Schema(fields) };
  },
  is(node: { kind: string }): node is Aggregate {
    return node.kind === 'Aggregate';
  },
});
