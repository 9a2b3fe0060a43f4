import type * as arrow from 'apache-arrow';
import { makeBatch, batchColumns } from '../arrow/batch.js';
import { throwIfCancelled } from '../cancel.js';
import type { ExecContext, PhysicalOperator } from '../operator.js';

/**
 * What ScanExec reads from. The planner's `TableSource` (planner/catalog.ts) has this shape;
 * it is restated here because the executor never imports the planner (DESIGN.md §1).
 */
export interface ScanSource {
  readonly displayName: string;
  readonly version: number;
  scan(request: { columns: readonly string[]; batchSize?: number; signal?: AbortSignal }): AsyncIterable<arrow.RecordBatch>;
}

/**
 * Leaf: streams `columns` of one table version. Only the projected columns are asked for, so
 * storage decodes nothing else. Batches are re-labelled with this node's schema (names as
 * bound), and empty batches are dropped.
 *
 * EXPLAIN: `Scan: public.prices version=3 columns=[ticker, close]`
 */
export class ScanExec implements PhysicalOperator {
  readonly children: readonly PhysicalOperator[] = [];

  constructor(
    readonly source: ScanSource,
    readonly columns: readonly string[],
    readonly schema: arrow.Schema,
    readonly batchSize?: number,
  ) {}

  explain(): string {
    return `Scan: ${this.source.displayName} version=${this.source.version} columns=[${this.columns.join(', ')}]`;
  }

  execute(ctx: ExecContext): AsyncIterable<arrow.RecordBatch> {
    const { source, columns, schema, batchSize } = this;
    return (async function* scan() {
      throwIfCancelled(ctx.signal);
      const request = { columns, signal: ctx.signal, ...(batchSize === undefined ? {} : { batchSize }) };
      for await (const batch of source.scan(request)) {
        throwIfCancelled(ctx.signal);
        if (batch.numRows === 0) continue;
        yield makeBatch(schema, batchColumns(batch), batch.numRows);
      }
    })();
  }
}
