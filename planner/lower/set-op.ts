import { SetOpExec } from '../../executor/operators/set-op.js';
import type { PhysicalOperator } from '../../executor/operator.js';
import type { SetOp } from '../logical/set-op.js';

export function lowerSetOp(node: SetOp, left: PhysicalOperator, right: PhysicalOperator): SetOpExec {
  return new SetOpExec(left, right, node.op, node.all);
}
