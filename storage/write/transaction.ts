import type * as arrow from 'apache-arrow';
import { SqlError } from '../../common/sql-error.js';
import type { AddFile, Metadata, Protocol } from '../log/actions.js';
import type { Snapshot } from '../snapshot/snapshot.js';
import type { DeltaTable } from '../table.js';
import type { ChangeType, CommitRequest, CommitResult, PositionedBatch, RowDeletion, WriteOptions } from './api.js';

/**
 * One optimistic Delta transaction (reference/delta-protocol.md §6): it starts from a snapshot,
 * writes data files (invisible until the commit), collects actions, and `commit()` creates
 * `_delta_log/<v+1>.json` put-if-absent. A lost race re-reads the winning commits, checks them
 * against what this transaction read and removed (Spark's WriteSerializable rules), and retries
 * at the next version; a real conflict is `40001`.
 *
 * @example
 * const tx = await WriteTransaction.open(table);              // table: DeltaTable (Warehouse.openTable)
 * await tx.write(batches);                                     // INSERT: Arrow batches, logical names
 * const { version } = await tx.commit({ operation: 'WRITE', operationParameters: { mode: 'Append' } });
 *
 * @example DELETE FROM t WHERE x > 5
 * const tx = await WriteTransaction.open(table);
 * const files = tx.readSnapshot.files.filter(mayMatch);        // prune however you like
 * tx.markRead(files);                                          // what the statement depended on
 * for (const file of files) {
 *   const rows: number[] = [];
 *   for await (const { batch, rowIndex } of tx.readFile(file, ['x'])) { ...push rowIndex[i] where x > 5 }
 *   await tx.deleteRows({ file, rows });                       // a DV, or a rewrite of the file
 * }
 * await tx.commit({ operation: 'DELETE', operationParameters: { predicate: '["(x > 5)"]' } });
 */
export class WriteTransaction {
  private constructor(
    readonly table: DeltaTable,
    /** The snapshot the transaction read (undefined for a table being created). */
    readonly readSnapshot: Snapshot | undefined,
  ) {}

  /** Starts a transaction on the latest version of an existing table. */
  static async open(table: DeltaTable): Promise<WriteTransaction> {
    return new WriteTransaction(table, await table.latest());
  }

  /** The metadata the commit will carry (the snapshot's, or what `setMetadata` set). */
  get metadata(): Metadata {
    throw notYet('metadata');
  }

  /** The protocol the commit will carry: the lowest one the metadata's features need. */
  get protocol(): Protocol {
    throw notYet('protocol');
  }

  /**
   * Writes rows as new data files: split by partition columns, under physical names when the
   * table uses column mapping, Parquet (snappy) up to the target size, with `stats`. The batches
   * must carry the table's columns by logical name (any order; missing nullable columns are
   * NULL). Returns the `add` actions it queued.
   */
  async write(_batches: AsyncIterable<arrow.RecordBatch> | Iterable<arrow.RecordBatch>, _options?: WriteOptions): Promise<AddFile[]> {
    throw notYet('write');
  }

  /** Queues `remove` for whole files (DELETE of whole files, OVERWRITE, OPTIMIZE with dataChange=false). */
  removeFiles(_files: readonly AddFile[], _options?: { dataChange?: boolean }): void {
    throw notYet('removeFiles');
  }

  /**
   * Deletes rows from a file: with `delta.enableDeletionVectors=true` a new deletion vector
   * (merged with the file's current one) and remove+add of the same path; otherwise the file is
   * rewritten without those rows and removed. A file left with no rows is simply removed.
   */
  async deleteRows(_deletion: RowDeletion): Promise<void> {
    throw notYet('deleteRows');
  }

  /** Reads a live file's rows with their physical row positions (for DELETE/UPDATE/MERGE). */
  readFile(_file: AddFile, _columns: readonly string[]): AsyncIterable<PositionedBatch> {
    throw notYet('readFile');
  }

  /**
   * Declares what the statement's result depended on, for the conflict check: `files` it read
   * (a concurrent remove of any of them is a conflict), and the partitions its predicate covers
   * (a concurrent add into one of them is a conflict; omitted = the whole table).
   */
  markRead(_files: readonly AddFile[], _partitions?: (partitionValues: Readonly<Record<string, string | null>>) => boolean): void {
    throw notYet('markRead');
  }

  /**
   * Records changed rows for the change data feed (`_change_data/`, `cdc` actions). A no-op
   * unless `delta.enableChangeDataFeed=true`. The batch carries the table's columns (logical
   * names); inserts of INSERT need not be recorded (the adds say it).
   */
  async writeChanges(_changeType: ChangeType, _batches: AsyncIterable<arrow.RecordBatch> | Iterable<arrow.RecordBatch>): Promise<void> {
    throw notYet('writeChanges');
  }

  /** Replaces the metadata (ALTER TABLE, schema evolution, SET TBLPROPERTIES); the protocol follows. */
  setMetadata(_change: Partial<Pick<Metadata, 'schemaString' | 'partitionColumns' | 'configuration' | 'name' | 'description'>>): void {
    throw notYet('setMetadata');
  }

  /** Idempotent writers: records `txn {appId, version}`; a concurrent commit with the same appId is a conflict. */
  setTxn(_appId: string, _version: number): void {
    throw notYet('setTxn');
  }

  /** Makes everything visible in one new version (see the class comment). */
  async commit(_request: CommitRequest): Promise<CommitResult> {
    throw notYet('commit');
  }
}

function notYet(what: string): SqlError {
  return SqlError.unsupportedFeature(`WriteTransaction.${what} (storage write path in progress)`);
}
