import { ValuesExec } from '../../executor/operators/values.js';
import type { Values } from '../logical/values.js';
import { lowerExpr } from './expr.js';

export function lowerValues(node: Values): ValuesExec {
  return new ValuesExec(node.rows.map((row) => row.map(lowerExpr)), node.schema);
}
