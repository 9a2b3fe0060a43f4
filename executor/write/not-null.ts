import type * as arrow from 'apache-arrow';
import { SqlError } from '../../common/sql-error.js';

/**
 * Schema enforcement's NULL check: a NULL in a column declared NOT NULL is PostgreSQL's `23502`
 * (`null value in column "x" of relation "t" violates not-null constraint`) and the statement
 * writes nothing (its files are never committed). Reads only each column's null count.
 */
export function checkNotNull(batch: arrow.RecordBatch, tableSchema: arrow.Schema, table: string): void {
  tableSchema.fields.forEach((field, c) => {
    if (field.nullable) return;
    const data = batch.data.children[c];
    if (data !== undefined && data.nullCount > 0) {
      throw new SqlError('23502', `null value in column "${field.name}" of relation "${table}" violates not-null constraint`);
    }
  });
}

/** Re-yields batches after checking them, counting rows into `counter.rows`. */
export async function* checkedBatches(input: AsyncIterable<arrow.RecordBatch>, tableSchema: arrow.Schema, table: string, counter: { rows: number }): AsyncGenerator<arrow.RecordBatch> {
  for await (const batch of input) {
    if (batch.numRows === 0) continue;
    checkNotNull(batch, tableSchema, table);
    counter.rows += batch.numRows;
    yield batch;
  }
}
