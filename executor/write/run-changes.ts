import type * as arrow from 'apache-arrow';
import type { AddFile } from '../../storage/log/actions.js';
import type { CommitResult } from '../../storage/write/api.js';
import { applyChanges, type ChangePlan } from './apply-changes.js';
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
export async function runChanges(target: TargetSource, plan: ChangePlan, operation: { name: string; parameters: Record<string, unknown>; addColumns?: readonly arrow.Field[] }, signal?: AbortSignal): Promise<ChangeOutcome> {
  const tx = target.tx;
  if (operation.addColumns !== undefined && operation.addColumns.length > 0) tx.setMetadata(evolvedMetadata(tx, operation.addColumns));
  const result = await applyChanges(plan, signal);
  for (const batch of result.rows) checkNotNull(batch, plan.tableSchema, target.displayName);
  const read: AddFile[] = [...target.readFiles].sort((a, b) => a - b).map((i) => target.files[i] as AddFile);
  if (result.deletions.size === 0 && result.rows.length === 0) return { updated: 0, deleted: 0, inserted: 0, filesTouched: 0 };
  tx.markRead(read);
  for (const [fileIndex, rows] of result.deletions) await tx.deleteRows({ file: target.files[fileIndex] as AddFile, rows });
  if (result.rows.length > 0) await tx.write(result.rows);
  const metrics: Record<string, number> =
    operation.name === 'MERGE'
      ? { numTargetRowsUpdated: result.updated, numTargetRowsDeleted: result.deleted, numTargetRowsInserted: result.inserted }
      : operation.name === 'UPDATE'
        ? { numUpdatedRows: result.updated }
        : { numDeletedRows: result.deleted };
  const commit = await tx.commit({ operation: operation.name, operationParameters: operation.parameters, operationMetrics: metrics });
  return { updated: result.updated, deleted: result.deleted, inserted: result.inserted, filesTouched: result.deletions.size, commit };
}
