import * as arrow from 'apache-arrow';
import * as parquet from 'parquet-wasm';
import { SqlError } from '../../common/sql-error.js';
import { retype } from './physical.js';

/** Rows per Parquet row group: readers skip by row group, so not one huge group per file. */
export const ROW_GROUP_ROWS = 128 * 1024;

/**
 * Encodes physical columns as one snappy Parquet file with parquet-wasm (arrow-rs): timestamps
 * become INT64 micros with `isAdjustedToUTC` true for `timestamp` and false for `timestamp_ntz`
 * (§8), decimals the physical type their precision needs, and `PARQUET:field_id` field metadata
 * becomes the Parquet field_id (column mapping).
 */
export function encodeParquet(schema: arrow.Schema, chunks: readonly (readonly arrow.Data[])[], engine: string): Uint8Array {
  const batches = chunks.map((columns) => {
    const length = columns[0]?.length ?? 0;
    const children = columns.map((data, i) => retype(data, (schema.fields[i] as arrow.Field).type));
    const struct = arrow.makeData({ type: new arrow.Struct(schema.fields), length, nullCount: 0, children });
    return new arrow.RecordBatch(schema, struct);
  });
  const ipc = arrow.tableToIPC(new arrow.Table(schema, batches), 'stream');
  let table: parquet.Table | undefined;
  try {
    table = parquet.Table.fromIPCStream(ipc);
    const props = new parquet.WriterPropertiesBuilder()
      .setCompression(parquet.Compression.SNAPPY)
      .setMaxRowGroupSize(ROW_GROUP_ROWS)
      .setCreatedBy(engine)
      .build();
    return parquet.writeParquet(table, props);
  } catch (err) {
    throw SqlError.internal(`could not encode a Parquet file: ${err instanceof Error ? err.message : String(err)}`, err);
  }
}
