import { LimitExec } from '../../executor/operators/limit.js';
import type { PhysicalOperator } from '../../executor/operator.js';
import type { Limit } from '../logical/limit.js';

export function lowerLimit(node: Limit, input: PhysicalOperator): LimitExec {
  return new LimitExec(input, node.limit, node.offset);
}
