import type * as arrow from 'apache-arrow';
import { joinSchema, type JoinType } from '../../executor/operators/hash-join/output.js';
import type { Expr } from '../expr/expr.js';
import type { LogicalPlan } from './plan.js';

export type { JoinType };

/**
 * Joins two inputs on `condition` (over left columns ++ right columns; none: a cross join).
 * Output: left ++ right columns (the padded side of an outer join nullable), or the left
 * columns only for `semi` / `anti`. `nullAwareAnti`: `NOT IN (subquery)` semantics (a NULL on
 * the right empties the result). Lowering splits the condition into equi keys and a residual.
 */
export interface Join {
  readonly kind: 'Join';
  readonly left: LogicalPlan;
  readonly right: LogicalPlan;
  readonly type: JoinType;
  readonly condition?: Expr;
  readonly nullAwareAnti: boolean;
  readonly schema: arrow.Schema;
}

export const Join = Object.freeze({
  create(left: LogicalPlan, right: LogicalPlan, type: JoinType, condition?: Expr, nullAwareAnti = false): Join {
    return {
      kind: 'Join', left, right, type, ...(condition === undefined ? {} : { condition }), nullAwareAnti,
      schema: joinSchema(left.schema, right.schema, type),
    };
  },
  is(node: { kind: string }): node is Join {
    return node.kind === 'Join';
  },
});
