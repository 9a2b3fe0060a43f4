import * as arrow from 'apache-arrow';
import { makeBatch } from '../../executor/arrow/batch.js';
import { scalarAt } from '../../executor/arrow/scalar.js';
import { isVolatileCall } from '../binder/functions.js';
import { exprChildren, transformExpr, type Expr, type Literal } from '../expr/expr.js';
import { Aggregate } from '../logical/aggregate.js';
import { Filter } from '../logical/filter.js';
import { Join } from '../logical/join.js';
import { SetOp } from '../logical/set-op.js';
import { SingleRow } from '../logical/single-row.js';
import { Union } from '../logical/union.js';
import { Window } from '../logical/window.js';
import { Limit } from '../logical/limit.js';
import { visitPlan, type LogicalPlan } from '../logical/plan.js';
import { Project } from '../logical/project.js';
import { Sort } from '../logical/sort.js';
import { Values } from '../logical/values.js';
import { lowerExpr } from '../lower/expr.js';
import type { OptimizerRule } from './rule.js';

/**
 * Constant folding.
 *
 * ```
 * Filter: price > 1 + 1 AND true        Filter: price > 2
 *   Scan: t                      ⇒        Scan: t
 * ```
 *
 * Law: an expression whose inputs are all constants has the same value on every row, so it can
 * be computed once, at plan time, by the same kernels that would compute it per batch (one row,
 * no columns). `TRUE AND x ≡ x`, `FALSE AND x ≡ FALSE`, `FALSE OR x ≡ x`, `TRUE OR x ≡ TRUE`
 * hold in three-valued logic. A Filter whose predicate folds to TRUE is removed. An expression
 * that fails when folded (`1/0`) is left as it is, so the error (if the row is ever evaluated)
 * comes at run time, as it would without folding. A volatile call (`random()`) is not a
 * constant: it is drawn per row.
 */
export const foldConstants: OptimizerRule = {
  name: 'fold_constants',
  rewrite: foldPlan,
};

function foldPlan(plan: LogicalPlan): LogicalPlan {
    return visitPlan<LogicalPlan>(plan, {
      Scan: (n) => n,
      Values: (n) => Values.create(n.rows.map((r) => r.map(foldExpr)), n.schema.fields.map((f) => f.name)),
      Filter: (n) => {
        const input = foldPlan(n.input);
        const predicate = foldExpr(n.predicate);
        if (predicate.kind === 'Literal' && predicate.value === true) return input;
        return Filter.create(input, predicate);
      },
      Project: (n) => Project.create(foldPlan(n.input), n.exprs.map(foldExpr), n.names),
      Sort: (n) => Sort.create(foldPlan(n.input), n.keys.map((k) => ({ ...k, expr: foldExpr(k.expr) }))),
      Limit: (n) => Limit.create(foldPlan(n.input), n.limit, n.offset),
      Aggregate: (n) =>
        Aggregate.create(
          foldPlan(n.input),
          n.groupBy.map(foldExpr),
          n.groupNames,
          n.aggregates.map((a) => ({ ...a, args: a.args.map(foldExpr), ...(a.filter === undefined ? {} : { filter: foldExpr(a.filter) }) })),
          n.groupingSets,
        ),
      Join: (n) => Join.create(foldPlan(n.left), foldPlan(n.right), n.type, n.condition === undefined ? undefined : foldExpr(n.condition), n.nullAwareAnti),
      Window: (n) => Window.create(foldPlan(n.input), n.partitionBy.map(foldExpr), n.orderBy.map((k) => ({ ...k, expr: foldExpr(k.expr) })), n.calls.map((c) => ({ ...c, args: c.args.map(foldExpr) }))),
      Union: (n) => Union.create(n.inputs.map(foldPlan), n.distinct),
      SetOp: (n) => SetOp.create(foldPlan(n.left), foldPlan(n.right), n.op, n.all),
      SingleRow: (n) => SingleRow.create(foldPlan(n.input)),
      Apply: (n) => ({ ...n, input: foldPlan(n.input) }),
      Explode: (n) => ({ ...n, input: foldPlan(n.input), expr: foldExpr(n.expr) }),
      RecursiveUnion: (n) => ({ ...n, anchor: foldPlan(n.anchor), recursive: foldPlan(n.recursive) }),
      WorkTable: (n) => n,
    });
}

/** Folds every constant sub-expression of `e`, bottom-up. */
export function foldExpr(e: Expr): Expr {
  return transformExpr(e, (node) => simplifyBoolean(node) ?? evaluateConstant(node) ?? node);
}

function isConstant(e: Expr): e is Literal {
  return e.kind === 'Literal';
}

function simplifyBoolean(e: Expr): Expr | undefined {
  if (e.kind !== 'Binary' || (e.op !== 'AND' && e.op !== 'OR')) return undefined;
  const absorbing = e.op === 'OR';
  for (const [side, other] of [[e.left, e.right], [e.right, e.left]] as const) {
    if (!isConstant(side) || side.value === null) continue;
    if (side.value === absorbing) return side;
    return other;
  }
  return undefined;
}

const ONE_ROW = makeBatch(new arrow.Schema([]), [], 1);

function evaluateConstant(e: Expr): Literal | undefined {
  if (e.kind === 'Literal' || e.kind === 'ColumnRef' || e.kind === 'Placeholder' || isVolatileCall(e)) return undefined;
  if (!exprChildren(e).every(isConstant)) return undefined;
  try {
    const value = scalarAt(lowerExpr(e).evaluate(ONE_ROW), 0);
    return { kind: 'Literal', value, type: e.type };
  } catch {
    return undefined;
  }
}
