import type { AggregateCall } from '../../executor/aggregates/aggregate-call.js';
import type { PhysicalOperator } from '../../executor/operator.js';
import { HashAggregateExec } from '../../executor/operators/hash-aggregate.js';
import type { Aggregate } from '../logical/aggregate.js';
import { lowerExpr } from './expr.js';

/** Aggregate → HashAggregateExec: group keys, aggregate calls and grouping sets, expressions lowered. */
export function lowerAggregate(node: Aggregate, input: PhysicalOperator): PhysicalOperator {
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
