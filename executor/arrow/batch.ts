import * as arrow from 'apache-arrow';
import { recordBatch } from '../../common/arrow/record-batch.js';

/** A RecordBatch of `columns` (each `length` rows) under `schema`; works for zero columns too. */
export function makeBatch(schema: arrow.Schema, columns: readonly arrow.Data[], length: number): arrow.RecordBatch {
  return recordBatch(schema, columns, length);
}

/** The column Data of a batch, in schema order (each one chunk). */
export function batchColumns(batch: arrow.RecordBatch): arrow.Data[] {
  return batch.data.children.map((child) => (child.length === batch.numRows ? child : child.slice(0, batch.numRows)));
}

/** A schema with the same types and new names. */
export function renameSchema(fields: readonly arrow.Field[], names: readonly string[]): arrow.Schema {
  return new arrow.Schema(fields.map((f, i) => new arrow.Field(names[i], f.type, f.nullable)));
}
