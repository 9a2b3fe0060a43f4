import * as arrow from 'apache-arrow';
import { fileURLToPath } from 'node:url';
import { takeBatch } from '../../common/arrow/take.js';
import { SqlError } from '../../common/sql-error.js';
import { loadDeletionVector } from '../dv/read.js';
import { keepMask } from '../dv/selection.js';
import type { AddFile } from '../log/actions.js';
import { joinPath, type ObjectStore } from '../object-store/object-store.js';
import { deltaFieldToArrow } from '../schema/arrow.js';
import type { StructField } from '../schema/types.js';
import type { Snapshot } from '../snapshot/snapshot.js';
import { conformColumn, findSourceField } from './conform.js';
import { constantData, parsePartitionValue } from './partition-values.js';
import { selectFiles, type FilePredicate } from './prune.js';
import { ParquetDataFile } from './read-parquet.js';

export interface ScanOptions {
  /** Logical column names, in output order; empty when only row counts are needed. */
  readonly columns: readonly string[];
  /** Conjuncts every wanted row satisfies: files that cannot hold one are not read (prune.ts). */
  readonly filters?: readonly FilePredicate[];
  readonly batchSize?: number;
  readonly signal?: AbortSignal;
}

export const DEFAULT_BATCH_SIZE = 65_536;

/**
 * Reads a snapshot's live files as Arrow record batches in the logical schema
 * (reference/delta-protocol.md §4 step 6): only the requested columns are decoded; partition
 * columns come from `partitionValues` (never directory names); rows in a file's deletion vector
 * are dropped; columns the file lacks are NULL; physical names map back to logical ones.
 */
export async function* scanSnapshot(store: ObjectStore, snapshot: Snapshot, options: ScanOptions): AsyncGenerator<arrow.RecordBatch> {
  const fields = options.columns.map((name) => {
    const field = snapshot.schema.fields.find((f) => f.name === name);
    if (!field) throw SqlError.internal(`scan of ${snapshot.tableName} asked for unknown column ${name}`);
    return field;
  });
  const schema = new arrow.Schema(fields.map(deltaFieldToArrow));
  const partitionColumns = new Set(snapshot.partitionColumns);
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const { files } = selectFiles(snapshot, options.filters ?? []);
  for (const add of files) {
    if (options.signal?.aborted) throw new SqlError('57014', 'canceling statement due to user request');
    yield* scanFile(store, snapshot, add, fields, schema, partitionColumns, batchSize);
  }
}

async function* scanFile(
  store: ObjectStore,
  snapshot: Snapshot,
  add: AddFile,
  fields: readonly StructField[],
  schema: arrow.Schema,
  partitionColumns: ReadonlySet<string>,
  batchSize: number,
): AsyncGenerator<arrow.RecordBatch> {
  const path = dataFilePath(snapshot.tableRoot, add.path);
  const mode = snapshot.columnMappingMode;
  const partitionData = new Map<string, ReturnType<typeof parsePartitionValue>>();
  for (const field of fields) {
    if (!partitionColumns.has(field.name)) continue;
    // partitionValues are keyed by physical name under column mapping.
    const key = physicalKey(field, mode);
    const raw = key in add.partitionValues ? add.partitionValues[key] : add.partitionValues[field.name];
    partitionData.set(field.name, parsePartitionValue(raw, field.type, `${path} partition value ${field.name}`));
  }
  const deleted = add.deletionVector ? await loadDeletionVector(store, snapshot.tableRoot, add.deletionVector) : undefined;

  const file = await ParquetDataFile.open(store, path);
  try {
    const dataFields = fields.filter((f) => !partitionColumns.has(f.name));
    // Which top-level Parquet column holds each data field (-1: not in this file → NULLs).
    const sourceIndex = dataFields.map((f) => findSourceField(file.fields, f, mode));
    const sourceNames = [...new Set(sourceIndex.filter((i) => i >= 0).map((i) => file.fields[i]?.name ?? ''))];

    const assemble = (length: number, columnOf: (field: StructField) => arrow.Data | undefined) =>
      new arrow.RecordBatch(
        schema,
        arrow.makeData({
          type: new arrow.Struct(schema.fields),
          length,
          nullCount: 0,
          children: fields.map((field) => {
            if (partitionColumns.has(field.name)) return constantData(field.type, partitionData.get(field.name) ?? null, length);
            return columnOf(field) ?? constantData(field.type, null, length);
          }),
        }),
      );

    if (sourceNames.length === 0) {
      // No data column is needed (partition columns or a bare count): row counts come from the footer.
      const live = file.numRows - (deleted?.length ?? 0);
      for (let start = 0; start < live; start += batchSize) yield assemble(Math.min(batchSize, live - start), () => undefined);
      return;
    }

    let firstRow = 0;
    for await (const raw of file.read(sourceNames, batchSize)) {
      const batch = deleted ? dropDeleted(raw, deleted, firstRow) : raw;
      firstRow += raw.numRows;
      if (batch.numRows === 0) continue;
      const byName = new Map(batch.schema.fields.map((f, i) => [f.name, i] as const));
      yield assemble(batch.numRows, (field) => {
        const index = sourceIndex[dataFields.indexOf(field)] ?? -1;
        if (index < 0) return undefined;
        const sourceField = file.fields[index];
        const column = sourceField === undefined ? undefined : byName.get(sourceField.name);
        if (column === undefined) return undefined;
        return conformColumn(batch.data.children[column] as arrow.Data, sourceField, field.type, mode, path);
      });
    }
  } finally {
    file.close();
  }
}

/** Keeps the rows of `batch` (rows firstRow… of its file) that the deletion vector does not list. */
function dropDeleted(batch: arrow.RecordBatch, deleted: Float64Array, firstRow: number): arrow.RecordBatch {
  const mask = keepMask(deleted, firstRow, batch.numRows);
  if (!mask) return batch;
  const keep = new Int32Array(batch.numRows);
  let kept = 0;
  for (let row = 0; row < mask.length; row++) if (mask[row]) keep[kept++] = row;
  return takeBatch(batch, keep.subarray(0, kept));
}

function physicalKey(field: StructField, mode: string): string {
  const physical = field.metadata['delta.columnMapping.physicalName'];
  return mode !== 'none' && typeof physical === 'string' ? physical : field.name;
}

/** `add.path` is a URI: relative to the table root, or absolute; URL-decoded exactly once (§1). */
export function dataFilePath(tableRoot: string, uri: string): string {
  if (/^file:/i.test(uri)) return fileURLToPath(uri);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(uri)) throw SqlError.unsupportedFeature(`data file on another store (${uri})`);
  let decoded: string;
  try {
    decoded = decodeURIComponent(uri);
  } catch (err) {
    throw SqlError.corruptData(uri, 'add.path is not a valid URI', err);
  }
  return decoded.startsWith('/') ? decoded : joinPath(tableRoot, decoded);
}
