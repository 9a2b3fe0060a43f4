import { ColumnExpr } from '../expr/column.js';
import type { PhysicalOperator } from '../operator.js';
import { FilterExec } from './filter.js';
import { ProjectExec } from './project.js';
import { ScanExec } from './scan.js';

/**
 * The scan column that column `index` of `op`'s output comes from unchanged — through filters
 * (which only drop rows) and column projections — or undefined. Operators that learn a filter
 * while running (a hash join's build keys, top-N's boundary) hand it to that scan.
 */
export function scanColumnOf(op: PhysicalOperator, index: number): { scan: ScanExec; column: string } | undefined {
  if (op.wrapped !== undefined) return scanColumnOf(op.wrapped, index);
  if (op instanceof ScanExec) {
    const column = op.columns[index];
    return column === undefined ? undefined : { scan: op, column };
  }
  if (op instanceof FilterExec) return scanColumnOf(op.input, index);
  if (op instanceof ProjectExec) {
    const expr = op.exprs[index];
    return expr instanceof ColumnExpr ? scanColumnOf(op.input, expr.index) : undefined;
  }
  return undefined;
}
