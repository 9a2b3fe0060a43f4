import type * as arrow from 'apache-arrow';
import { CodedStringData } from './string-dictionary.js';

/** Bytes held by a column's buffers, children included (what buffering it costs in memory). */
export function dataBytes(data: arrow.Data): number {
  // Counted without building a coded column's offsets and bytes (which reading them would).
  if (data instanceof CodedStringData) return data.heldBytes;
  let bytes = (data.values?.byteLength ?? 0) + (data.valueOffsets?.byteLength ?? 0) + (data.nullBitmap?.byteLength ?? 0);
  for (const child of data.children) bytes += dataBytes(child);
  return bytes;
}

/** Bytes held by a record batch's columns. */
export function batchBytes(batch: arrow.RecordBatch): number {
  return dataBytes(batch.data);
}
