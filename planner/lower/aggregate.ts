import { SqlError } from '../../common/sql-error.js';
import type { PhysicalOperator } from '../../executor/operator.js';
import type { Aggregate } from '../logical/aggregate.js';
import { lowerExpr } from './expr.js';

// TEMPORARY until executor/operators/hash-aggregate.ts lands: loaded lazily so the planner works without it.
type AggregateCall = Record<string, unknown>;
const HashAggregateExec: (new (...args: unknown[]) => PhysicalOperator) | undefined = await import('../../executor/operators/' + 'hash-aggregate.js')
  .then((m: Record<string, unknown>) => m.HashAggregateExec as new (...args: unknown[]) => PhysicalOperator)
  .catch(() => undefined);

export function lowerAggregate(node: Aggregate, input: PhysicalOperator): PhysicalOperator {
  if (HashAggregateExec === undefined) throw SqlError.unsupportedFeature('aggregation (HashAggregateExec is not built yet)');
  const calls = node.aggregates.map<AggregateCall>((a) => ({
    name: a.name,
    args: a.args.map(lowerExpr),
    distinct: a.distinct,
    ...(a.filter === undefined ? {} : { filter: lowerExpr(a.filter) }),
    ...(a.orderBy === undefined ? {} : { orderBy: a.orderBy.map((k) => ({ expr: lowerExpr(k.expr), descending: k.descending, nullsFirst: k.nullsFirst })) }),
    ...(a.params === undefined ? {} : { params: a.params }),
    type: a.type,
    outputName: a.outputName,
  }));
  return new HashAggregateExec(
    input,
    node.groupBy.map(lowerExpr),
    [...node.groupNames],
    calls,
    node.groupingSets === undefined ? undefined : { groupingSets: node.groupingSets.map((s) => [...s]) },
  );
}
