import * as arrow from 'apache-arrow';
import * as parquet from 'parquet-wasm';
import { SqlError } from '../../common/sql-error.js';
import { NotFoundError, type ObjectStore } from '../object-store/object-store.js';

/**
 * One Parquet data file opened through parquet-wasm's async, projecting reader (DESIGN.md §3:
 * `ParquetFile.fromFile(blob)` + `stream({columns})`; the sync reader ignores `columns`).
 * Every failure names the file: a missing file or an undecodable one is `XX001`.
 */
export class ParquetDataFile {
  private constructor(
    readonly path: string,
    private readonly file: parquet.ParquetFile,
    /** The file's top-level Arrow fields (with `PARQUET:field_id` metadata where written). */
    readonly fields: readonly arrow.Field[],
    readonly numRows: number,
  ) {}

  static async open(store: ObjectStore, path: string): Promise<ParquetDataFile> {
    let blob: Blob;
    try {
      blob = await store.openBlob(path);
    } catch (err) {
      if (err instanceof NotFoundError) throw SqlError.corruptData(path, 'the data file the Delta log references does not exist', err);
      throw SqlError.ioError(path, err);
    }
    try {
      const file = await parquet.ParquetFile.fromFile(blob);
      const schema = arrow.tableFromIPC(file.schema().intoIPCStream()).schema;
      const numRows = file.metadata().fileMetadata().numRows();
      return new ParquetDataFile(path, file, schema.fields, numRows);
    } catch (err) {
      throw SqlError.corruptData(path, `not a readable Parquet file (${errorText(err)})`, err);
    }
  }

  /** Streams the named top-level columns as Arrow record batches of about `batchSize` rows. */
  async *read(columns: readonly string[], batchSize: number): AsyncGenerator<arrow.RecordBatch> {
    let stream: ReadableStream<parquet.RecordBatch>;
    try {
      stream = await this.file.stream({ columns: [...columns], batchSize });
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
        for (const batch of arrow.tableFromIPC(next.value.intoIPCStream()).batches) yield batch;
      }
    } finally {
      reader.releaseLock();
      await stream.cancel().catch(() => undefined);
    }
  }

  close(): void {
    this.file.free();
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
