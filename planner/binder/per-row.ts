import * as arrow from 'apache-arrow';
import { transformExpr, type Expr } from '../expr/expr.js';
import { Aggregate, type AggregateCallExpr } from '../logical/aggregate.js';
import { Filter } from '../logical/filter.js';
import { Join } from '../logical/join.js';
import type { LogicalPlan } from '../logical/plan.js';
import { Project } from '../logical/project.js';
import { Window } from '../logical/window.js';
import type { BoundQuery } from './bind-query.js';
import { joinCondition, shiftCondition } from './mark-subquery.js';

/*
 * Correlated subqueries joined per outer row (PostgreSQL's SubPlan, decorrelated): each outer
 * row gets a number, the subquery's rows are joined on the whole correlation (a hash join on its
 * equalities, the rest as residual), and the result is folded back per number.
 */

const BOOL = new arrow.Bool();

/**
 * A correlated scalar subquery without aggregate, `(SELECT d.x FROM d WHERE d.k = o.k AND …)`,
 * joined in row by row (PostgreSQL's SubPlan, decorrelated): each outer row gets a number, the
 * subquery is left-joined on its whole correlation condition (equalities or not), and the rows
 * are folded back per number, keeping the outer columns, the subquery's value, and how many rows
 * matched; more than one is PostgreSQL's `21000`.
 *
 * ```
 * Project [outer…, assert_single_row(value, matches)]
 *   Aggregate by __row: first(outer…), first(value), count(*)
 *     Join left on (correlation)
 *       Window row_number() AS __row
 *         <outer>
 *       <subquery: value, correlation columns…>
 * ```
 * Output: the outer columns, then the value (where the other kinds of subquery put theirs).
 */
export function perRowSubquery(outer: LogicalPlan, sub: { readonly plan: LogicalPlan; readonly conditions: readonly Expr[]; readonly array?: boolean }): LogicalPlan {
  const width = outer.schema.fields.length;
  const numbered = Window.create(outer, [], [], [{ name: 'row_number', args: [], type: new arrow.Int64(), outputName: '__row' }]);
  const joined = Join.create(numbered, sub.plan, 'left', joinCondition(sub.conditions, width + 1));
  const column = (index: number): Expr => ({ kind: 'ColumnRef', index, name: joined.schema.fields[index].name, type: joined.schema.fields[index].type });
  const first = (index: number, outputName: string): AggregateCallExpr => ({ name: 'first', args: [column(index)], distinct: false, type: joined.schema.fields[index].type, outputName });
  const valueField = joined.schema.fields[width + 1];
  const aggregates: AggregateCallExpr[] = [
    ...outer.schema.fields.map((f, i) => first(i, f.name)),
    sub.array === true
      // An outer row with no match has one NULL value from the left join: collect_list skips it, giving '{}'.
      ? { name: 'collect_list', args: [column(width + 1)], distinct: false, type: new arrow.List(new arrow.Field('item', valueField.type, true)), outputName: '__value' }
      : first(width + 1, '__value'),
    { name: 'count_star', args: [], distinct: false, type: new arrow.Int64(), outputName: '__matches' },
  ];
  const folded = Aggregate.create(joined, [column(width)], ['__row'], aggregates);
  const out = (index: number): Expr => ({ kind: 'ColumnRef', index, name: folded.schema.fields[index].name, type: folded.schema.fields[index].type });
  const value = folded.schema.fields[width + 1];
  return Project.create(
    folded,
    [...outer.schema.fields.map((_, i) => out(1 + i)), sub.array === true ? out(width + 1) : { kind: 'Call', name: 'assert_single_row', args: [out(width + 1), out(width + 2)], type: value.type }],
    [...outer.schema.fields.map((f) => f.name), '__value'],
  );
}

/**
 * A scalar aggregate subquery correlated by more than equalities — `(SELECT count(*) FROM
 * impressions i WHERE i.uid = c.uid AND i.ts < c.ts)` — decorrelated per outer row: each outer
 * row gets a number, the subquery's rows are left-joined on the whole correlation (a hash join on
 * its equalities, the rest as residual), and the aggregates run per number, each filtered to
 * rows that matched (so count is 0 and array_agg NULL for none, as over an empty set).
 *
 * ```
 * Project [outer…, value(aggregates…)]
 *   Aggregate by __row: first(outer…), agg(args) FILTER (WHERE __mark)…
 *     Join left on (correlation)
 *       Window row_number() AS __row
 *         <outer>
 *       Project [sub…, true AS __mark]
 *         <subquery FROM + WHERE>
 * ```
 * Output: the outer columns, then the value (where the other kinds of subquery put theirs).
 */
export function aggregatePerRow(outer: LogicalPlan, input: LogicalPlan, conditions: readonly Expr[], join: NonNullable<BoundQuery['aggregateJoin']>): LogicalPlan {
  const width = outer.schema.fields.length;
  const int64 = new arrow.Int64();
  const numbered = Window.create(outer, [], [], [{ name: 'row_number', args: [], type: int64, outputName: '__row' }]);
  const innerWidth = input.schema.fields.length;
  const marked = Project.create(input, [...input.schema.fields.map<Expr>((f, i) => ({ kind: 'ColumnRef', index: i, name: f.name, type: f.type })), { kind: 'Literal', value: true, type: BOOL }], [...input.schema.fields.map((f) => f.name), '__mark']);
  const joined = Join.create(numbered, marked, 'left', joinCondition(conditions, width + 1));
  const ref = (index: number): Expr => ({ kind: 'ColumnRef', index, name: joined.schema.fields[index].name, type: joined.schema.fields[index].type });
  const shift = (e: Expr) => transformExpr(e, (x) => (x.kind === 'ColumnRef' ? { ...x, index: x.index + width + 1 } : x));
  const matched: Expr = { kind: 'IsNull', input: ref(width + 1 + innerWidth), negated: true, type: BOOL };
  const aggregates: AggregateCallExpr[] = [
    ...outer.schema.fields.map<AggregateCallExpr>((f, i) => ({ name: 'first', args: [ref(i)], distinct: false, type: f.type, outputName: f.name })),
    ...join.aggregates.map<AggregateCallExpr>((a) => ({
      ...a,
      args: a.args.map(shift),
      filter: a.filter === undefined ? matched : { kind: 'Binary', op: 'AND', left: matched, right: shift(a.filter), type: BOOL },
      ...(a.orderBy === undefined ? {} : { orderBy: a.orderBy.map((k) => ({ ...k, expr: shift(k.expr) })) }),
    })),
  ];
  const folded = Aggregate.create(joined, [ref(width)], ['__row'], aggregates);
  const out = (index: number): Expr => ({ kind: 'ColumnRef', index, name: folded.schema.fields[index].name, type: folded.schema.fields[index].type });
  const value = transformExpr(join.value, (x) => (x.kind === 'ColumnRef' ? out(1 + width + x.index) : x));
  return Project.create(folded, [...outer.schema.fields.map((_, i) => out(1 + i)), value], [...outer.schema.fields.map((f) => f.name), '__value']);
}

/**
 * `ORDER BY … LIMIT n [OFFSET m]` per outer row over a correlation that is more than equalities
 * (last touch: the latest impression before each conversion): each outer row gets a number, the
 * subquery's rows are joined on the whole correlation (a hash join on its equalities), numbered
 * per outer row in ORDER BY order, and rows (m, m + n] kept. `join = 'left'` keeps an outer row
 * with no match once, its items NULL (LEFT JOIN LATERAL; a scalar subquery's NULL).
 *
 * ```
 * Project [outer…, items…]
 *   Filter m < __rank <= m + n
 *     Window partition=[__row] order=[keys] row_number() AS __rank
 *       Join inner|left on (correlation)
 *         Window row_number() AS __row
 *           <outer>
 *         Project [sub…, true AS __mark]
 * ```
 */
export function topNPerRow(outer: LogicalPlan, input: LogicalPlan, conditions: readonly Expr[], topN: NonNullable<BoundQuery['topNJoin']>, join: 'inner' | 'left'): LogicalPlan {
  const width = outer.schema.fields.length;
  const int64 = new arrow.Int64();
  const numbered = Window.create(outer, [], [], [{ name: 'row_number', args: [], type: int64, outputName: '__row' }]);
  const innerWidth = input.schema.fields.length;
  const marked = Project.create(input, [...input.schema.fields.map<Expr>((f, i) => ({ kind: 'ColumnRef', index: i, name: f.name, type: f.type })), { kind: 'Literal', value: true, type: BOOL }], [...input.schema.fields.map((f) => f.name), '__mark']);
  const joined = Join.create(numbered, marked, join, joinCondition(conditions, width + 1));
  const ref = (index: number): Expr => ({ kind: 'ColumnRef', index, name: joined.schema.fields[index].name, type: joined.schema.fields[index].type });
  const keys = topN.keys.map((k) => ({ ...k, expr: shiftCondition(k.expr, width + 1) }));
  const ranked = Window.create(joined, [ref(width)], keys, [{ name: 'row_number', args: [], type: int64, outputName: '__rank' }]);
  const rank: Expr = { kind: 'ColumnRef', index: joined.schema.fields.length, name: '__rank', type: int64 };
  const bound = (op: '>' | '<=', n: number): Expr => ({ kind: 'Binary', op, left: rank, right: { kind: 'Literal', value: BigInt(n), type: int64 }, type: BOOL });
  const kept = Filter.create(ranked, { kind: 'Binary', op: 'AND', left: bound('>', topN.offset), right: bound('<=', topN.offset + topN.limit), type: BOOL });
  const matched: Expr = { kind: 'IsNull', input: ref(width + 1 + innerWidth), negated: true, type: BOOL };
  const items = topN.exprs.map((e) => {
    const x = shiftCondition(e, width + 1);
    return join === 'left' ? ({ kind: 'Case', whens: [{ condition: matched, result: x }], type: x.type } as Expr) : x;
  });
  return Project.create(kept, [...outer.schema.fields.map((_, i) => ref(i)), ...items], [...outer.schema.fields.map((f) => f.name), ...topN.exprs.map((_, i) => `__item${i}`)]);
}
