import type { RecordBatch, Schema } from 'apache-arrow';

/** What every encoder consumes: a result schema and its batches, pulled one at a time. */
export interface EncodableResult {
  readonly schema: Schema;
  readonly batches: AsyncIterable<RecordBatch>;
}
