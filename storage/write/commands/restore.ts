import { require, SqlError } from '../../../common/sql-error.js';
import type { AddFile } from '../../log/actions.js';
import { joinPath } from '../../object-store/object-store.js';
import type { DeltaTable } from '../../table.js';
import type { RestoreResult, RestoreTarget } from '../commands.js';
import { fileKeyOf } from '../conflicts.js';
import { WriteTransaction } from '../transaction.js';

/**
 * RESTORE TABLE … TO VERSION|TIMESTAMP AS OF: one commit that adds back the files of the target
 * version missing from the latest and removes the latest's files the target lacks (both with
 * `dataChange=true`), and restores the target's metadata when it differs; the protocol never goes
 * down. A file the target needs that VACUUM already deleted makes the restore fail (`XX001`)
 * before anything is written, as Spark refuses it.
 */
export async function restore(table: DeltaTable, target: RestoreTarget): Promise<RestoreResult> {
  const tx = await WriteTransaction.open(table);
  const latest = tx.readSnapshot;
  require(latest !== undefined, () => SqlError.internal('restore without a snapshot'));
  const old = target.kind === 'version' ? await table.atVersion(target.version) : await table.atTimestamp(target.epochMillis);
  const current = new Map(latest.files.map((f) => [fileKeyOf(f.path, f.deletionVector), f] as const));
  const wanted = new Map(old.files.map((f) => [fileKeyOf(f.path, f.deletionVector), f] as const));
  const toAdd: AddFile[] = [...wanted].filter(([k]) => !current.has(k)).map(([, f]) => f);
  const toRemove: AddFile[] = [...current].filter(([k]) => !wanted.has(k)).map(([, f]) => f);
  for (const f of toAdd) {
    const path = joinPath(table.root, decodeURIComponent(f.path));
    require(await table.store.head(path), () => SqlError.corruptData(path, `RESTORE to version ${old.version} needs this data file, which no longer exists (was the table vacuumed?)`));
  }
  tx.markRead(latest.files);
  if (old.metadata.schemaString !== latest.metadata.schemaString || JSON.stringify(old.metadata.configuration) !== JSON.stringify(latest.metadata.configuration) || old.metadata.partitionColumns.join() !== latest.metadata.partitionColumns.join()) {
    tx.setMetadata({ schemaString: old.metadata.schemaString, configuration: old.metadata.configuration, partitionColumns: old.metadata.partitionColumns });
  }
  tx.addFiles(toAdd);
  tx.removeFiles(toRemove);
  const size = (files: readonly AddFile[]) => files.reduce((n, f) => n + f.size, 0);
  const metrics = {
    tableSizeAfterRestore: size(old.files),
    numOfFilesAfterRestore: old.files.length,
    numRemovedFiles: toRemove.length,
    numRestoredFiles: toAdd.length,
    removedFilesSize: size(toRemove),
    restoredFilesSize: size(toAdd),
  };
  const result = await tx.commit({
    operation: 'RESTORE',
    operationParameters: target.kind === 'version' ? { version: target.version } : { timestamp: new Date(target.epochMillis).toISOString() },
    operationMetrics: metrics,
    isBlindAppend: false,
  });
  return { version: result.version, ...metrics };
}
