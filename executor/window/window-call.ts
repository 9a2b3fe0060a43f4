import type * as arrow from 'apache-arrow';
import type { AggregateName } from '../aggregates/result-type.js';
import type { ScalarValue } from '../arrow/scalar.js';
import type { PhysicalExpr } from '../expr/physical-expr.js';

/**
 * One end of a window frame. Offsets are constants the planner has checked to be constants:
 * a row / group count for ROWS and GROUPS (number or bigint), a distance in the ORDER BY key's
 * units for RANGE: a number or bigint for numeric keys (for a decimal key a bigint is the
 * unscaled value at the key's scale, as everywhere in ScalarValue; a number or text is the value),
 * days for dates, µs (bigint) for timestamps, or an interval `{ months: 0, days, micros }` for
 * dates and timestamps.
 */
export type FrameBound =
  | { readonly kind: 'unboundedPreceding' }
  | { readonly kind: 'unboundedFollowing' }
  | { readonly kind: 'currentRow' }
  | { readonly kind: 'preceding'; readonly offset: ScalarValue }
  | { readonly kind: 'following'; readonly offset: ScalarValue };

/** `ROWS | RANGE | GROUPS BETWEEN start AND end [EXCLUDE …]`, as SQL:2011 and PostgreSQL define it. */
export interface WindowFrame {
  readonly units: 'rows' | 'range' | 'groups';
  readonly start: FrameBound;
  readonly end: FrameBound;
  readonly exclude?: 'noOthers' | 'currentRow' | 'group' | 'ties';
}

export type WindowFunctionName =
  | 'row_number' | 'rank' | 'dense_rank' | 'percent_rank' | 'cume_dist' | 'ntile' | 'lag' | 'lead'
  | 'first_value' | 'last_value' | 'nth_value' | AggregateName;

/**
 * One window function call as the planner lowers it: `lag(x, 2, 0) OVER w` is
 * `{ name: 'lag', args: [x], params: [2, 0] }`; `ntile(4)` is `{ name: 'ntile', args: [], params: [4] }`;
 * `nth_value(x, 3)` is `{ name: 'nth_value', args: [x], params: [3] }`.
 */
export interface WindowCall {
  readonly name: WindowFunctionName;
  /** Per-row arguments; `count(*)` (`count_star`) and the ranking functions take none. */
  readonly args: readonly PhysicalExpr[];
  /** Constant arguments: lag/lead offset and default, ntile buckets, nth_value n. */
  readonly params?: readonly ScalarValue[];
  /** undefined = SQL's default: RANGE UNBOUNDED PRECEDING..CURRENT ROW with ORDER BY, the whole partition without. */
  readonly frame?: WindowFrame;
  /** `IGNORE NULLS` (lag, lead, first_value, last_value, nth_value). */
  readonly ignoreNulls?: boolean;
  /** Result type: int8 for row_number/rank/dense_rank/ntile, float8 for percent_rank/cume_dist,
   * the argument's type for lag/lead/first/last/nth_value, aggregates per `aggregateResultType`. */
  readonly type: arrow.DataType;
  readonly outputName: string;
}
