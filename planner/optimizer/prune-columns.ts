import { assert } from '../../common/sql-error.js';
import { columnsUsed, transformExpr, type Expr } from '../expr/expr.js';
import { Aggregate } from '../logical/aggregate.js';
import { Filter } from '../logical/filter.js';
import { Join } from '../logical/join.js';
import { Limit } from '../logical/limit.js';
import { visitPlan, type LogicalPlan } from '../logical/plan.js';
import { Project } from '../logical/project.js';
import { Scan } from '../logical/scan.js';
import { SetOp } from '../logical/set-op.js';
import { SingleRow } from '../logical/single-row.js';
import { Sort } from '../logical/sort.js';
import { Union } from '../logical/union.js';
import { Values } from '../logical/values.js';
import { Window } from '../logical/window.js';
import { Explode } from '../logical/explode.js';
import { Apply } from '../logical/apply.js';
import type { OptimizerRule } from './rule.js';

/**
 * Projection pushdown: every node produces only the columns some expression above it uses,
 * down to the Scan, which reads only those.
 *
 * ```
 * Project: ticker                         Project: ticker
 *   Filter: close > 10            ⇒         Filter: close > 10
 *     Scan: t [date,ticker,close,vol]         Scan: t [ticker,close]
 * ```
 *
 * Law: a column no expression reads cannot change any output, so not producing it is
 * invisible — as long as every ColumnRef above is renumbered for the narrower schema, which
 * this rule does on its way back up. Set operations compare whole rows, so below them every
 * column stays (their inputs are still pruned inside). `SELECT 1 FROM t` asks for no columns.
 */
export const pruneColumns: OptimizerRule = {
  name: 'prune_columns',
  rewrite(plan: LogicalPlan): LogicalPlan {
    return prune(plan, undefined).plan;
  },
};

interface Pruned {
  readonly plan: LogicalPlan;
  /** Old column index → new column index, for the pruned node's output (undefined: unchanged). */
  readonly mapping: ReadonlyMap<number, number> | undefined;
}

/** `required`: output column indices the parent reads (undefined = all of them). */
function prune(plan: LogicalPlan, required: ReadonlySet<number> | undefined): Pruned {
  return visitPlan<Pruned>(plan, {
    Scan: (n) => {
      if (required === undefined) return { plan: n, mapping: undefined };
      const keep = n.columns.filter((_, i) => required.has(i));
      return { plan: Scan.create(n.source, keep, n.filters), mapping: denseMapping(n.columns.length, required) };
    },
    Values: (n) => {
      if (required === undefined || n.schema.fields.length === 0) return { plan: n, mapping: undefined };
      const keep = n.schema.fields.map((_, i) => i).filter((i) => required.has(i));
      return { plan: Values.create(n.rows.map((r) => keep.map((i) => r[i])), keep.map((i) => n.schema.fields[i].name)), mapping: denseMapping(n.schema.fields.length, required) };
    },
    Project: (n) => {
      const keep = n.exprs.map((_, i) => i).filter((i) => required === undefined || required.has(i));
      const used = new Set<number>();
      for (const i of keep) columnsUsed(n.exprs[i], used);
      const child = prune(n.input, used);
      const project = Project.create(child.plan, keep.map((i) => remap(n.exprs[i], child.mapping)), keep.map((i) => n.names[i]));
      return { plan: project, mapping: required === undefined ? undefined : denseMapping(n.exprs.length, required) };
    },
    Filter: (n) => {
      const child = prune(n.input, withUsed(required, n.schema.fields.length, [n.predicate]));
      return { plan: Filter.create(child.plan, remap(n.predicate, child.mapping)), mapping: child.mapping };
    },
    Sort: (n) => {
      const child = prune(n.input, withUsed(required, n.schema.fields.length, n.keys.map((k) => k.expr)));
      return { plan: Sort.create(child.plan, n.keys.map((k) => ({ ...k, expr: remap(k.expr, child.mapping) }))), mapping: child.mapping };
    },
    Limit: (n) => {
      const child = prune(n.input, required);
      return { plan: Limit.create(child.plan, n.limit, n.offset), mapping: child.mapping };
    },
    Aggregate: (n) => {
      const used = new Set<number>();
      for (const e of n.groupBy) columnsUsed(e, used);
      for (const a of n.aggregates) {
        for (const e of a.args) columnsUsed(e, used);
        if (a.filter !== undefined) columnsUsed(a.filter, used);
        for (const k of a.orderBy ?? []) columnsUsed(k.expr, used);
      }
      const child = prune(n.input, used);
      const m = child.mapping;
      const aggregates = n.aggregates.map((a) => ({
        ...a,
        args: a.args.map((e) => remap(e, m)),
        ...(a.filter === undefined ? {} : { filter: remap(a.filter, m) }),
        ...(a.orderBy === undefined ? {} : { orderBy: a.orderBy.map((k) => ({ ...k, expr: remap(k.expr, m) })) }),
      }));
      return { plan: Aggregate.create(child.plan, n.groupBy.map((e) => remap(e, m)), n.groupNames, aggregates, n.groupingSets), mapping: undefined };
    },
    Join: (n) => {
      const lw = n.left.schema.fields.length;
      const rw = n.right.schema.fields.length;
      const all = required ?? new Set(n.schema.fields.map((_, i) => i));
      const used = new Set<number>(all);
      if (n.condition !== undefined) columnsUsed(n.condition, used);
      const needLeft = new Set([...used].filter((i) => i < lw));
      const needRight = new Set([...used].filter((i) => i >= lw).map((i) => i - lw));
      const left = prune(n.left, needLeft);
      const right = prune(n.right, needRight);
      const newLw = left.plan.schema.fields.length;
      const mapping = new Map<number, number>();
      for (let i = 0; i < lw; i++) {
        const to = left.mapping === undefined ? i : left.mapping.get(i);
        if (to !== undefined) mapping.set(i, to);
      }
      for (let i = 0; i < rw; i++) {
        const to = right.mapping === undefined ? i : right.mapping.get(i);
        if (to !== undefined) mapping.set(lw + i, newLw + to);
      }
      const condition = n.condition === undefined ? undefined : remap(n.condition, mapping);
      const join = Join.create(left.plan, right.plan, n.type, condition, n.nullAwareAnti);
      const outputMapping = n.type === 'semi' || n.type === 'anti' ? left.mapping : mapping;
      return { plan: join, mapping: outputMapping };
    },
    Window: (n) => {
      const iw = n.input.schema.fields.length;
      const used = new Set<number>([...(required ?? n.schema.fields.map((_, i) => i))].filter((i) => i < iw));
      for (const e of n.partitionBy) columnsUsed(e, used);
      for (const k of n.orderBy) columnsUsed(k.expr, used);
      for (const c of n.calls) for (const e of c.args) columnsUsed(e, used);
      const child = prune(n.input, used);
      const m = child.mapping;
      const window = Window.create(
        child.plan,
        n.partitionBy.map((e) => remap(e, m)),
        n.orderBy.map((k) => ({ ...k, expr: remap(k.expr, m) })),
        n.calls.map((c) => ({ ...c, args: c.args.map((e) => remap(e, m)) })),
      );
      if (m === undefined) return { plan: window, mapping: undefined };
      const newIw = child.plan.schema.fields.length;
      const mapping = new Map(m);
      n.calls.forEach((_, k) => mapping.set(iw + k, newIw + k));
      return { plan: window, mapping };
    },
    Union: (n) => ({ plan: Union.create(n.inputs.map((i) => prune(i, undefined).plan), n.distinct), mapping: undefined }),
    SetOp: (n) => ({ plan: SetOp.create(prune(n.left, undefined).plan, prune(n.right, undefined).plan, n.op, n.all), mapping: undefined }),
    SingleRow: (n) => ({ plan: SingleRow.create(prune(n.input, undefined).plan), mapping: undefined }),
    // The subquery reads input columns by index: all of them stay.
    // The subquery reads `columns`; above, only the input columns asked for (its own columns stay, appended).
    Apply: (n) => {
      const iw = n.input.schema.fields.length;
      const used = new Set<number>([...(required ?? n.schema.fields.map((_, i) => i))].filter((i) => i < iw));
      for (const c of n.columns) used.add(c);
      const child = prune(n.input, used);
      const m = child.mapping;
      const apply = Apply.create(child.plan, n.columns.map((c) => m?.get(c) ?? c), n.evaluate, n.schema.fields.slice(iw), n.label, n.join);
      if (m === undefined) return { plan: apply, mapping: undefined };
      const mapping = new Map(m);
      for (let k = iw; k < n.schema.fields.length; k++) mapping.set(k, child.plan.schema.fields.length + (k - iw));
      return { plan: apply, mapping };
    },
    // Every round feeds the next through the work table: its columns all stay.
    RecursiveUnion: (n) => ({ plan: { ...n, anchor: prune(n.anchor, undefined).plan, recursive: prune(n.recursive, undefined).plan }, mapping: undefined }),
    WorkTable: (n) => ({ plan: n, mapping: undefined }),
    Explode: (n) => {
      const iw = n.input.schema.fields.length;
      const used = new Set<number>([...(required ?? n.schema.fields.map((_, i) => i))].filter((i) => i < iw));
      columnsUsed(n.expr, used);
      const child = prune(n.input, used);
      const explode = Explode.create(child.plan, remap(n.expr, child.mapping), n.outputName, n.outer === true);
      if (child.mapping === undefined) return { plan: explode, mapping: undefined };
      const mapping = new Map(child.mapping);
      mapping.set(iw, child.plan.schema.fields.length);
      return { plan: explode, mapping };
    },
  });
}

/** Old index → new index when only `required` of `width` columns are kept, in order. */
function denseMapping(width: number, required: ReadonlySet<number>): Map<number, number> {
  const mapping = new Map<number, number>();
  for (let i = 0; i < width; i++) if (required.has(i)) mapping.set(i, mapping.size);
  return mapping;
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
