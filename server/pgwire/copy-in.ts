import * as arrow from 'apache-arrow';
import { isUtf8 } from 'node:buffer';
import { SqlError } from '../../common/sql-error.js';
import type { CopyOptions } from '../../planner/index.js';
import { decodeColumn, type FieldSyntax } from './copy-in/columns.js';
import { CopyTokenizer, type FieldTable } from './copy-in/tokenizer.js';

/** Rows per record batch built from COPY data. */
export const COPY_BATCH_ROWS = 65536;

/**
 * COPY … FROM STDIN's data (text or CSV, as PostgreSQL reads it) → record batches typed to the
 * target's schema, incrementally: `push` each CopyData chunk as it arrives and take the batches
 * it completed; `end` at CopyDone. Memory is one batch of rows plus the incomplete row, whatever
 * the size of the load. Each value is read with a cast's text input rules (`22P02` for a bad
 * one, naming the line and column as PostgreSQL does); a row with the wrong number of columns
 * is `22P04`; bytes that are not UTF-8 are `22021`; the end-of-data marker `\.` is honoured.
 */
export class CopyInParser {
  private readonly tokenizer: CopyTokenizer;
  private readonly syntax: FieldSyntax;
  private ready: arrow.RecordBatch[] = [];

  constructor(private readonly schema: arrow.Schema, options: CopyOptions, batchRows = COPY_BATCH_ROWS) {
    this.tokenizer = new CopyTokenizer(schema.fields.map((f) => f.name), options, (t) => this.ready.push(this.decode(t)), batchRows);
    this.syntax = { csv: options.format === 'csv', quote: options.quote.charCodeAt(0), escape: options.escape.charCodeAt(0) };
  }

  /** Adds one chunk of COPY data; returns the batches it completed (often none). */
  push(chunk: Uint8Array): arrow.RecordBatch[] {
    this.tokenizer.push(chunk);
    return this.take();
  }

  /** The end of the data: returns the last batches. */
  end(): arrow.RecordBatch[] {
    this.tokenizer.end();
    return this.take();
  }

  private take(): arrow.RecordBatch[] {
    const out = this.ready;
    this.ready = [];
    return out;
  }

  private decode(t: FieldTable): arrow.RecordBatch {
    checkUtf8(t);
    const fields = this.schema.fields;
    const children = fields.map((f, c) => decodeColumn(t, c, f, this.syntax));
    const struct = arrow.makeData({ type: new arrow.Struct(fields), length: t.rows, nullCount: 0, children });
    return new arrow.RecordBatch(this.schema, struct);
  }
}

/** COPY data arriving as chunks → record batches, parsed as the chunks arrive (see `CopyInParser`). */
export async function* copyBatches(chunks: AsyncIterable<Uint8Array>, schema: arrow.Schema, options: CopyOptions): AsyncGenerator<arrow.RecordBatch> {
  const parser = new CopyInParser(schema, options);
  for await (const chunk of chunks) yield* parser.push(chunk);
  yield* parser.end();
}

/** All of a COPY's data at once (tests, small inputs). */
export function parseCopyData(data: Uint8Array, schema: arrow.Schema, options: CopyOptions): arrow.RecordBatch[] {
  const parser = new CopyInParser(schema, options);
  return [...parser.push(data), ...parser.end()];
}

/** PostgreSQL refuses input that is not valid in the client encoding (UTF8): `22021`, naming the line. */
function checkUtf8(t: FieldTable): void {
  if (t.rows === 0) return;
  const last = t.ends[t.rows * t.columns - 1] ?? 0;
  if (isUtf8(t.buf.subarray(0, last))) return;
  for (let r = 0; r < t.rows; r++) {
    const from = t.starts[r * t.columns] ?? 0;
    const to = t.ends[r * t.columns + t.columns - 1] ?? 0;
    if (isUtf8(t.buf.subarray(from, to))) continue;
    const bad = firstInvalid(t.buf.subarray(from, to));
    throw new SqlError('22021', `invalid byte sequence for encoding "UTF8": 0x${bad}`, { detail: `COPY line ${t.firstLine + r}` });
  }
}

/** The hex of the first byte where UTF-8 decoding fails (PostgreSQL names it in its message). */
function firstInvalid(bytes: Uint8Array): string {
  for (let k = 0; k < bytes.length; k++) {
    for (let len = 1; len <= 4 && k + len <= bytes.length; len++) {
      if (isUtf8(bytes.subarray(k, k + len))) {
        k += len - 1;
        break;
      }
      if (len === 4 || k + len === bytes.length) return bytes[k]!.toString(16).padStart(2, '0');
    }
  }
  return '00';
}
