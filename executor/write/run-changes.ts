import type * as arrow from 'apache-arrow';
import type { AddFile } from '../../storage/log/actions.js';
import type { CommitResult } from '../../storage/write/api.js';
import { takeBatch } from '../../common/arrow/take.js';
import type { WriteTransaction } from '../../storage/write/transaction.js';
import { newChangeState, streamChanges, type ChangePlan, type ChangeState } from './apply-changes.js';
import { checkNotNull } from './not-null.js';
import { evolvedMetadata } from './open-target.js';
import type { TargetSource } from './target-source.js';

/** What a DELETE / UPDATE / MERGE did, for its command tag and tests. */
export interface ChangeOutcome {
  readonly updated: number;
  readonly deleted: number;
  readonly inserted: number;
  /** Files that lost rows (by a deletion vector or a rewrite). */
  readonly filesTouched: number;
  readonly commit?: CommitResult;
}

/**
 * Runs a change plan in the target's transaction and commits it: rows acted on are deleted
 * from their files (a deletion vector or a rewrite of only those files, storage decides by the
 * table's properties), updated and inserted rows are written as new files, and the files the
 * plan read are declared for the conflict check. A statement that changes nothing commits
 * nothing. Any error before the commit leaves the table as it was.
 */
export async function runChanges(
  target: TargetSource,
  plan: ChangePlan,
  operation: {
    name: string;
    parameters: Record<string, unknown>;
    addColumns?: readonly arrow.Field[];
    /**
     * The partitions the statement's predicate covers (by logical column names), when it bounds
     * them: a concurrent append elsewhere is then no conflict. Undefined: the whole table.
     */
    readPartitions?: (values: Readonly<Record<string, string | null>>) => boolean;
  },
  signal?: AbortSignal,
): Promise<ChangeOutcome> {
  const tx = target.tx;
  if (operation.addColumns !== undefined && operation.addColumns.length > 0) tx.setMetadata(evolvedMetadata(tx, operation.addColumns));
  const state = newChangeState();
  const cdf = changeDataFeed(tx);
  const newRows: arrow.RecordBatch[] = [];
  async function* checked(): AsyncGenerator<arrow.RecordBatch> {
    for await (const batch of streamChanges(plan, state, signal)) {
      checkNotNull(batch, plan.tableSchema, target.displayName);
      if (cdf) newRows.push(batch);
      yield batch;
    }
  }
  // New rows stream straight into data files (invisible until the commit).
  if (plan.clauses.some((c) => c.action === 'update' || c.action === 'insert')) await tx.write(checked());
  else for await (const _ of checked()) { /* deletes only: no new rows */ }
  const changed = state.deletions.size > 0 || state.updated + state.inserted > 0;
  if (!changed) return { updated: 0, deleted: 0, inserted: 0, filesTouched: 0 };
  const read = [...target.readFiles].sort((a, b) => a - b).map((i) => target.files[i] as AddFile);
  const covers = operation.readPartitions;
  const snapshot = tx.readSnapshot;
  if (covers === undefined || snapshot === undefined) tx.markRead(read);
  else {
    const logicalOf = logicalPartitionNames(snapshot);
    tx.markRead(read, (values) => covers(logicalOf(values)));
  }
  if (cdf) await recordChanges(target, state, newRows);
  for (const [fileIndex, rows] of state.deletions) await tx.deleteRows({ file: target.files[fileIndex] as AddFile, rows });
  const metrics: Record<string, number> =
    operation.name === 'MERGE'
      ? { numTargetRowsUpdated: state.updated, numTargetRowsDeleted: state.deleted, numTargetRowsInserted: state.inserted }
      : operation.name === 'UPDATE'
        ? { numUpdatedRows: state.updated }
        : { numDeletedRows: state.deleted };
  const commit = await tx.commit({ operation: operation.name, operationParameters: operation.parameters, operationMetrics: metrics });
  return { updated: state.updated, deleted: state.deleted, inserted: state.inserted, filesTouched: state.deletions.size, commit };
}

function changeDataFeed(tx: WriteTransaction): boolean {
  return tx.readSnapshot?.configuration['delta.enableChangeDataFeed'] === 'true';
}

/**
 * The change data feed of a DELETE / UPDATE / MERGE (reference/delta-protocol.md §7): the old
 * rows, re-read from only the touched files and taken by position, as `delete` or
 * `update_preimage`; the new rows as `update_postimage` or `insert`.
 */
async function recordChanges(target: TargetSource, result: ChangeState, newRows: readonly arrow.RecordBatch[]): Promise<void> {
  const tx = target.tx;
  const columns = target.tableSchema.fields.map((f) => f.name);
  const deletes: arrow.RecordBatch[] = [];
  const preimages: arrow.RecordBatch[] = [];
  for (const [fileIndex, rows] of result.deletions) {
    const wanted = new Set(rows);
    const updates = result.updatedRows.get(fileIndex);
    for await (const { batch, rowIndex } of tx.readFile(target.files[fileIndex] as AddFile, columns)) {
      const del: number[] = [];
      const pre: number[] = [];
      for (let i = 0; i < rowIndex.length; i++) {
        const row = rowIndex[i] as number;
        if (!wanted.has(row)) continue;
        if (updates?.has(row) === true) pre.push(i);
        else del.push(i);
      }
      if (del.length > 0) deletes.push(takeBatch(batch, Int32Array.from(del)));
      if (pre.length > 0) preimages.push(takeBatch(batch, Int32Array.from(pre)));
    }
  }
  if (deletes.length > 0) await tx.writeChanges('delete', deletes);
  if (preimages.length > 0) await tx.writeChanges('update_preimage', preimages);
  const post = newRows.filter((b) => !result.inserts.has(b));
  const inserted = newRows.filter((b) => result.inserts.has(b));
  if (post.length > 0) await tx.writeChanges('update_postimage', post);
  if (inserted.length > 0) await tx.writeChanges('insert', inserted);
}

/**
 * DELETE of whole files, nothing read (Delta's metadata-only delete): without WHERE every file,
 * or the files whose partition values satisfy `partitions` (a WHERE over partition columns only;
 * it receives logical column names). The count comes from the files' `numRecords` stats less
 * their deletion vectors. Undefined when a file has no stats or the table keeps a change data
 * feed (which needs the deleted rows): the caller then reads the rows.
 */
export async function deleteWholeFiles(target: TargetSource, partitions?: (values: Readonly<Record<string, string | null>>) => boolean, predicate: readonly string[] = []): Promise<ChangeOutcome | undefined> {
  const tx = target.tx;
  const snapshot = tx.readSnapshot;
  if (snapshot === undefined || changeDataFeed(tx)) return undefined;
  const logicalOf = logicalPartitionNames(snapshot);
  const files = partitions === undefined ? target.files : target.files.filter((f) => partitions(logicalOf(f.partitionValues)));
  let rows = 0;
  for (const file of files) {
    const n = liveRecords(file);
    if (n === undefined) return undefined;
    rows += n;
  }
  if (files.length === 0) return { updated: 0, deleted: 0, inserted: 0, filesTouched: 0 };
  tx.markRead(files);
  tx.removeFiles(files);
  const commit = await tx.commit({ operation: 'DELETE', operationParameters: { predicate: JSON.stringify(predicate) }, operationMetrics: { numDeletedRows: rows, numRemovedFiles: files.length } });
  return { updated: 0, deleted: rows, inserted: 0, filesTouched: files.length, commit };
}

/** `partitionValues` (keyed by physical name under column mapping) → keyed by logical name. */
function logicalPartitionNames(snapshot: NonNullable<WriteTransaction['readSnapshot']>): (values: Readonly<Record<string, string | null>>) => Record<string, string | null> {
  const mapped = snapshot.columnMappingMode !== 'none';
  const names = snapshot.partitionColumns.map((name) => {
    const field = snapshot.schema.fields.find((f) => f.name === name);
    const physical = mapped ? field?.metadata['delta.columnMapping.physicalName'] : undefined;
    return [name, typeof physical === 'string' ? physical : name] as const;
  });
  return (values) => Object.fromEntries(names.map(([logical, physical]) => [logical, values[physical] ?? values[logical] ?? null]));
}

function liveRecords(file: AddFile): number | undefined {
  if (file.stats === undefined) return undefined;
  try {
    const n = (JSON.parse(file.stats) as { numRecords?: unknown }).numRecords;
    return typeof n === 'number' ? n - (file.deletionVector?.cardinality ?? 0) : undefined;
  } catch {
    return undefined;
  }
}
