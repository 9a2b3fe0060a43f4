import { SqlError } from '../../common/sql-error.js';
import type { DeltaTable } from '../table.js';

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
}

/** What OPTIMIZE answers (Spark's `metrics` column, flattened). */
export interface OptimizeResult {
  readonly version: number | undefined;
  readonly numFilesAdded: number;
  readonly numFilesRemoved: number;
  readonly filesAddedBytes: number;
  readonly filesRemovedBytes: number;
  readonly partitionsOptimized: number;
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

export async function optimize(_table: DeltaTable, _options?: OptimizeOptions): Promise<OptimizeResult> {
  throw SqlError.unsupportedFeature('OPTIMIZE (in progress)');
}
export async function vacuum(_table: DeltaTable, _options?: VacuumOptions): Promise<VacuumResult> {
  throw SqlError.unsupportedFeature('VACUUM (in progress)');
}
export async function restore(_table: DeltaTable, _target: RestoreTarget): Promise<RestoreResult> {
  throw SqlError.unsupportedFeature('RESTORE (in progress)');
}
export async function describeDetail(_table: DeltaTable): Promise<TableDetail> {
  throw SqlError.unsupportedFeature('DESCRIBE DETAIL (in progress)');
}
