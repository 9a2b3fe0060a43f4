import type * as arrow from 'apache-arrow';

/** Bytes held by a column's buffers, children included (what buffering it costs in memory). */
export function dataBytes(data: arrow.Data): number {
  let bytes = (data.values?.byteLength ?? 0) + (data.valueOffsets?.byteLength ?? 0) + (data.nullBitmap?.byteLength ?? 0);
  for (const child of data.children) bytes += dataBytes(child);
  return bytes;
}

/** Bytes held by a record batch's columns. */
export function batchBytes(batch: arrow.RecordBatch): number {
  return dataBytes(batch.data);
}
