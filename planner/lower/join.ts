import { HashJoinExec } from '../../executor/operators/hash-join/operator.js';
import { NestedLoopJoinExec } from '../../executor/operators/nested-loop-join.js';
import type { PhysicalOperator } from '../../executor/operator.js';
import { columnsUsed, transformExpr, type Expr } from '../expr/expr.js';
import type { Join } from '../logical/join.js';
import type { LogicalPlan } from '../logical/plan.js';
import type { Project } from '../logical/project.js';
import { ProjectExec } from '../../executor/operators/project.js';
import { lowerExpr } from './expr.js';

/**
 * Join → HashJoinExec when the condition has at least one equi conjunct `l = r` with `l`
 * reading only left columns and `r` only right ones (the binder coerced both sides to one
 * type); the other conjuncts are the residual. Otherwise NestedLoopJoinExec on the whole
 * condition (a cross join when there is none).
 */
export function lowerJoin(node: Join, left: PhysicalOperator, right: PhysicalOperator, outputColumns?: readonly number[]): PhysicalOperator {
  const width = node.left.schema.fields.length;
  const { leftKeys, rightKeys, residual } = splitEquiKeys(node.condition, width);
  if (leftKeys.length > 0) {
    return new HashJoinExec(
      left, right, leftKeys.map(lowerExpr), rightKeys.map((k) => lowerExpr(shift(k, -width))), node.type,
      residual === undefined ? undefined : lowerExpr(residual),
      { nullAwareAnti: node.nullAwareAnti, ...(outputColumns === undefined ? {} : { outputColumns }) },
    );
  }
  const condition = node.condition === undefined || (node.condition.kind === 'Literal' && node.condition.value === true && node.type === 'inner') ? undefined : lowerExpr(node.condition);
  return new NestedLoopJoinExec(left, right, node.type, condition);
}

/**
 * Project over a hash join that reads fewer than all of the join's columns (the other side's
 * keys, typically): the join outputs only those — it never gathers the rest — and the
 * projection reads them at their new positions. Undefined when there is nothing to prune, or
 * the join is a nested loop.
 */
export function lowerProjectOverJoin(node: Project, join: Join, lowerInput: (plan: LogicalPlan) => PhysicalOperator, wrap: (op: PhysicalOperator) => PhysicalOperator): PhysicalOperator | undefined {
  const used = [...new Set(node.exprs.flatMap((e) => [...columnsUsed(e)]))].sort((a, b) => a - b);
  if (used.length === join.schema.fields.length) return undefined;
  if (splitEquiKeys(join.condition, join.left.schema.fields.length).leftKeys.length === 0) return undefined;
  const joinOp = wrap(lowerJoin(join, lowerInput(join.left), lowerInput(join.right), used));
  const position = new Map(used.map((column, k) => [column, k] as const));
  const exprs = node.exprs.map((e) => transformExpr(e, (x) => (x.kind === 'ColumnRef' ? { ...x, index: position.get(x.index) as number } : x)));
  return new ProjectExec(joinOp, exprs.map(lowerExpr), node.schema);
}

/** The equi keys of a join condition (right keys still over left ++ right) and the rest. */
export function splitEquiKeys(condition: Expr | undefined, width: number): { leftKeys: Expr[]; rightKeys: Expr[]; residual?: Expr } {
  const leftKeys: Expr[] = [];
  const rightKeys: Expr[] = [];
  const rest: Expr[] = [];
  const side = (e: Expr): 'left' | 'right' | 'both' | 'none' => {
    const used = [...columnsUsed(e)];
    if (used.length === 0) return 'none';
    if (used.every((i) => i < width)) return 'left';
    if (used.every((i) => i >= width)) return 'right';
    return 'both';
  };
  for (const c of condition === undefined ? [] : conjuncts(condition)) {
    if (c.kind === 'Binary' && c.op === '=') {
      const l = side(c.left);
      const r = side(c.right);
      if (l === 'left' && r === 'right') {
        leftKeys.push(c.left);
        rightKeys.push(c.right);
        continue;
      }
      if (l === 'right' && r === 'left') {
        leftKeys.push(c.right);
        rightKeys.push(c.left);
        continue;
      }
    }
    rest.push(c);
  }
  const residual = rest.length === 0 ? undefined : rest.reduce((a, b) => ({ kind: 'Binary', op: 'AND', left: a, right: b, type: a.type }));
  return residual === undefined ? { leftKeys, rightKeys } : { leftKeys, rightKeys, residual };
}

function conjuncts(e: Expr): Expr[] {
  return e.kind === 'Binary' && e.op === 'AND' ? [...conjuncts(e.left), ...conjuncts(e.right)] : [e];
}

function shift(e: Expr, by: number): Expr {
  return transformExpr(e, (x) => (x.kind === 'ColumnRef' ? { ...x, index: x.index + by } : x));
}
