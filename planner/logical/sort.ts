import type * as arrow from 'apache-arrow';
import type { Expr } from '../expr/expr.js';
import type { LogicalPlan } from './plan.js';

/** One ORDER BY item. PostgreSQL's default: NULLS LAST for ASC, NULLS FIRST for DESC. */
export interface SortKey {
  readonly expr: Expr;
  readonly descending: boolean;
  readonly nullsFirst: boolean;
}

/** Orders the input rows by `keys` (expressions over the input's columns). */
export interface Sort {
  readonly kind: 'Sort';
  readonly input: LogicalPlan;
  readonly keys: readonly SortKey[];
  readonly schema: arrow.Schema;
}

export const Sort = Object.freeze({
  create(input: LogicalPlan, keys: readonly SortKey[]): Sort {
    return { kind: 'Sort', input, keys, schema: input.schema };
  },
  is(node: { kind: string }): node is Sort {
    return node.kind === 'Sort';
  },
});
