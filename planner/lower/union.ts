import { UnionExec } from '../../executor/operators/union.js';
import type { PhysicalOperator } from '../../executor/operator.js';
import type { Union } from '../logical/union.js';

export function lowerUnion(node: Union, inputs: readonly PhysicalOperator[]): UnionExec {
  return new UnionExec(inputs, node.distinct);
}
