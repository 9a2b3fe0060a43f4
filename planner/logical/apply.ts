import * as arrow from 'apache-arrow';
import type { ScalarValue } from '../../executor/arrow/scalar.js';
import type { LogicalPlan } from './plan.js';

/**
 * A subquery evaluated once per input row (PostgreSQL's SubPlan, un-decorrelated): for a
 * subquery the binder cannot turn into a join — one whose FROM calls a function over the
 * enclosing row's columns, `(SELECT … FROM unnest(t.arr) x)` — each row's values of `columns`
 * are handed to `evaluate`, which plans the subquery with them as constants and runs it. Output:
 * the input columns, then the subquery's value. Meant for catalog-sized inputs: every row plans
 * and runs a query.
 */
export interface Apply {
  readonly kind: 'Apply';
  readonly input: LogicalPlan;
  /** Input columns the subquery reads, in the order `evaluate` receives their values. */
  readonly columns: readonly number[];
  readonly evaluate: (values: readonly ScalarValue[], signal: AbortSignal | undefined) => Promise<ScalarValue>;
  readonly label: string;
  readonly schema: arrow.Schema;
}

export const Apply = Object.freeze({
  create(input: LogicalPlan, columns: readonly number[], evaluate: Apply['evaluate'], type: arrow.DataType, label: string): Apply {
    const schema = new arrow.Schema([...input.schema.fields, new arrow.Field('__value', type, true)]);
    return { kind: 'Apply', input, columns, evaluate, label, schema };
  },
  is(node: { kind: string }): node is Apply {
    return node.kind === 'Apply';
  },
});
