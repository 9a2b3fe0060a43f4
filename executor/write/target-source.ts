import * as arrow from 'apache-arrow';
import { SqlError } from '../../common/sql-error.js';
import type { AddFile } from '../../storage/log/actions.js';
import { deltaSchemaToArrow } from '../../storage/schema/arrow.js';
import { selectFiles, type FilePredicate } from '../../storage/scan/prune.js';
import type { WriteTransaction } from '../../storage/write/transaction.js';
import { makeBatch, batchColumns } from '../arrow/batch.js';

/** The two columns a target scan adds after the table's: which live file a row is in, and its physical row there. */
export const FILE_COLUMN = '__deltasql_file';
export const ROW_COLUMN = '__deltasql_row';

/**
 * The table a DELETE / UPDATE / MERGE changes, read from its transaction's snapshot as a
 * planner TableSource whose rows carry their identity: the table's columns, then
 * `__deltasql_file` (index into `files`) and `__deltasql_row` (the physical row position,
 * which `WriteTransaction.deleteRows` takes). The rows of such a scan are joined and filtered
 * by ordinary operators; the write operator then knows exactly which rows of which files
 * changed, so only those files are touched. Files the pushed-down filters rule out (partition
 * values, stats) are never read; `readFiles` lists the ones that were, for `markRead`.
 */
export class TargetSource {
  readonly schema: arrow.Schema;
  readonly tableSchema: arrow.Schema;
  readonly files: readonly AddFile[];
  readonly readFiles = new Set<number>();

  constructor(readonly tx: WriteTransaction, readonly displayName: string) {
    const snapshot = tx.readSnapshot;
    if (snapshot === undefined) throw SqlError.internal('target scan of a table being created');
    this.tableSchema = deltaSchemaToArrow(snapshot.schema);
    this.schema = new arrow.Schema([...this.tableSchema.fields, new arrow.Field(FILE_COLUMN, new arrow.Int32(), false), new arrow.Field(ROW_COLUMN, new arrow.Float64(), false)]);
    this.files = snapshot.files;
  }

  get version(): number {
    return this.tx.readSnapshot?.version ?? -1;
  }

  /** Rows by the files' stats, for join order (the target is usually the big side). */
  get estimatedRows(): number | undefined {
    let total = 0;
    for (const f of this.files) {
      const n = numRecords(f);
      if (n === undefined) return undefined;
      total += n;
    }
    return total;
  }

  scan(request: { columns: readonly string[]; filters?: readonly FilePredicate[]; signal?: AbortSignal }): AsyncIterable<arrow.RecordBatch> {
    const snapshot = this.tx.readSnapshot;
    if (snapshot === undefined) throw SqlError.internal('target scan of a table being created');
    const wanted = new Set(selectFiles(snapshot, request.filters ?? []).files);
    const tableColumns = request.columns.filter((c) => c !== FILE_COLUMN && c !== ROW_COLUMN);
    // A file is read for its row positions even when no table column is wanted.
    const readColumns = tableColumns.length > 0 ? tableColumns : [this.tableSchema.fields[0]?.name ?? ''];
    const schema = new arrow.Schema(request.columns.map((c) => this.schema.fields.find((f) => f.name === c) as arrow.Field));
    const self = this;
    return (async function* targetScan() {
      for (let fileIndex = 0; fileIndex < self.files.length; fileIndex++) {
        const file = self.files[fileIndex] as AddFile;
        if (!wanted.has(file)) continue;
        self.readFiles.add(fileIndex);
        for await (const { batch, rowIndex } of self.tx.readFile(file, readColumns)) {
          if (request.signal?.aborted) throw new SqlError('57014', 'canceling statement due to user request');
          const n = batch.numRows;
          if (n === 0) continue;
          const columns = batchColumns(batch);
          const byName = new Map(batch.schema.fields.map((f, i) => [f.name, columns[i] as arrow.Data] as const));
          const fileData = arrow.makeData({ type: new arrow.Int32(), length: n, nullCount: 0, data: new Int32Array(n).fill(fileIndex) });
          const rowData = arrow.makeData({ type: new arrow.Float64(), length: n, nullCount: 0, data: rowIndex });
          const out = request.columns.map((c) => {
            if (c === FILE_COLUMN) return fileData;
            if (c === ROW_COLUMN) return rowData;
            const data = byName.get(c);
            if (data === undefined) throw SqlError.internal(`readFile gave no column ${c}`);
            return data;
          });
          yield makeBatch(schema, out, n);
        }
      }
    })();
  }
}

function numRecords(file: AddFile): number | undefined {
  if (file.stats === undefined) return undefined;
  try {
    const n = (JSON.parse(file.stats) as { numRecords?: number }).numRecords;
    return typeof n === 'number' ? n - (file.deletionVector?.cardinality ?? 0) : undefined;
  } catch {
    return undefined;
  }
}
