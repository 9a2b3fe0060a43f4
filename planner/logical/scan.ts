import * as arrow from 'apache-arrow';
import type { ScanPredicate, TableSource } from '../catalog.js';

/**
 * Reads one resolved table version. `columns` are indices into `source.schema` (all of them
 * after binding; projection pushdown narrows them); the node's schema is those fields in order.
 * `filters`: conjuncts the optimiser pushed down (storage skips files and row groups that
 * cannot match; it still returns every row of what it reads, so a Filter stays above).
 * `distinctValues`: only the set of distinct rows matters to the plan above (the optimiser's
 * distinct_values_scan rule), so storage may return each at least once instead of every row.
 */
export interface Scan {
  readonly kind: 'Scan';
  readonly source: TableSource;
  readonly columns: readonly number[];
  readonly filters: readonly ScanPredicate[];
  readonly distinctValues: boolean;
  readonly schema: arrow.Schema;
}

export const Scan = Object.freeze({
  create(source: TableSource, columns: readonly number[] = source.schema.fields.map((_, i) => i), filters: readonly ScanPredicate[] = [], distinctValues = false): Scan {
    const schema = new arrow.Schema(columns.map((i) => source.schema.fields[i]));
    return { kind: 'Scan', source, columns, filters, distinctValues, schema };
  },
  is(node: { kind: string }): node is Scan {
    return node.kind === 'Scan';
  },
});
