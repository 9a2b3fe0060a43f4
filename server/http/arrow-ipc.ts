import * as arrow from 'apache-arrow';
import type { EncodableResult } from '../encode/index.js';

/** The 8-byte end-of-stream marker of the IPC streaming format: continuation `0xFFFFFFFF`, length 0. */
export const ARROW_EOS = Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0);

/**
 * The Arrow IPC streaming format (`application/vnd.apache.arrow.stream`), one chunk per batch:
 * the schema message first, then each batch's (dictionary and) record-batch messages as the batch
 * arrives, then the end-of-stream marker. DESIGN.md §3: apache-arrow's node-stream writers ignore
 * backpressure, so each batch is serialised on its own by a synchronous writer and handed to
 * the HTTP stream, which pulls the next batch only when the socket drained.
 *
 * A one-batch stream from a fresh writer is `schema message · batch messages · EOS`; the
 * batch's messages are that stream without its first message (found by its length prefix) and
 * the 8-byte EOS. Each batch is re-labelled with the result's schema first, so the writer never
 * sees a "new" schema (it would silently close the stream instead of writing the batch).
 *
 * An error after the first chunk cannot be said in Arrow IPC (no error message exists), so the
 * caller ends the connection without the EOS marker: readers report a truncated stream.
 */
export async function* encodeArrowStream(result: EncodableResult): AsyncGenerator<Uint8Array> {
  const header = streamOf(result.schema, undefined);
  yield header.subarray(0, firstMessageLength(header));
  for await (const batch of result.batches) {
    if (batch.numRows === 0) continue;
    const bytes = streamOf(result.schema, new arrow.RecordBatch(result.schema, batch.data));
    yield bytes.subarray(firstMessageLength(bytes), bytes.byteLength - ARROW_EOS.byteLength);
  }
  yield ARROW_EOS;
}

/** The whole IPC stream of `schema` and at most one batch, written synchronously. */
function streamOf(schema: arrow.Schema, batch: arrow.RecordBatch | undefined): Uint8Array {
  const writer = new arrow.RecordBatchStreamWriter();
  writer.reset(undefined, schema);
  if (batch) writer.write(batch);
  writer.finish();
  return writer.toUint8Array(true);
}

/** Bytes of the stream's first message (the schema: continuation, length, flatbuffer, no body). */
function firstMessageLength(stream: Uint8Array): number {
  const view = new DataView(stream.buffer, stream.byteOffset, stream.byteLength);
  return 8 + view.getInt32(4, true);
}
