import * as arrow from 'apache-arrow';
import type { TableSource } from '../catalog.js';

/**
 * Reads one resolved table version. `columns` are indices into `source.schema` (all of them
 * after binding; projection pushdown narrows them); the node's schema is those fields in order.
 */
export interface Scan {
  readonly kind: 'Scan';
  readonly source: TableSource;
  readonly columns: readonly number[];
  readonly schema: arrow.Schema;
}

export const Scan = Object.freeze({
  create(source: TableSource, columns: readonly number[] = source.schema.fields.map((_, i) => i)): Scan {
    const schema = new arrow.Schema(columns.map((i) => source.schema.fields[i]));
    return { kind: 'Scan', source, columns, schema };
  },
  is(node: { kind: string }): node is Scan {
    return node.kind === 'Scan';
  },
});
