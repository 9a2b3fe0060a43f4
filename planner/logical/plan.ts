import type { Filter } from './filter.js';
import type { Limit } from './limit.js';
import type { Project } from './project.js';
import type { Scan } from './scan.js';
import type { Sort } from './sort.js';
import type { Values } from './values.js';
import { exprToString } from '../expr/display.js';

/**
 * The logical plan: a closed union, one node per file (STYLE.md §3). Passes take a
 * `PlanVisitor` (a record over every kind), so adding Aggregate, Join or Window (issue #4) is a
 * compile error in each pass until it handles them.
 */
export type LogicalPlan = Scan | Filter | Project | Sort | Limit | Values;

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
  });
}

/** The logical plan as indented text (one node per line), for tests and EXPLAIN VERBOSE. */
export function logicalPlanToString(plan: LogicalPlan, depth = 0): string {
  const line = visitPlan<string>(plan, {
    Scan: (n) => `Scan: ${n.source.displayName} columns=[${n.schema.fields.map((f) => f.name).join(', ')}]`,
    Values: (n) => `Values: rows=${n.rows.length} columns=${n.schema.fields.length}`,
    Filter: (n) => `Filter: ${exprToString(n.predicate)}`,
    Project: (n) => `Project: ${n.exprs.map((e, i) => (exprToString(e) === n.names[i] ? n.names[i] : `${exprToString(e)} AS ${n.names[i]}`)).join(', ')}`,
    Sort: (n) => `Sort: ${n.keys.map((k) => `${exprToString(k.expr)} ${k.descending ? 'DESC' : 'ASC'} NULLS ${k.nullsFirst ? 'FIRST' : 'LAST'}`).join(', ')}`,
    Limit: (n) => `Limit: limit=${n.limit ?? 'none'} offset=${n.offset}`,
  });
  return ['  '.repeat(depth) + line, ...planChildren(plan).map((c) => logicalPlanToString(c, depth + 1))].join('\n');
}
