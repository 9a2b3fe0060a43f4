import { FilterExec } from '../../executor/operators/filter.js';
import type { PhysicalOperator } from '../../executor/operator.js';
import type { Filter } from '../logical/filter.js';
import { lowerExpr } from './expr.js';

export function lowerFilter(node: Filter, input: PhysicalOperator): FilterExec {
  return new FilterExec(input, lowerExpr(node.predicate));
}
