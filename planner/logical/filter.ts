import type * as arrow from 'apache-arrow';
import type { Expr } from '../expr/expr.js';
import type { LogicalPlan } from './plan.js';

/** Keeps the input rows where `predicate` (boolean, over the input's columns) is TRUE. */
export interface Filter {
  readonly kind: 'Filter';
  readonly input: LogicalPlan;
  readonly predicate: Expr;
  readonly schema: arrow.Schema;
}

export const Filter = Object.freeze({
  create(input: LogicalPlan, predicate: Expr): Filter {
    return { kind: 'Filter', input, predicate, schema: input.schema };
  },
  is(node: { kind: string }): node is Filter {
    return node.kind === 'Filter';
  },
});
