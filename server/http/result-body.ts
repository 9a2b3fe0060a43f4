import type * as arrow from 'apache-arrow';
import { SqlError } from '../../common/sql-error.js';
import { encodeCsv, encodeJson, encodeNdjson, type EncodableResult } from '../encode/index.js';
import { encodeArrowStream } from './arrow-ipc.js';
import { errorBody } from './errors.js';
import type { HttpFormat } from './negotiate.js';
import { CutTransfer } from './send-stream.js';

const ENCODERS: Readonly<Record<HttpFormat, (result: EncodableResult) => AsyncGenerator<string | Uint8Array>>> = {
  json: encodeJson,
  ndjson: encodeNdjson,
  csv: encodeCsv,
  arrow: encodeArrowStream,
};

/**
 * The first batch of a result pulled before the answer starts, so that an error raised by it
 * (most runtime errors: `22012`, a corrupt file…) still gets its own HTTP status and error body.
 * `batches` yields that batch and then the rest.
 */
export async function pullFirst(batches: AsyncIterable<arrow.RecordBatch>): Promise<AsyncIterable<arrow.RecordBatch>> {
  const iterator = batches[Symbol.asyncIterator]();
  const first = await iterator.next();
  return {
    [Symbol.asyncIterator]: () => {
      let pending: IteratorResult<arrow.RecordBatch> | undefined = first;
      return {
        next: async () => {
          if (pending) {
            const result = pending;
            pending = undefined;
            return result;
          }
          return iterator.next();
        },
        return: async () => (await iterator.return?.()) ?? { done: true, value: undefined },
      };
    },
  };
}

/** Counts rows as the encoder pulls batches (metrics, and the row count of a failed JSON document). */
export async function* countRows(batches: AsyncIterable<arrow.RecordBatch>, onRows: (rows: number) => void): AsyncGenerator<arrow.RecordBatch> {
  for await (const batch of batches) {
    onRows(batch.numRows);
    yield batch;
  }
}

/**
 * The response body of a result in `format`, chunk by chunk. `onEnd` is called exactly once:
 * with no argument when the whole result was sent, else with the SQLSTATE that stopped it
 * (`57014` when the client went away and the stream was torn down).
 *
 * An error once streaming began (the status line is already sent) is said in-band:
 * - **json**: the document is closed with the rows sent so far, their `rowCount`, and an
 *   `"error"` member: `…],"rowCount":N,"error":{"code","message","position"}}` (a successful
 *   document never has `"error"`);
 * - **ndjson**: a last line `{"error":{"code","message","position"}}`;
 * - **csv**: a last line `ERROR:  <message> (SQLSTATE <code>)`, then the connection is cut before
 *   the chunked body's terminator, so clients report a truncated transfer (CSV has no error record);
 * - **arrow**: no end-of-stream marker and a cut connection (IPC has no error message); Arrow
 *   readers and HTTP clients report a truncated stream.
 * Every format ends a successful body normally, so a cut connection always means "incomplete".
 */
export async function* resultBody(format: HttpFormat, result: EncodableResult, rowsSent: () => number, onEnd: (sqlstate?: string) => void): AsyncGenerator<string | Uint8Array> {
  let outcome: string | undefined = '57014';
  try {
    try {
      for await (const chunk of ENCODERS[format](result)) yield chunk;
      outcome = undefined;
    } catch (err) {
      const failure = SqlError.from(err);
      outcome = failure.sqlstate;
      const body = errorBody(failure);
      if (format === 'json') yield `\n],"rowCount":${rowsSent()},${JSON.stringify(body).slice(1)}\n`;
      else if (format === 'ndjson') yield JSON.stringify(body) + '\n';
      else if (format === 'csv') yield `ERROR:  ${failure.message} (SQLSTATE ${failure.sqlstate})\r\n`;
      if (format === 'csv' || format === 'arrow') throw new CutTransfer(failure.message); // no chunked terminator
    }
  } finally {
    onEnd(outcome);
  }
}
