import { assert } from '../../common/sql-error.js';
import { columnsUsed, transformExpr, type Expr } from '../expr/expr.js';
import { Filter } from '../logical/filter.js';
import { Limit } from '../logical/limit.js';
import { visitPlan, type LogicalPlan } from '../logical/plan.js';
import { Project } from '../logical/project.js';
import { Scan } from '../logical/scan.js';
import { Sort } from '../logical/sort.js';
import type { OptimizerRule } from './rule.js';

/**
 * Projection pushdown: the Scan reads only the columns some expression above it uses.
 *
 * ```
 * Project: ticker                         Project: ticker
 *   Filter: close > 10            ⇒         Filter: close > 10
 *     Scan: t [date,ticker,close,vol]         Scan: t [ticker,close]
 * ```
 *
 * Law: a column no expression reads cannot change any output, so not reading it is invisible —
 * as long as every ColumnRef above is renumbered for the narrower schema, which this rule does
 * on its way back up. `SELECT 1 FROM t` asks for no columns at all (row counts only).
 */
export const pruneColumns: OptimizerRule = {
  name: 'prune_columns',
  rewrite(plan: LogicalPlan): LogicalPlan {
    return prune(plan, undefined).plan;
  },
};

/** `required`: input column indices the parent reads (undefined = all of them). */
interface Pruned {
  readonly plan: LogicalPlan;
  /** Old column index → new column index, for the pruned node's output. */
  readonly mapping: ReadonlyMap<number, number> | undefined;
}

function prune(plan: LogicalPlan, required: ReadonlySet<number> | undefined): Pruned {
  return visitPlan<Pruned>(plan, {
    Scan: (n) => {
      if (required === undefined) return { plan: n, mapping: undefined };
      const keep = n.columns.filter((_, i) => required.has(i));
      const mapping = new Map<number, number>();
      n.columns.forEach((_, i) => {
        if (required.has(i)) mapping.set(i, mapping.size);
      });
      return { plan: Scan.create(n.source, keep), mapping };
    },
    Values: (n) => ({ plan: n, mapping: undefined }),
    Project: (n) => {
      const used = new Set<number>();
      for (const e of n.exprs) columnsUsed(e, used);
      const child = prune(n.input, used);
      return { plan: Project.create(child.plan, n.exprs.map((e) => remap(e, child.mapping)), n.names), mapping: undefined };
    },
    Filter: (n) => {
      const used = withUsed(required, n.schema.fields.length, [n.predicate]);
      const child = prune(n.input, used);
      return { plan: Filter.create(child.plan, remap(n.predicate, child.mapping)), mapping: child.mapping };
    },
    Sort: (n) => {
      const used = withUsed(required, n.schema.fields.length, n.keys.map((k) => k.expr));
      const child = prune(n.input, used);
      return { plan: Sort.create(child.plan, n.keys.map((k) => ({ ...k, expr: remap(k.expr, child.mapping) }))), mapping: child.mapping };
    },
    Limit: (n) => {
      const child = prune(n.input, required);
      return { plan: Limit.create(child.plan, n.limit, n.offset), mapping: child.mapping };
    },
  });
}

function withUsed(required: ReadonlySet<number> | undefined, width: number, exprs: readonly Expr[]): Set<number> {
  const out = new Set<number>(required ?? Array.from({ length: width }, (_, i) => i));
  for (const e of exprs) columnsUsed(e, out);
  return out;
}

function remap(e: Expr, mapping: ReadonlyMap<number, number> | undefined): Expr {
  if (mapping === undefined) return e;
  return transformExpr(e, (node) => {
    if (node.kind !== 'ColumnRef') return node;
    const index = mapping.get(node.index);
    assert(index !== undefined, `prune_columns: column ${node.index} was pruned but is used`);
    return { ...node, index };
  });
}
