import { AssertSingleRowExec } from '../../executor/operators/assert-single-row.js';
import type { PhysicalOperator } from '../../executor/operator.js';
import type { SingleRow } from '../logical/single-row.js';

export function lowerSingleRow(_node: SingleRow, input: PhysicalOperator): AssertSingleRowExec {
  return new AssertSingleRowExec(input);
}
