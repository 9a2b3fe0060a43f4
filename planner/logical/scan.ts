import * as arrow from 'apache-arrow';
import type { PartialAggregateColumns, ScanPredicate, TableSource } from '../catalog.js';

/**
 * Reads one resolved table version. `columns` are indices into `source.schema` (all of them
 * after binding; projection pushdown narrows them); the node's schema is those fields in order.
 * `filters`: conjuncts the optimiser pushed down (storage skips files and row groups that
 * cannot match; it still returns every row of what it reads, so a Filter stays above).
 * `distinctValues`: only the set of distinct rows matters to the plan above (the optimiser's
 * distinct_values_scan rule), so storage may return each at least once instead of every row.
 * `partialAggregate`: the plan above merges partial aggregates by one column (the optimiser's
 * partial_aggregate_scan rule): the scan answers, instead of its columns, the key, the rows each
 * state row stands for, and per value column the count of its non-NULL values, their sum, min and
 * max (`partialStateSchema`).
 */
export interface Scan {
  readonly kind: 'Scan';
  readonly source: TableSource;
  readonly columns: readonly number[];
  readonly filters: readonly ScanPredicate[];
  readonly distinctValues: boolean;
  readonly partialAggregate?: PartialAggregateColumns;
  readonly schema: arrow.Schema;
}

export type { PartialAggregateColumns } from '../catalog.js';

/** The states a partial-aggregate scan answers per value column, in order, after the key and `rows`. */
export const PARTIAL_VALUE_STATES = ['count', 'sum', 'min', 'max'] as const;

/** A partial-aggregate scan's columns: key, rows, then count / sum / min / max of each value column. */
export function partialStateSchema(fields: readonly arrow.Field[], partial: PartialAggregateColumns): arrow.Schema {
  const fieldOf = (name: string) => fields.find((f) => f.name === name) as arrow.Field;
  const F64 = new arrow.Float64();
  return new arrow.Schema([
    new arrow.Field(partial.key, fieldOf(partial.key).type, true),
    new arrow.Field('rows', F64, true),
    ...partial.values.flatMap((v) => PARTIAL_VALUE_STATES.map((state) => new arrow.Field(`${state}(${v})`, state === 'min' || state === 'max' ? fieldOf(v).type : F64, true))),
  ]);
}

export const Scan = Object.freeze({
  create(source: TableSource, columns: readonly number[] = source.schema.fields.map((_, i) => i), filters: readonly ScanPredicate[] = [], distinctValues = false, partialAggregate?: PartialAggregateColumns): Scan {
    const fields = columns.map((i) => source.schema.fields[i] as arrow.Field);
    const schema = partialAggregate === undefined ? new arrow.Schema(fields) : partialStateSchema(fields, partialAggregate);
    return { kind: 'Scan', source, columns, filters, distinctValues, ...(partialAggregate === undefined ? {} : { partialAggregate }), schema };
  },
  is(node: { kind: string }): node is Scan {
    return node.kind === 'Scan';
  },
});
