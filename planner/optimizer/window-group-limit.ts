import type { Expr } from '../expr/expr.js';
import { Filter } from '../logical/filter.js';
import type { LogicalPlan } from '../logical/plan.js';
import { Window, type WindowGroupLimit } from '../logical/window.js';
import { mapPlan } from './map-plan.js';
import { conjuncts } from './push-down-filter.js';
import type { OptimizerRule } from './rule.js';

/** Ranking functions a group limit can serve: each row's value depends only on the rows ordered before it. */
const RANKS = new Set<string>(['row_number', 'rank', 'dense_rank']);

/**
 * Past this limit the per-partition cut keeps too many rows to pay for itself (Spark's
 * `spark.sql.optimizer.windowGroupLimitThreshold` is 1000 too).
 */
const MAX_LIMIT = 1000;

/**
 * `Filter(rk <= k, Window(rk = rank() OVER (PARTITION BY p ORDER BY o)))` → the same, with the
 * window told to cut its input to each partition's top `k` ranks first (Spark's
 * InferWindowGroupLimit). "Top price per ticker" then sorts a few rows per ticker, not all of
 * them. Only when every call of that window is row_number/rank/dense_rank (a cut input would
 * change a lag or a running sum) and it has an ORDER BY; `rk = k`, `rk <= k`, `rk < k` and their
 * mirror images are recognised, the smallest limit wins. The filter stays: the cut only drops
 * rows the filter would drop.
 */
export const windowGroupLimit: OptimizerRule = {
  name: 'window_group_limit',
  rewrite: (plan) => mapPlan(plan, limitWindow),
};

function limitWindow(node: LogicalPlan): LogicalPlan {
  if (node.kind !== 'Filter' || !Window.is(node.input)) return node;
  const window = node.input;
  if (window.groupLimit !== undefined || window.orderBy.length === 0 || !window.calls.every((c) => RANKS.has(c.name))) return node;
  const first = window.input.schema.fields.length;
  let best: WindowGroupLimit | undefined;
  for (const term of conjuncts(node.predicate)) {
    const bound = rankBound(term);
    if (bound === undefined || bound.column < first) continue;
    const call = window.calls[bound.column - first];
    if (call === undefined) continue;
    if (best === undefined || bound.limit < best.limit) best = { rank: call.name as WindowGroupLimit['rank'], limit: Math.max(0, bound.limit) };
  }
  if (best === undefined || best.limit > MAX_LIMIT) return node;
  return Filter.create(Window.create(window.input, window.partitionBy, window.orderBy, window.calls, best), node.predicate);
}

/** `col <= k`, `col < k`, `col = k` (or `k >= col`…) with an integer constant: the column and the largest rank kept. */
function rankBound(e: Expr): { column: number; limit: number } | undefined {
  if (e.kind !== 'Binary') return undefined;
  let { op } = e;
  let column = e.left;
  let constant = e.right;
  if (column.kind !== 'ColumnRef') {
    [column, constant] = [constant, column];
    op = op === '<' ? '>' : op === '>' ? '<' : op === '<=' ? '>=' : op === '>=' ? '<=' : op;
  }
  if (column.kind !== 'ColumnRef' || constant.kind !== 'Literal') return undefined;
  const value = constant.value;
  const k = typeof value === 'bigint' ? (value > BigInt(MAX_LIMIT) ? MAX_LIMIT + 1 : value < 0n ? -1 : Number(value)) : typeof value === 'number' ? value : undefined;
  if (k === undefined || !Number.isFinite(k)) return undefined;
  // A fractional bound (`rk <= 2.5` after a cast) keeps the ranks up to its floor.
  if (op === '<=' || op === '=') return { column: column.index, limit: Math.floor(k) };
  if (op === '<') return { column: column.index, limit: Math.ceil(k) - 1 };
  return undefined;
}
