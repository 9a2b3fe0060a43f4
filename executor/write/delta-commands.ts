import * as arrow from 'apache-arrow';
import { readHistory } from '../../storage/log/history.js';
import type { DeltaTable } from '../../storage/table.js';
import { describeDetail, optimize, restore, vacuum, type OptimizeOptions, type RestoreTarget, type VacuumOptions } from '../../storage/write/commands.js';
import { dataFromValues, type ScalarValue } from '../arrow/scalar.js';
import { makeBatch } from '../arrow/batch.js';
import { mapOf } from './map-type.js';

/**
 * The Delta commands' result rows, in the columns Delta / Databricks answer with (storage's
 * commands do the work). Each returns one record batch.
 */
export interface CommandResult {
  readonly schema: arrow.Schema;
  readonly batch: arrow.RecordBatch;
}

function result(fields: readonly arrow.Field[], rows: readonly (readonly ScalarValue[])[]): CommandResult {
  const schema = new arrow.Schema([...fields]);
  const columns = fields.map((f, c) => dataFromValues(f.type, rows.map((r) => r[c] ?? null)));
  return { schema, batch: makeBatch(schema, columns, rows.length) };
}

const STRING = new arrow.Utf8();
const LONG = new arrow.Int64();
const INT = new arrow.Int32();
const TS = new arrow.TimestampMicrosecond('UTC');
const strings = () => new arrow.List(new arrow.Field('element', STRING, true));
const field = (name: string, type: arrow.DataType, nullable = true) => new arrow.Field(name, type, nullable);

/** DESCRIBE DETAIL: one row, Delta's columns (format … tableFeatures). */
export async function describeDetailResult(table: DeltaTable): Promise<CommandResult> {
  const d = await describeDetail(table);
  // File times may carry fractions of a millisecond (fs mtimeMs): round to microseconds.
  const micros = (ms: number | null) => (ms === null ? null : BigInt(Math.round(ms * 1000)));
  return result(
    [
      field('format', STRING), field('id', STRING), field('name', STRING), field('description', STRING), field('location', STRING),
      field('createdAt', TS), field('lastModified', TS), field('partitionColumns', strings()), field('clusteringColumns', strings()),
      field('numFiles', LONG), field('sizeInBytes', LONG), field('properties', mapOf(STRING, STRING)),
      field('minReaderVersion', INT), field('minWriterVersion', INT), field('tableFeatures', strings()),
    ],
    [[
      d.format, d.id, d.name, d.description, d.location, micros(d.createdAt), micros(d.lastModified), [...d.partitionColumns], [...d.clusteringColumns],
      BigInt(d.numFiles), BigInt(d.sizeInBytes), Object.entries(d.properties).map(([k, v]) => [k, v]), d.minReaderVersion, d.minWriterVersion, [...d.tableFeatures],
    ]],
  );
}

/**
 * DESCRIBE HISTORY: one row per commit still in the log, newest first, in Delta's columns
 * (`job`, `notebook` and `clusterId` are Databricks' and always NULL here). Parameter and metric
 * values are strings, as Spark writes them.
 */
export async function describeHistoryResult(table: DeltaTable, limit: number | undefined): Promise<CommandResult> {
  const entries = await readHistory(table, limit === undefined ? {} : { limit });
  const job = new arrow.Struct([field('jobId', STRING), field('jobName', STRING), field('runId', STRING), field('jobOwnerId', STRING), field('triggerType', STRING)]);
  const notebook = new arrow.Struct([field('notebookId', STRING)]);
  const text = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));
  const pairs = (o: Readonly<Record<string, unknown>> | undefined) => (o === undefined ? null : Object.entries(o).map(([k, v]) => [k, text(v)]));
  return result(
    [
      field('version', LONG, false), field('timestamp', TS, false), field('userId', STRING), field('userName', STRING), field('operation', STRING),
      field('operationParameters', mapOf(STRING, STRING)), field('job', job), field('notebook', notebook), field('clusterId', STRING), field('readVersion', LONG),
      field('isolationLevel', STRING), field('isBlindAppend', new arrow.Bool()), field('operationMetrics', mapOf(STRING, STRING)), field('userMetadata', STRING), field('engineInfo', STRING),
    ],
    entries.map((e) => [
      BigInt(e.version), BigInt(Math.round(e.timestamp * 1000)), e.userId ?? null, e.userName ?? null, e.operation ?? null,
      pairs(e.operationParameters), null, null, null, e.readVersion === undefined ? null : BigInt(e.readVersion),
      e.isolationLevel ?? null, e.isBlindAppend ?? null, pairs(e.operationMetrics), e.userMetadata ?? null, e.engineInfo ?? null,
    ]),
  );
}

/** OPTIMIZE: `path` and a `metrics` struct (Delta's OptimizeMetrics, the figures storage reports). */
export async function optimizeResult(table: DeltaTable, options: OptimizeOptions): Promise<CommandResult> {
  const r = await optimize(table, options);
  const fileStats = new arrow.Struct([field('totalFiles', LONG), field('totalSize', LONG)]);
  const metrics = new arrow.Struct([
    field('numFilesAdded', LONG), field('numFilesRemoved', LONG), field('filesAdded', fileStats), field('filesRemoved', fileStats),
    field('partitionsOptimized', LONG), field('zOrderStats', new arrow.Struct([field('strategyName', STRING)])), field('totalConsideredFiles', LONG),
  ]);
  return result([field('path', STRING), field('metrics', metrics)], [[
    table.root,
    {
      numFilesAdded: BigInt(r.numFilesAdded),
      numFilesRemoved: BigInt(r.numFilesRemoved),
      filesAdded: { totalFiles: BigInt(r.numFilesAdded), totalSize: BigInt(r.filesAddedBytes) },
      filesRemoved: { totalFiles: BigInt(r.numFilesRemoved), totalSize: BigInt(r.filesRemovedBytes) },
      partitionsOptimized: BigInt(r.partitionsOptimized),
      zOrderStats: options.zOrderBy !== undefined && options.zOrderBy.length > 0 ? { strategyName: 'minCubeSize(107374182400)' } : null,
      totalConsideredFiles: BigInt(r.totalConsideredFiles),
    },
  ]]);
}

/** VACUUM: the table's path; with DRY RUN, the files that would be deleted (Delta's `path` column). */
export async function vacuumResult(table: DeltaTable, options: VacuumOptions): Promise<CommandResult> {
  const r = await vacuum(table, options);
  const rows = options.dryRun === true ? r.files.map((f) => [f]) : [[table.root]];
  return result([field('path', STRING)], rows);
}

/** RESTORE: Delta's six figures. */
export async function restoreResult(table: DeltaTable, target: RestoreTarget): Promise<CommandResult> {
  const r = await restore(table, target);
  return result(
    ['table_size_after_restore', 'num_of_files_after_restore', 'num_removed_files', 'num_restored_files', 'removed_files_size', 'restored_files_size'].map((n) => field(n, LONG)),
    [[BigInt(r.tableSizeAfterRestore), BigInt(r.numOfFilesAfterRestore), BigInt(r.numRemovedFiles), BigInt(r.numRestoredFiles), BigInt(r.removedFilesSize), BigInt(r.restoredFilesSize)]],
  );
}
