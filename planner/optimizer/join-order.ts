import type { Expr } from '../expr/expr.js';
import { transformExpr } from '../expr/expr.js';
import { Join } from '../logical/join.js';
import { visitPlan, type LogicalPlan } from '../logical/plan.js';
import { Project } from '../logical/project.js';
import { mapPlan } from './map-plan.js';
import type { OptimizerRule } from './rule.js';

/**
 * Join order for the obvious case: the hash join builds its table on the RIGHT input, so an
 * inner join whose right input is estimated larger than its left swaps them, and a Project
 * restores the column order the plan above expects.
 *
 * ```
 * Join: inner on=f.t = p.t                 Project: (f columns, p columns)
 *   Scan: fundamentals (10k rows)    ⇒       Join: inner on=p.t = f.t
 *   Scan: prices (10M rows)                    Scan: prices (10M rows: streamed, probes)
 *                                              Scan: fundamentals (10k rows: built)
 * ```
 *
 * Law: an inner join is commutative up to column order: A ⋈ B = π(B ⋈ A). Row estimates come
 * from the catalog (`TableSource.estimatedRows`, Delta's numRecords); a plan without one
 * anywhere is left alone.
 */
export const joinOrder: OptimizerRule = {
  name: 'join_order',
  rewrite(plan: LogicalPlan): LogicalPlan {
    return mapPlan(plan, (node) => {
      if (node.kind !== 'Join' || node.type !== 'inner' || node.condition === undefined) return node;
      const l = estimateRows(node.left);
      const r = estimateRows(node.right);
      if (l === undefined || r === undefined || r <= l) return node;
      const lw = node.left.schema.fields.length;
      const rw = node.right.schema.fields.length;
      const swap = (e: Expr) => transformExpr(e, (x) => (x.kind === 'ColumnRef' ? { ...x, index: x.index < lw ? x.index + rw : x.index - lw } : x));
      const swapped = Join.create(node.right, node.left, 'inner', swap(node.condition), node.nullAwareAnti);
      const exprs = node.schema.fields.map<Expr>((f, i) => ({ kind: 'ColumnRef', index: i < lw ? i + rw : i - lw, name: f.name, type: f.type }));
      return Project.create(swapped, exprs, node.schema.fields.map((f) => f.name));
    });
  },
};

/** A rough row count: the catalog's for scans, halved by filters, unknown when any scan lacks one. */
export function estimateRows(plan: LogicalPlan): number | undefined {
  return visitPlan<number | undefined>(plan, {
    Scan: (n) => n.source.estimatedRows,
    Values: (n) => n.rows.length,
    Filter: (n) => half(estimateRows(n.input)),
    Project: (n) => estimateRows(n.input),
    Sort: (n) => estimateRows(n.input),
    Limit: (n) => {
      const e = estimateRows(n.input);
      return n.limit === undefined ? e : Math.min(e ?? n.limit, n.limit);
    },
    Aggregate: (n) => (n.groupBy.length === 0 ? 1 : estimateRows(n.input)),
    Join: (n) => {
      const l = estimateRows(n.left);
      const r = estimateRows(n.right);
      return l === undefined || r === undefined ? undefined : n.type === 'semi' || n.type === 'anti' ? l : Math.max(l, r);
    },
    Window: (n) => estimateRows(n.input),
    Union: (n) => n.inputs.reduce<number | undefined>((acc, i) => (acc === undefined ? undefined : add(acc, estimateRows(i))), 0),
    SetOp: (n) => estimateRows(n.left),
    SingleRow: () => 1,
    Apply: (n) => estimateRows(n.input),
    Explode: () => undefined,
    RecursiveUnion: () => undefined,
    WorkTable: () => undefined,
  });
}

function half(n: number | undefined): number | undefined {
  return n === undefined ? undefined : n / 2;
}

function add(a: number, b: number | undefined): number | undefined {
  return b === undefined ? undefined : a + b;
}
