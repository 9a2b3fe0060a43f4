import type { Aggregate } from './aggregate.js';
import type { Filter } from './filter.js';
import type { Join } from './join.js';
import type { Limit } from './limit.js';
import type { Project } from './project.js';
import type { Scan } from './scan.js';
import type { SetOp } from './set-op.js';
import type { SingleRow } from './single-row.js';
import type { Apply } from './apply.js';
import type { Explode } from './explode.js';
import type { Sort } from './sort.js';
import type { Union } from './union.js';
import type { Values } from './values.js';
import type { Window } from './window.js';
import type { RecursiveUnion } from './recursive-union.js';
import type { WorkTable } from './work-table.js';
import { exprToString } from '../expr/display.js';
import type { ScanPredicate } from '../catalog.js';
import type { SortKey } from './sort.js';

/**
 * The logical plan: a closed union, one node per file (STYLE.md §3). Passes take a
 * `PlanVisitor` (a record over every kind), so a new node is a compile error in each pass
 * until it handles it.
 */
export type LogicalPlan = Scan | Filter | Project | Sort | Limit | Values | Aggregate | Join | Window | Union | SetOp | SingleRow | Apply | Explode | RecursiveUnion | WorkTable;

export type PlanKind = LogicalPlan['kind'];

/** One handler per node kind. */
export type PlanVisitor<R> = { readonly [K in PlanKind]: (node: Extract<LogicalPlan, { kind: K }>) => R };

export function visitPlan<R>(plan: LogicalPlan, visitor: PlanVisitor<R>): R {
  return (visitor[plan.kind] as (node: LogicalPlan) => R)(plan);
}

export function planChildren(plan: LogicalPlan): readonly LogicalPlan[] {
  return visitPlan<readonly LogicalPlan[]>(plan, {
    Scan: () => [],
    Values: () => [],
    Filter: (n) => [n.input],
    Project: (n) => [n.input],
    Sort: (n) => [n.input],
    Limit: (n) => [n.input],
    Aggregate: (n) => [n.input],
    Join: (n) => [n.left, n.right],
    Window: (n) => [n.input],
    Union: (n) => n.inputs,
    SetOp: (n) => [n.left, n.right],
    SingleRow: (n) => [n.input],
    Apply: (n) => [n.input],
    Explode: (n) => [n.input],
    RecursiveUnion: (n) => [n.anchor, n.recursive],
    WorkTable: () => [],
  });
}

export function sortKeyToString(k: SortKey): string {
  return `${exprToString(k.expr)} ${k.descending ? 'DESC' : 'ASC'} NULLS ${k.nullsFirst ? 'FIRST' : 'LAST'}`;
}

export function scanPredicateToString(p: ScanPredicate): string {
  const show = (v: unknown) => (typeof v === 'string' ? `'${v.replace(/'/g, "''")}'` : String(v));
  switch (p.kind) {
    case 'compare': return `${p.column} ${p.op} ${show(p.value)}`;
    case 'isNull': return `${p.column} IS ${p.negated ? 'NOT ' : ''}NULL`;
    case 'in': return `${p.column} IN (${p.values.map(show).join(', ')})`;
  }
}

/** The logical plan as indented text (one node per line), for tests and EXPLAIN VERBOSE. */
export function logicalPlanToString(plan: LogicalPlan, depth = 0): string {
  const line = visitPlan<string>(plan, {
    Scan: (n) =>
      `Scan: ${n.source.displayName} columns=[${n.schema.fields.map((f) => f.name).join(', ')}]` +
      (n.filters.length === 0 ? '' : ` filters=[${n.filters.map(scanPredicateToString).join(', ')}]`) +
      (n.distinctValues ? ' distinct_values' : '') +
      (n.partialAggregate === undefined ? '' : ` partial_aggregate=[${n.partialAggregate.key}: ${n.partialAggregate.values.join(', ')}]`),
    Values: (n) => `Values: rows=${n.rows.length} columns=${n.schema.fields.length}`,
    Filter: (n) => `Filter: ${exprToString(n.predicate)}`,
    Project: (n) => `Project: ${n.exprs.map((e, i) => (exprToString(e) === n.names[i] ? n.names[i] : `${exprToString(e)} AS ${n.names[i]}`)).join(', ')}`,
    Sort: (n) => `Sort: ${n.keys.map(sortKeyToString).join(', ')}`,
    Limit: (n) => `Limit: limit=${n.limit ?? 'none'} offset=${n.offset}`,
    Aggregate: (n) =>
      `Aggregate: group=[${n.groupBy.map(exprToString).join(', ')}] aggregates=[${n.aggregates.map((a) => `${a.name}(${a.distinct ? 'DISTINCT ' : ''}${a.args.map(exprToString).join(', ')})${a.filter === undefined ? '' : ` FILTER (WHERE ${exprToString(a.filter)})`}`).join(', ')}]` +
      (n.groupingSets === undefined ? '' : ` sets=[${n.groupingSets.map((s) => `(${s.join(',')})`).join(', ')}]`),
    Join: (n) => `Join: type=${n.type}${n.condition === undefined ? '' : ` on=${exprToString(n.condition)}`}${n.nullAwareAnti ? ' null_aware' : ''}`,
    Window: (n) =>
      `Window: partition=[${n.partitionBy.map(exprToString).join(', ')}] order=[${n.orderBy.map(sortKeyToString).join(', ')}] calls=[${n.calls.map((c) => `${c.name}(${c.args.map(exprToString).join(', ')})`).join(', ')}]` +
      (n.groupLimit === undefined ? '' : ` group_limit=${n.groupLimit.rank}<=${n.groupLimit.limit}`),
    Union: (n) => `Union: ${n.distinct ? 'distinct' : 'all'}`,
    SetOp: (n) => `SetOp: ${n.op.toUpperCase()}${n.all ? ' ALL' : ''}`,
    SingleRow: () => 'SingleRow',
    Explode: (n) => `Explode: ${exprToString(n.expr)} AS ${n.outputName}`,
    Apply: (n) => `Apply: ${n.label} over [${n.columns.map((c) => `#${c}`).join(', ')}]${n.join === 'left' ? ' join=left' : ''}`,
    RecursiveUnion: (n) => `RecursiveUnion: ${n.name} ${n.distinct ? 'distinct' : 'all'}`,
    WorkTable: (n) => `WorkTable: ${n.name}`,
  });
  return ['  '.repeat(depth) + line, ...planChildren(plan).map((c) => logicalPlanToString(c, depth + 1))].join('\n');
}
