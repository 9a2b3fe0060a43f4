import type { RecordBatch, Schema } from 'apache-arrow';
import type { TimeZone } from '../../common/time/time-zone.js';

/** What every encoder consumes: a result schema and its batches, pulled one at a time. */
export interface EncodableResult {
  readonly schema: Schema;
  readonly batches: AsyncIterable<RecordBatch>;
  /** The zone the text encoders (csv, table) show timestamptz in; UTC when absent. JSON stays UTC. */
  readonly timeZone?: TimeZone;
  /**
   * The statement's CommandComplete tag when it is not a query (`INSERT 0 3`, `CREATE TABLE`):
   * the JSON document carries it as `"command"`, so a write over HTTP says what it did.
   */
  readonly commandTag?: string;
}
