import * as arrow from 'apache-arrow';
import type { CompareOp } from '../../executor/kernels/compare.js';
import { transformExpr, type Expr } from '../expr/expr.js';
import { Aggregate, type AggregateCallExpr } from '../logical/aggregate.js';
import { Filter } from '../logical/filter.js';
import { Join } from '../logical/join.js';
import { Limit } from '../logical/limit.js';
import type { LogicalPlan } from '../logical/plan.js';
import { Project } from '../logical/project.js';
import { Window } from '../logical/window.js';

const BOOL = new arrow.Bool();
const INT64 = new arrow.Int64();

/**
 * What a subquery used as a boolean value tests, per outer row:
 * - `exists`: whether it returns any row;
 * - `any`: `left op ANY (subquery)` (`IN` is `= ANY`); `negated` wraps it in NOT, which is how
 *   `left op ALL (…)` is planned: `NOT (left negop ANY (…))` (`NOT IN` is `<> ALL`).
 * `left` is over the outer columns; `compare(right)` builds the bound comparison with the
 * coercions the operator needs, `right` being the subquery's columns wherever they land.
 * `width` > 1: a row `(a, b) IN (SELECT x, y …)`, compared item by item (`a = x AND b = y`).
 */
export type MarkTest =
  | { readonly kind: 'exists' }
  | { readonly kind: 'any'; readonly op: CompareOp; readonly negated: boolean; readonly compare: (right: readonly Expr[]) => Expr; readonly width?: number };

/** The negation of each comparison, for `x op ALL (…)` = `NOT (x negop ANY (…))`. */
export const NEGATED_OP: Readonly<Record<CompareOp, CompareOp>> = { '=': '<>', '<>': '=', '<': '>=', '<=': '>', '>': '<=', '>=': '<' };

/**
 * `EXISTS (…)`, `x IN (…)`, `x op ANY|ALL (…)` as a value (in a select list, CASE, under OR),
 * with SQL's three-valued logic exactly as PostgreSQL: `x op ANY (S)` is TRUE when some
 * comparison is TRUE, else NULL when some is NULL, else FALSE (so FALSE for an empty S, and
 * `NOT IN` over a set holding a NULL is never TRUE). Output: the outer columns, then the value.
 *
 * Uncorrelated (`conditions` empty), S is summarised once and cross-joined:
 * ```
 * Project [outer…, CASE …]                         `=`: matched ← left join on the distinct values
 *   Join cross                                      `<`, `>`…: x op max|min(S)
 *     [Join left on x = y]   Aggregate: count(*), count(y), min(y), max(y)
 *       <outer>    Aggregate by y (Filter y IS NOT NULL)
 * ```
 * Correlated, each outer row is numbered, left-joined to S on the correlation (a hash join on
 * its equalities), and folded back by number (PostgreSQL's SubPlan, decorrelated):
 * ```
 * Project [outer…, CASE WHEN bool_or(cmp) THEN true WHEN count(mark) > count(cmp) THEN NULL ELSE false]
 *   Aggregate by __row: first(outer…), bool_or(x op y), count(mark), count(x op y)
 *     Join left on (correlation)
 *       Window row_number() AS __row
 *         <outer>
 *       Project [S…, true AS mark]
 * ```
 */
export function markSubquery(outer: LogicalPlan, sub: LogicalPlan, conditions: readonly Expr[], test: MarkTest): LogicalPlan {
  if (conditions.length > 0) return correlated(outer, sub, conditions, test);
  // A row has no single value to summarise: each outer row meets every subquery row.
  if (test.kind === 'any' && (test.width ?? 1) > 1) return correlated(outer, sub, [lit(true)], test);
  return uncorrelated(outer, sub, test);
}

// ── uncorrelated ──

function uncorrelated(outer: LogicalPlan, sub: LogicalPlan, test: MarkTest): LogicalPlan {
  const width = outer.schema.fields.length;
  if (test.kind === 'exists') {
    const counted = Aggregate.create(Limit.create(sub, 1, 0), [], [], [countStar('__n')]);
    const joined = Join.create(outer, counted, 'inner');
    return finish(outer, joined, binary('>', ref(joined, width), int(0n)));
  }
  // The subquery's value coerced to the comparison's type, over the subquery's own columns.
  const probe = test.compare([ref(sub, 0)]);
  const y = probe.kind === 'Binary' ? probe.right : ref(sub, 0);
  const values = Project.create(sub, [y], ['__y']);
  const yRef = ref(values, 0);
  const aggregates: AggregateCallExpr[] = [countStar('__n'), call('count', [yRef], INT64, '__known')];
  if (test.op === '<' || test.op === '<=' || test.op === '<>') aggregates.push(call('max', [yRef], y.type, '__max'));
  if (test.op === '>' || test.op === '>=' || test.op === '<>') aggregates.push(call('min', [yRef], y.type, '__min'));
  const summary = Aggregate.create(values, [], [], aggregates);
  let plan: LogicalPlan = outer;
  let matched: Expr | undefined;
  if (test.op === '=') {
    // Distinct non-NULL values, so the left join keeps one row per outer row.
    const distinct = Aggregate.create(Filter.create(values, { kind: 'IsNull', input: yRef, negated: true, type: BOOL }), [yRef], ['__y'], []);
    plan = Join.create(outer, distinct, 'left', test.compare([{ kind: 'ColumnRef', index: width, name: '__y', type: y.type }]));
    matched = { kind: 'IsNull', input: ref(plan, width), negated: true, type: BOOL };
  }
  const base = plan.schema.fields.length;
  const joined = Join.create(plan, summary, 'inner');
  const n = ref(joined, base);
  const known = ref(joined, base + 1);
  const left = probe.kind === 'Binary' ? probe.left : undefined;
  let hit: Expr;
  if (matched !== undefined) hit = matched;
  else if (test.op === '<>') hit = or(test.compare([ref(joined, base + 2)]), test.compare([ref(joined, base + 3)]));
  else hit = test.compare([ref(joined, base + 2)]);
  // TRUE on a hit; FALSE for an empty set; NULL when x or some value is NULL; else FALSE.
  const unknown = or(left === undefined ? lit(false) : { kind: 'IsNull', input: left, negated: false, type: BOOL }, binary('>', n, known));
  const value: Expr = {
    kind: 'Case',
    whens: [
      { condition: binary('=', n, int(0n)), result: lit(false) },
      { condition: hit, result: lit(true) },
      { condition: unknown, result: { kind: 'Literal', value: null, type: BOOL } },
    ],
    otherwise: lit(false),
    type: BOOL,
  };
  return finish(outer, joined, test.negated ? not(value) : value);
}

// ── correlated ──

function correlated(outer: LogicalPlan, sub: LogicalPlan, conditions: readonly Expr[], test: MarkTest): LogicalPlan {
  const width = outer.schema.fields.length;
  const numbered = Window.create(outer, [], [], [{ name: 'row_number', args: [], type: INT64, outputName: '__row' }]);
  const marked = Project.create(sub, [...sub.schema.fields.map((_, i) => ref(sub, i)), lit(true)], [...sub.schema.fields.map((f) => f.name), '__mark']);
  const joined = Join.create(numbered, marked, 'left', joinCondition(conditions, width + 1));
  const mark = ref(joined, width + 1 + sub.schema.fields.length);
  const aggregates: AggregateCallExpr[] = [...outer.schema.fields.map((f, i) => call('first', [ref(joined, i)], f.type, f.name)), call('count', [mark], INT64, '__matches')];
  if (test.kind === 'any') {
    const cmp = test.compare(Array.from({ length: test.width ?? 1 }, (_, k) => ref(joined, width + 1 + k)));
    aggregates.push(call('bool_or', [cmp], BOOL, '__any'), call('count', [cmp], INT64, '__known'));
  }
  const folded = Aggregate.create(joined, [ref(joined, width)], ['__row'], aggregates);
  const matches = ref(folded, 1 + width);
  let value: Expr;
  if (test.kind === 'exists') value = binary('>', matches, int(0n));
  else {
    value = {
      kind: 'Case',
      whens: [
        { condition: ref(folded, 2 + width), result: lit(true) },
        { condition: binary('>', matches, ref(folded, 3 + width)), result: { kind: 'Literal', value: null, type: BOOL } },
      ],
      otherwise: lit(false),
      type: BOOL,
    };
    if (test.negated) value = not(value);
  }
  return Project.create(folded, [...outer.schema.fields.map((_, i) => ref(folded, 1 + i)), value], [...outer.schema.fields.map((f) => f.name), '__value']);
}

// ── helpers ──

/** `joined`'s first columns are `outer`'s: keep them and append the value. */
function finish(outer: LogicalPlan, joined: LogicalPlan, value: Expr): LogicalPlan {
  return Project.create(joined, [...outer.schema.fields.map((_, i) => ref(joined, i)), value], [...outer.schema.fields.map((f) => f.name), '__value']);
}

/** A subquery's condition (its columns as ColumnRefs, outer columns as Placeholders) over (outer ++ subquery). */
export function shiftCondition(c: Expr, outerWidth: number): Expr {
  return transformExpr(c, (x) => {
    if (x.kind === 'ColumnRef') return { ...x, index: x.index + outerWidth };
    if (x.kind === 'Placeholder' && x.slot === 'outer') return { kind: 'ColumnRef', index: x.id, name: x.label, type: x.type };
    return x;
  });
}

export function joinCondition(conditions: readonly Expr[], outerWidth: number): Expr {
  return conditions.map((c) => shiftCondition(c, outerWidth)).reduce((a, b) => ({ kind: 'Binary', op: 'AND', left: a, right: b, type: BOOL }));
}

function ref(plan: LogicalPlan, index: number): Expr {
  const f = plan.schema.fields[index];
  return { kind: 'ColumnRef', index, name: f.name, type: f.type };
}

function call(name: AggregateCallExpr['name'], args: Expr[], type: arrow.DataType, outputName: string): AggregateCallExpr {
  return { name, args, distinct: false, type, outputName };
}

function countStar(outputName: string): AggregateCallExpr {
  return { name: 'count_star', args: [], distinct: false, type: INT64, outputName };
}

function lit(value: boolean): Expr {
  return { kind: 'Literal', value, type: BOOL };
}

function int(value: bigint): Expr {
  return { kind: 'Literal', value, type: INT64 };
}

function binary(op: CompareOp, left: Expr, right: Expr): Expr {
  return { kind: 'Binary', op, left, right, type: BOOL };
}

function or(left: Expr, right: Expr): Expr {
  return { kind: 'Binary', op: 'OR', left, right, type: BOOL };
}

function not(input: Expr): Expr {
  return { kind: 'Unary', op: 'NOT', input, type: BOOL };
}
