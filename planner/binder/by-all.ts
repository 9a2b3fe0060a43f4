import type { Node } from 'libpg-query';
import { someExpr, type Expr } from '../expr/expr.js';
import type { BindContext } from './context.js';

type AnyNode = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A select-list position as the parser spells `GROUP BY 2` / `ORDER BY 2`, located at `location`. */
function position(k: number, location: number): Node {
  return { A_Const: { ival: { ival: k }, location } } as unknown as Node;
}

/**
 * Databricks' and DuckDB's `GROUP BY ALL` (the pre-pass wrote `()` over `ALL`): the select items
 * that hold no aggregate, window or set-returning call, by position — `SELECT ticker, date, avg(close) … GROUP
 * BY ALL` groups by ticker and date. With none (only aggregates) the query aggregates everything
 * into one row. Any other GROUP BY clause comes back as it is.
 */
export function expandGroupByAll(ctx: BindContext, groupClause: readonly Node[], exprs: readonly Expr[]): readonly Node[] {
  const only = groupClause.length === 1 ? (groupClause[0] as AnyNode).GroupingSet : undefined;
  if (only === undefined || only.kind !== 'GROUPING_SET_EMPTY' || ctx.prepass.groupByAll?.has(only.location) !== true) return groupClause;
  // A set-returning item (`explode(collect_list(x))`) is computed after grouping, like an aggregate.
  const aggregated = (e: Expr) => someExpr(e, (x) => x.kind === 'Placeholder' && (x.slot === 'aggregate' || x.slot === 'window' || x.slot === 'srf'));
  const items: Node[] = [];
  exprs.forEach((e, i) => {
    if (!aggregated(e)) items.push(position(i + 1, only.location));
  });
  return items;
}

/**
 * DuckDB's and Databricks' `ORDER BY ALL [ASC | DESC] [NULLS …]` (the pre-pass wrote `1` over
 * `ALL`): every output column, left to right, each with the clause's direction. Any other ORDER
 * BY comes back as it is.
 */
export function expandOrderByAll(ctx: BindContext, sortClause: readonly AnyNode[], width: number): readonly AnyNode[] {
  const only = sortClause.length === 1 ? sortClause[0]?.SortBy : undefined;
  const at = only?.node?.A_Const?.location;
  if (only === undefined || typeof at !== 'number' || ctx.prepass.orderByAll?.has(at) !== true) return sortClause;
  return Array.from({ length: width }, (_, i) => ({ SortBy: { ...only, node: position(i + 1, at) } }));
}
