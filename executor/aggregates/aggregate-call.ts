import type * as arrow from 'apache-arrow';
import type { ScalarValue } from '../arrow/scalar.js';
import type { PhysicalExpr } from '../expr/physical-expr.js';
import type { PhysicalSortKey } from '../operators/sort.js';
import type { AggregateName } from './result-type.js';

/**
 * One aggregate call as the planner lowers it (planner/lower/aggregate.ts) for HashAggregateExec:
 *
 * ```ts
 * // sum(DISTINCT qty) FILTER (WHERE price > 10)
 * { name: 'sum', args: [qty], distinct: true, filter: price > 10, type: decimal(38,0), outputName: 'sum' }
 * // string_agg(name, ', ' ORDER BY name)
 * { name: 'string_agg', args: [name], params: [', '], orderBy: [{ expr: name, … }], … }
 * // percentile_cont(0.9) WITHIN GROUP (ORDER BY latency)
 * { name: 'percentile_cont', args: [latency], params: [0.9], … }
 * ```
 *
 * `params` by aggregate: percentile_cont / percentile_disc: `[fraction]` (0..1); string_agg:
 * `[separator]` (NULL = no separator); first / last / any_value: optional `[ignoreNulls]`
 * (Spark's `first(x, true)`; without it first/last keep a NULL first/last value as DuckDB and
 * Spark do, any_value skips NULLs).
 */
export interface AggregateCall {
  readonly name: AggregateName;
  /** Evaluated once per input batch; `[]` for count_star. */
  readonly args: readonly PhysicalExpr[];
  /** `count(DISTINCT x)`: each (group, argument value) counted once. */
  readonly distinct: boolean;
  /** `FILTER (WHERE …)`: a boolean; rows where it is NULL or false are skipped. */
  readonly filter?: PhysicalExpr;
  /** `string_agg(… ORDER BY k)` / `collect_list(… ORDER BY k)`; ignored by order-insensitive aggregates. */
  readonly orderBy?: readonly PhysicalSortKey[];
  readonly params?: readonly ScalarValue[];
  /** = aggregateResultType(name, argTypes). */
  readonly type: arrow.DataType;
  readonly outputName: string;
}

/** `sum(DISTINCT x) FILTER (WHERE …)`-style text for EXPLAIN. */
export function aggregateCallText(call: AggregateCall): string {
  const name = call.name === 'count_star' ? 'count' : call.name;
  const args = call.name === 'count_star' ? '*' : `${call.distinct ? 'DISTINCT ' : ''}${call.args.map(String).join(', ')}`;
  const order = call.orderBy === undefined || call.orderBy.length === 0
    ? ''
    : ` ORDER BY ${call.orderBy.map((k) => `${k.expr}${k.descending ? ' DESC' : ''}`).join(', ')}`;
  const params = call.params === undefined || call.params.length === 0 ? '' : `; ${call.params.map((p) => JSON.stringify(p, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v))).join(', ')}`;
  const filter = call.filter === undefined ? '' : ` FILTER (WHERE ${call.filter})`;
  return `${name}(${args}${order}${params})${filter}`;
}
