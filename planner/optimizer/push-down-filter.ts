import * as arrow from 'apache-arrow';
import { columnsUsed, transformExpr, type Expr } from '../expr/expr.js';
import { Aggregate } from '../logical/aggregate.js';
import { Filter } from '../logical/filter.js';
import { Join } from '../logical/join.js';
import { Limit } from '../logical/limit.js';
import { visitPlan, type LogicalPlan } from '../logical/plan.js';
import { Project } from '../logical/project.js';
import { SetOp } from '../logical/set-op.js';
import { SingleRow } from '../logical/single-row.js';
import { Sort } from '../logical/sort.js';
import { Union } from '../logical/union.js';
import { Window } from '../logical/window.js';
import type { OptimizerRule } from './rule.js';

/**
 * Predicate pushdown: each conjunct of a Filter moves as far down as it stays correct.
 *
 * ```
 * Filter: a.k = b.k AND b.x > 5            Join: inner on=a.k = b.k
 *   Join: inner                       ⇒      Scan: a
 *     Scan: a                                Filter: b.x > 5
 *     Scan: b                                  Scan: b
 * ```
 *
 * Laws: σp(Project) = Project(σp′) with p′ = p over the projected expressions; σp(Sort) =
 * Sort(σp); for an inner join, a conjunct over one side filters that side and one over both
 * joins the condition (so `FROM a, b WHERE a.k = b.k` becomes an equi join); for LEFT / SEMI /
 * ANTI joins only conjuncts over the preserved (left) side go down it, and for RIGHT joins
 * only the right side's — a filter on the padded side above an outer join also removes
 * padded rows, which filtering below would not. The same holds for ON conditions: a conjunct
 * over only the non-preserved side of an outer join filters that input. Through an Aggregate,
 * only conjuncts over group columns go down (never with grouping sets: a group column is NULL
 * in the rows of sets without it). σ(A ∪ B) = σA ∪ σB, and likewise for INTERSECT / EXCEPT,
 * which compare whole rows. Through a Window, only conjuncts over its PARTITION BY columns go down.
 * Nothing moves below a Limit or a SingleRow.
 */
export const pushDownFilter: OptimizerRule = {
  name: 'push_down_filter',
  rewrite(plan: LogicalPlan): LogicalPlan {
    return push(plan, []);
  },
};

const BOOL = new arrow.Bool();

/** `plan` with `predicates` (over its output) applied as low as possible. */
function push(plan: LogicalPlan, predicates: readonly Expr[]): LogicalPlan {
  return visitPlan<LogicalPlan>(plan, {
    Filter: (n) => push(n.input, [...predicates, ...conjuncts(n.predicate)]),
    Project: (n) => {
      const below = predicates.map((p) => substitute(p, n.exprs));
      return Project.create(push(n.input, below), n.exprs, n.names);
    },
    Sort: (n) => Sort.create(push(n.input, predicates), n.keys),
    Limit: (n) => filter(Limit.create(push(n.input, []), n.limit, n.offset), predicates),
    Scan: (n) => filter(n, predicates),
    Values: (n) => filter(n, predicates),
    SingleRow: (n) => filter(SingleRow.create(push(n.input, [])), predicates),
    // Both repeat input rows unchanged beside new columns: a predicate over the input's columns
    // alone holds for every copy of a row or none, so it goes below (fewer subquery runs).
    Apply: (n) => {
      const { below, above } = splitByInput(predicates, n.input.schema.fields.length);
      return filter({ ...n, input: push(n.input, below) }, above);
    },
    Explode: (n) => {
      const { below, above } = splitByInput(predicates, n.input.schema.fields.length);
      return filter({ ...n, input: push(n.input, below) }, above);
    },
    // A filter over the result is not a filter over each round's input (rows feed later rounds).
    RecursiveUnion: (n) => filter({ ...n, anchor: push(n.anchor, []), recursive: push(n.recursive, []) }, predicates),
    WorkTable: (n) => filter(n, predicates),
    Window: (n) => {
      // A conjunct over PARTITION BY columns only keeps or drops whole partitions, and a
      // window's values depend on its own partition alone: it may filter the window's input.
      const keys = new Set(n.partitionBy.flatMap((e) => (e.kind === 'ColumnRef' ? [e.index] : [])));
      const down: Expr[] = [];
      const stay: Expr[] = [];
      for (const p of predicates) ([...columnsUsed(p)].every((i) => keys.has(i)) ? down : stay).push(p);
      return filter(Window.create(push(n.input, down), n.partitionBy, n.orderBy, n.calls, n.groupLimit), stay);
    },
    Union: (n) => Union.create(n.inputs.map((i) => push(i, predicates)), n.distinct),
    SetOp: (n) => SetOp.create(push(n.left, predicates), push(n.right, predicates), n.op, n.all),
    Aggregate: (n) => {
      const g = n.groupBy.length;
      const down: Expr[] = [];
      const stay: Expr[] = [];
      for (const p of predicates) {
        const used = [...columnsUsed(p)];
        if (n.groupingSets === undefined && used.every((i) => i < g)) down.push(substitute(p, n.groupBy));
        else stay.push(p);
      }
      return filter(Aggregate.create(push(n.input, down), n.groupBy, n.groupNames, n.aggregates, n.groupingSets), stay);
    },
    Join: (n) => {
      const lw = n.left.schema.fields.length;
      const side = (e: Expr): 'left' | 'right' | 'both' | 'none' => {
        const used = [...columnsUsed(e)];
        if (used.length === 0) return 'none';
        if (used.every((i) => i < lw)) return 'left';
        if (used.every((i) => i >= lw)) return 'right';
        return 'both';
      };
      const toLeft: Expr[] = [];
      const toRight: Expr[] = [];
      const toCondition: Expr[] = [];
      const stay: Expr[] = [];
      const leftPreserved = n.type === 'inner' || n.type === 'left' || n.type === 'semi' || n.type === 'anti';
      const rightPreserved = n.type === 'inner' || n.type === 'right';
      // Conjuncts of the Filter above (over the join's output).
      for (const p of predicates) {
        const s = side(p);
        if ((s === 'left' || s === 'none') && leftPreserved) toLeft.push(p);
        else if (s === 'right' && rightPreserved) toRight.push(shift(p, -lw));
        else if (s === 'both' && n.type === 'inner') toCondition.push(p);
        else stay.push(p);
      }
      // Conjuncts of the ON condition: a side's input may be filtered when that side is not preserved.
      const keep: Expr[] = [];
      for (const c of n.condition === undefined ? [] : conjuncts(n.condition)) {
        const s = side(c);
        if (s === 'left' && (n.type === 'inner' || n.type === 'right' || n.type === 'semi')) toLeft.push(c);
        else if (s === 'right' && n.type !== 'right' && n.type !== 'full') toRight.push(shift(c, -lw));
        else keep.push(c);
      }
      const condition = and([...keep, ...toCondition]);
      const join = Join.create(push(n.left, toLeft), push(n.right, toRight), n.type, condition ?? (n.type === 'semi' || n.type === 'anti' ? { kind: 'Literal', value: true, type: BOOL } : undefined), n.nullAwareAnti);
      return filter(join, stay);
    },
  });
}

function filter(plan: LogicalPlan, predicates: readonly Expr[]): LogicalPlan {
  const p = and(predicates);
  return p === undefined ? plan : Filter.create(plan, p);
}

function and(predicates: readonly Expr[]): Expr | undefined {
  if (predicates.length === 0) return undefined;
  return predicates.reduce((a, b) => ({ kind: 'Binary', op: 'AND', left: a, right: b, type: BOOL }));
}

export function conjuncts(e: Expr): Expr[] {
  return e.kind === 'Binary' && e.op === 'AND' ? [...conjuncts(e.left), ...conjuncts(e.right)] : [e];
}

/** `p` over a node's output → over its input, each column replaced by the expression computing it. */
function substitute(p: Expr, exprs: readonly Expr[]): Expr {
  return transformExpr(p, (x) => (x.kind === 'ColumnRef' ? exprs[x.index] : x));
}

function shift(e: Expr, by: number): Expr {
  return transformExpr(e, (x) => (x.kind === 'ColumnRef' ? { ...x, index: x.index + by } : x));
}

/** Predicates reading only (and some of) the first `width` columns, and the rest. */
function splitByInput(predicates: readonly Expr[], width: number): { below: Expr[]; above: Expr[] } {
  const below: Expr[] = [];
  const above: Expr[] = [];
  for (const p of predicates) {
    const used = [...columnsUsed(p)];
    (used.length > 0 && used.every((i) => i < width) ? below : above).push(p);
  }
  return { below, above };
}
