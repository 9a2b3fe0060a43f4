import type * as arrow from 'apache-arrow';
import { makeBatch, batchColumns } from '../arrow/batch.js';
import type { ExecContext, PhysicalOperator } from '../operator.js';

/** The rows of a recursive CTE's previous round, shared by its RecursiveUnionExec and its WorkTableExecs. */
export interface WorkTableSlot {
  batches: readonly arrow.RecordBatch[];
}

/**
 * The self-reference in a recursive CTE's recursive term: yields whatever the enclosing
 * RecursiveUnionExec put in the slot for the round being run.
 *
 * EXPLAIN: `WorkTable: t`
 */
export class WorkTableExec implements PhysicalOperator {
  readonly children: readonly PhysicalOperator[] = [];

  constructor(readonly slot: WorkTableSlot, readonly name: string, readonly schema: arrow.Schema) {}

  explain(): string {
    return `WorkTable: ${this.name}`;
  }

  execute(_ctx: ExecContext): AsyncIterable<arrow.RecordBatch> {
    const { slot, schema } = this;
    return (async function* workTable() {
      for (const batch of slot.batches) yield makeBatch(schema, batchColumns(batch), batch.numRows);
    })();
  }
}
