import * as arrow from 'apache-arrow';
import type { ScalarValue } from '../../executor/arrow/scalar.js';
import type { LogicalPlan } from './plan.js';

/** What one run of an Apply's subquery returned: its rows, as columns. */
export interface ApplyRows {
  readonly columns: readonly arrow.Data[];
  readonly length: number;
}

/**
 * A subquery evaluated per input row (PostgreSQL's SubPlan, un-decorrelated), for subqueries
 * the binder cannot turn into joins (planner/binder/per-value.ts): each row's values of
 * `columns` go to `evaluate`, which plans the subquery with them as constants and runs it. The
 * executor runs it once per distinct combination of values (a bounded cache), not per row.
 *
 * Output: the input columns, then `fields`, once per row the run returned — `join: 'inner'`
 * drops an input row whose run returned nothing, `'left'` keeps it once with NULLs (LEFT JOIN
 * LATERAL). A subquery used as a value always returns exactly one row (its value).
 */
export interface Apply {
  readonly kind: 'Apply';
  readonly input: LogicalPlan;
  /** Input columns the subquery reads, in the order `evaluate` receives their values. */
  readonly columns: readonly number[];
  readonly evaluate: (values: readonly ScalarValue[], signal: AbortSignal | undefined) => Promise<ApplyRows>;
  readonly join: 'inner' | 'left';
  readonly label: string;
  readonly schema: arrow.Schema;
}

export const Apply = Object.freeze({
  create(input: LogicalPlan, columns: readonly number[], evaluate: Apply['evaluate'], fields: readonly arrow.Field[], label: string, join: Apply['join'] = 'inner'): Apply {
    const schema = new arrow.Schema([...input.schema.fields, ...fields.map((f) => (f.nullable ? f : new arrow.Field(f.name, f.type, true)))]);
    return { kind: 'Apply', input, columns, evaluate, join, label, schema };
  },
  is(node: { kind: string }): node is Apply {
    return node.kind === 'Apply';
  },
});
