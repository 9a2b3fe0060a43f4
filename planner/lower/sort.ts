import { SortExec } from '../../executor/operators/sort.js';
import type { PhysicalOperator } from '../../executor/operator.js';
import type { Sort } from '../logical/sort.js';
import { lowerExpr } from './expr.js';

/** Sort → SortExec; `fetch` (set when a Limit sits right above) makes it a top-N. */
export function lowerSort(node: Sort, input: PhysicalOperator, fetch?: number): SortExec {
  return new SortExec(input, node.keys.map((k) => ({ expr: lowerExpr(k.expr), descending: k.descending, nullsFirst: k.nullsFirst })), fetch);
}
