import type * as arrow from 'apache-arrow';
import type { AddFile, Metadata, Protocol } from '../log/actions.js';
import type { StructType } from '../schema/types.js';

/**
 * The contract of the Delta write path (see README.md in this folder). The planner/executor side
 * of writes (CREATE TABLE, INSERT, UPDATE, DELETE, MERGE, the Delta commands) is built on these
 * types only; `transaction.ts`, `create-table.ts` and `commands/` implement them.
 */

/** What `commitInfo` records about an operation (reference/delta-protocol.md §8). */
export interface CommitRequest {
  /** Spark's operation name: `WRITE`, `CREATE TABLE`, `CREATE OR REPLACE TABLE AS SELECT`, `DELETE`, `UPDATE`, `MERGE`, `OPTIMIZE`, `RESTORE`, `SET TBLPROPERTIES`, `ADD COLUMNS`, … */
  readonly operation: string;
  /** Spark writes every value as a JSON string (`{"mode":"Append","partitionBy":"[]"}`); values given here are written as given. */
  readonly operationParameters?: Readonly<Record<string, unknown>>;
  /**
   * Operation metrics, merged over the ones the transaction counts itself (`numFiles`,
   * `numOutputRows`, `numOutputBytes`, `numRemovedFiles`, `numAddedFiles`, `numDeletionVectorsAdded`…).
   * Written as strings, as Spark does.
   */
  readonly operationMetrics?: Readonly<Record<string, number | string>>;
  /**
   * True when the commit only adds files and read nothing from the table (INSERT … VALUES,
   * INSERT … SELECT from another table): such commits never conflict with concurrent appends.
   * Defaults to "no removes and no `markRead`".
   */
  readonly isBlindAppend?: boolean;
  readonly userMetadata?: string;
}

/** What a successful commit gives back. */
export interface CommitResult {
  /** The version this transaction's commit file has. */
  readonly version: number;
  /** How many times it lost the put-if-absent race and was rebased onto a winner. */
  readonly retries: number;
  /** The metrics written into `commitInfo.operationMetrics` (numbers, before stringification). */
  readonly metrics: Readonly<Record<string, number>>;
  /** Whether a checkpoint was written after the commit (every `delta.checkpointInterval` versions). */
  readonly checkpointed: boolean;
}

/** Options of `WriteTransaction.write`. */
export interface WriteOptions {
  /** False for rewrites that change no data (OPTIMIZE): `add.dataChange=false`. Default true. */
  readonly dataChange?: boolean;
  /** Rows per Parquet file before a new file starts (overrides the size target; tests use it to get many files). */
  readonly maxRowsPerFile?: number;
  /** Target Parquet file size in bytes (default `delta.targetFileSize` or 128 MiB). */
  readonly targetFileSize?: number;
}

/**
 * The kind of row a change-data-feed file holds (`_change_type`, reference/delta-protocol.md §7).
 */
export type ChangeType = 'insert' | 'delete' | 'update_preimage' | 'update_postimage';

/** What a new table looks like (CREATE TABLE). */
export interface TableDefinition {
  /** Logical schema. Column mapping metadata (`delta.columnMapping.*`) is added when `configuration` asks for a mode. */
  readonly schema: StructType;
  readonly partitionColumns?: readonly string[];
  /** TBLPROPERTIES: `delta.enableDeletionVectors`, `delta.columnMapping.mode`, `delta.enableChangeDataFeed`, `delta.checkpointInterval`, … */
  readonly configuration?: Readonly<Record<string, string>>;
  /** `metaData.name` (Spark writes the catalog name or nothing). */
  readonly name?: string;
  /** COMMENT '…' → `metaData.description`. */
  readonly description?: string;
}

/** A file and the row positions (0-based, physical, in the Parquet file) to delete from it. */
export interface RowDeletion {
  readonly file: AddFile;
  /** Sorted or not, duplicates allowed; positions already in the file's deletion vector are ignored. */
  readonly rows: Float64Array | Uint32Array | readonly number[];
}

/** One record batch of a file's rows with the physical position of each row in that file. */
export interface PositionedBatch {
  /** The requested columns, logical names, in the table's Arrow types (storage/schema/arrow.ts). */
  readonly batch: arrow.RecordBatch;
  /** `rowIndex[i]` is the 0-based physical row of `batch` row i in the Parquet file (rows deleted by a DV are skipped). */
  readonly rowIndex: Float64Array;
}

export type { AddFile, Metadata, Protocol };
