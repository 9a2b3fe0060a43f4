import type * as arrow from 'apache-arrow';
import type { LogicalPlan } from './plan.js';

/** `INTERSECT [ALL]` / `EXCEPT [ALL]`: rows compare as wholes, NULLs equal. Inputs share column types. */
export interface SetOp {
  readonly kind: 'SetOp';
  readonly left: LogicalPlan;
  readonly right: LogicalPlan;
  readonly op: 'intersect' | 'except';
  readonly all: boolean;
  readonly schema: arrow.Schema;
}

export const SetOp = Object.freeze({
  create(left: LogicalPlan, right: LogicalPlan, op: 'intersect' | 'except', all: boolean): SetOp {
    return { kind: 'SetOp', left, right, op, all, schema: left.schema };
  },
  is(node: { kind: string }): node is SetOp {
    return node.kind === 'SetOp';
  },
});
