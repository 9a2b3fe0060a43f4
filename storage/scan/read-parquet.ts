import * as arrow from 'apache-arrow';
import { schemaFromIPC } from '../../common/arrow/ipc-schema.js';
import type { FileMetaData } from 'hyparquet';
import * as parquet from 'parquet-wasm';
import { SqlError } from '../../common/sql-error.js';
import { NotFoundError, type ObjectStore } from '../object-store/object-store.js';
import { DecodeError, DecodePool } from './decode-pool.js';
import type { KeySet } from './flat-parquet/key-set.js';
import type { PartialAggregateRequest } from './flat-parquet/partial-aggregate.js';
import { flatArrowFields } from './flat-parquet/arrow-fields.js';
import { blobSource, footerOf, readFlatOrFallback } from './flat-parquet/read.js';
import { toRecordBatch } from './flat-parquet/to-arrow.js';

/**
 * One open Parquet data file: its top-level fields (with `PARQUET:field_id` metadata where
 * written), its row count, and a projecting batch stream. Every failure names the file: a
 * missing file or an undecodable one is `XX001`.
 */
export interface DataFile {
  readonly path: string;
  readonly fields: readonly arrow.Field[];
  readonly numRows: number;
  /** Streams the columns (see ReadOptions). */
  read(columns: readonly string[], batchSize: number, options?: ReadOptions): AsyncGenerator<arrow.RecordBatch>;
  close(): Promise<void>;
}

export interface ReadOptions {
  /** Limits the read to these row groups (ascending indexes). */
  readonly rowGroups?: readonly number[];
  /**
   * Only the set of values of the one column read matters: row groups may answer each value once,
   * in any order (flat-parquet/read.ts). Row positions then mean nothing.
   */
  readonly distinctValues?: boolean;
  /**
   * The caller aggregates by one column (Parquet names): a row group may answer a batch of partial
   * states per key instead of its rows (flat-parquet/partial-aggregate.ts names their columns).
   */
  readonly partialAggregate?: PartialAggregateRequest;
  /**
   * The caller drops rows whose key (Parquet names) is outside a set: row groups may answer only
   * the rows inside every set (flat-parquet/key-set.ts), so row positions then mean nothing.
   */
  readonly keySets?: readonly KeySet[];
}

/**
 * Opens a data file in a decoding worker when the store is the local filesystem and workers are
 * available (compiled code), else on this thread through the store's Blob.
 */
export async function openDataFile(store: ObjectStore, path: string): Promise<DataFile> {
  const pool = store.localPath?.(path) !== undefined ? DecodePool.shared() : undefined;
  if (pool) return openInWorker(pool, path);
  return InThreadDataFile.open(store, path);
}

async function openInWorker(pool: DecodePool, path: string): Promise<DataFile> {
  try {
    const remote = await pool.open(path);
    return {
      path,
      fields: remote.fields,
      numRows: remote.numRows,
      read: (columns, batchSize, options) => wrapDecodeErrors(path, remote.read(columns, batchSize, options)),
      close: () => remote.close(),
    };
  } catch (err) {
    throw openError(path, err);
  }
}

async function* wrapDecodeErrors(path: string, batches: AsyncGenerator<arrow.RecordBatch>): AsyncGenerator<arrow.RecordBatch> {
  try {
    yield* batches;
  } catch (err) {
    throw SqlError.corruptData(path, `undecodable Parquet data (${errorText(err)})`, err);
  }
}

function openError(path: string, err: unknown): SqlError {
  if (err instanceof NotFoundError || (err instanceof DecodeError && err.notFound)) {
    return SqlError.corruptData(path, 'the data file the Delta log references does not exist', err);
  }
  return SqlError.corruptData(path, `not a readable Parquet file (${errorText(err)})`, err);
}

/**
 * The same readers on the calling thread (DESIGN.md §3): the flat decoder (flat-parquet/) for the
 * columns it covers, else parquet-wasm's async, projecting reader.
 */
class InThreadDataFile implements DataFile {
  private constructor(
    readonly path: string,
    private readonly blob: Blob,
    private readonly footer: Promise<FileMetaData>,
    /** parquet-wasm's reader: made at open when the footer alone does not give the fields, else on a fallback read. */
    private file: Promise<parquet.ParquetFile> | undefined,
    readonly fields: readonly arrow.Field[],
    readonly numRows: number,
  ) {}

  static async open(store: ObjectStore, path: string): Promise<InThreadDataFile> {
    let blob: Blob;
    try {
      blob = await store.openBlob(path);
    } catch (err) {
      if (err instanceof NotFoundError) throw openError(path, err);
      throw SqlError.ioError(path, err);
    }
    const footer = footerOf(blobSource(blob));
    try {
      // A flat file's fields come from the footer (flat-parquet/arrow-fields.ts); parquet-wasm
      // reads the others' — and reports a footer it cannot read.
      const meta = await footer.catch(() => undefined);
      const flat = meta === undefined ? undefined : flatArrowFields(meta);
      if (flat !== undefined && meta !== undefined) return new InThreadDataFile(path, blob, footer, undefined, flat, Number(meta.num_rows));
      const file = await parquet.ParquetFile.fromFile(blob);
      const schema = schemaFromIPC(file.schema().intoIPCStream());
      return new InThreadDataFile(path, blob, footer, Promise.resolve(file), schema.fields, file.metadata().fileMetadata().numRows());
    } catch (err) {
      throw openError(path, err);
    }
  }

  async *read(columns: readonly string[], batchSize: number, options: ReadOptions = {}): AsyncGenerator<arrow.RecordBatch> {
    const { blob } = this;
    const request = { columns, batchSize, ...options };
    for await (const batches of readFlatOrFallback<arrow.RecordBatch[]>(
      blobSource(blob),
      () => this.footer,
      this.fields,
      request,
      (raw) => raw.map((b) => toRecordBatch(b, this.fields)),
      (groups) => this.wasmBatches(columns, batchSize, groups),
    )) {
      yield* batches;
    }
  }

  private async *wasmBatches(columns: readonly string[], batchSize: number, rowGroups: readonly number[] | undefined): AsyncGenerator<arrow.RecordBatch[]> {
    let stream: ReadableStream<parquet.RecordBatch>;
    try {
      const file = await (this.file ??= parquet.ParquetFile.fromFile(this.blob));
      stream = await file.stream({ columns: [...columns], batchSize, ...(rowGroups === undefined ? {} : { rowGroups: [...rowGroups] }) });
    } catch (err) {
      throw SqlError.corruptData(this.path, `cannot read columns ${columns.join(', ')} (${errorText(err)})`, err);
    }
    const reader = stream.getReader();
    try {
      for (;;) {
        let next: ReadableStreamReadResult<parquet.RecordBatch>;
        try {
          next = await reader.read();
        } catch (err) {
          throw SqlError.corruptData(this.path, `undecodable Parquet data (${errorText(err)})`, err);
        }
        if (next.done) return;
        yield arrow.tableFromIPC(next.value.intoIPCStream()).batches;
      }
    } finally {
      reader.releaseLock();
      await stream.cancel().catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    (await this.file?.catch(() => undefined))?.free();
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
