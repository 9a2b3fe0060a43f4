
/**
 * The Delta commands as storage operations; the SQL side parses them and prints what they return.
 */

export interface OptimizeOptions {
  /** Only files in partitions satisfying this (OPTIMIZE … WHERE on partition columns). */
  readonly partitionFilter?: (partitionValues: Readonly<Record<string, string | null>>) => boolean;
  /** ZORDER BY columns (logical names). */
  readonly zOrderBy?: readonly string[];
  /** Target file size in bytes (default `delta.targetFileSize` or 128 MiB). */
  readonly targetFileSize?: number;
  /** The WHERE text, for `commitInfo.operationParameters.predicate`. */
  readonly predicateText?: string;
}

/** What OPTIMIZE answers (Spark's `metrics` column, flattened). */
export interface OptimizeResult {
  readonly version: number | undefined;
  readonly numFilesAdded: number;
  readonly numFilesRemoved: number;
  readonly filesAddedBytes: number;
  readonly filesRemovedBytes: number;
  readonly partitionsOptimized: number;
  /** Files considered (in the partitions the filter kept). */
  readonly totalConsideredFiles: number;
}

export interface VacuumOptions {
  /** RETAIN n HOURS; default the table's `delta.deletedFileRetentionDuration` (168 h). */
  readonly retentionHours?: number;
  readonly dryRun?: boolean;
  /** `spark.databricks.delta.retentionDurationCheck.enabled` (default true). */
  readonly retentionCheck?: boolean;
  /** Now, for tests (epoch ms). */
  readonly now?: number;
}

export interface VacuumResult {
  /** Absolute paths deleted (or, with dryRun, that would be). */
  readonly files: readonly string[];
}

export type RestoreTarget = { readonly kind: 'version'; readonly version: number } | { readonly kind: 'timestamp'; readonly epochMillis: number };

/** Spark's RESTORE output columns. */
export interface RestoreResult {
  readonly version: number;
  readonly tableSizeAfterRestore: number;
  readonly numOfFilesAfterRestore: number;
  readonly numRemovedFiles: number;
  readonly numRestoredFiles: number;
  readonly removedFilesSize: number;
  readonly restoredFilesSize: number;
}

/** DESCRIBE DETAIL's row (Spark's columns). */
export interface TableDetail {
  readonly format: 'delta';
  readonly id: string;
  readonly name: string | null;
  readonly description: string | null;
  readonly location: string;
  readonly createdAt: number | null;
  readonly lastModified: number;
  readonly partitionColumns: readonly string[];
  readonly clusteringColumns: readonly string[];
  readonly numFiles: number;
  readonly sizeInBytes: number;
  readonly properties: Readonly<Record<string, string>>;
  readonly minReaderVersion: number;
  readonly minWriterVersion: number;
  readonly tableFeatures: readonly string[];
}

export { optimize } from './commands/optimize.js';
export { vacuum } from './commands/vacuum.js';
export { restore } from './commands/restore.js';
export { describeDetail } from './commands/describe-detail.js';
