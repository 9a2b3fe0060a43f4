import * as arrow from 'apache-arrow';
import type { ScalarValue } from '../../executor/arrow/scalar.js';
import type { Expr } from '../expr/expr.js';
import type { WindowFrame } from '../../executor/window/window-call.js';
import type { LogicalPlan } from './plan.js';
import type { SortKey } from './sort.js';

// Frames are the executor's own description (one definition for both layers).
export type { FrameBound, WindowFrame } from '../../executor/window/window-call.js';

/**
 * One window function call: a ranking / offset function (`row_number`, `lag`…) or an aggregate
 * over a frame. `frame` undefined is SQL's default (RANGE UNBOUNDED PRECEDING .. CURRENT ROW with
 * an ORDER BY, the whole partition without). `params`: constant arguments (`ntile(4)` → [4],
 * `lag(x, 2, 0)` → offset and default).
 */
export interface WindowCallExpr {
  readonly name: string;
  readonly args: readonly Expr[];
  readonly params?: readonly ScalarValue[];
  readonly frame?: WindowFrame;
  readonly ignoreNulls?: boolean;
  readonly distinct?: boolean;
  readonly type: arrow.DataType;
  readonly outputName: string;
}

/**
 * A cut under a window whose ranking result is filtered (`WHERE rk <= limit`): only rows whose
 * `rank` can be at most `limit` reach the window (optimizer/window-group-limit.ts).
 */
export interface WindowGroupLimit {
  readonly rank: 'row_number' | 'rank' | 'dense_rank';
  readonly limit: number;
}

/**
 * Computes `calls` over the partitions `partitionBy` ordered by `orderBy`. Output: the input
 * columns, then one column per call. Several OVER clauses with different specifications are
 * several stacked Window nodes.
 */
export interface Window {
  readonly kind: 'Window';
  readonly input: LogicalPlan;
  readonly partitionBy: readonly Expr[];
  readonly orderBy: readonly SortKey[];
  readonly calls: readonly WindowCallExpr[];
  readonly schema: arrow.Schema;
  readonly groupLimit?: WindowGroupLimit;
}

export const Window = Object.freeze({
  create(input: LogicalPlan, partitionBy: readonly Expr[], orderBy: readonly SortKey[], calls: readonly WindowCallExpr[], groupLimit?: WindowGroupLimit): Window {
    const schema = new arrow.Schema([...input.schema.fields, ...calls.map((c) => new arrow.Field(c.outputName, c.type, true))]);
    return { kind: 'Window', input, partitionBy, orderBy, calls, schema, ...(groupLimit === undefined ? {} : { groupLimit }) };
  },
  is(node: { kind: string }): node is Window {
    return node.kind === 'Window';
  },
});
