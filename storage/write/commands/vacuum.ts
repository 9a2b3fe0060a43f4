import { SqlError } from '../../../common/sql-error.js';
import { dvAbsolutePath } from '../../dv/descriptor.js';
import type { AddFile, RemoveFile } from '../../log/actions.js';
import { joinPath, type ObjectMeta, type ObjectStore } from '../../object-store/object-store.js';
import { ensureWriteSupported } from '../../protocol/features.js';
import type { DeltaTable } from '../../table.js';
import { DEFAULT_DELETED_FILE_RETENTION } from '../checkpoint.js';
import type { VacuumOptions, VacuumResult } from '../commands.js';
import { parseDuration } from '../durations.js';
import { tombstonesAt } from '../tombstones.js';

const HOUR = 3_600_000;

/**
 * VACUUM: deletes files in the table folder that no version within the retention needs —
 * neither a live file (or its deletion vector) of the latest version nor a file removed less
 * than the retention ago — and that are themselves older than the retention (a file younger
 * than that may belong to a commit still being written). `_delta_log/`, `_change_data/` and
 * other hidden entries (`_`/`.` prefixes, except partition folders `_x=…`) are never touched.
 *
 * A retention below `delta.deletedFileRetentionDuration` (168 hours by default) is refused, as
 * Spark refuses it, unless `retentionCheck` is false
 * (`spark.databricks.delta.retentionDurationCheck.enabled = false`). With `dryRun` nothing is
 * deleted and the list says what would be.
 */
export async function vacuum(table: DeltaTable, options: VacuumOptions = {}): Promise<VacuumResult> {
  const snapshot = await table.latest();
  ensureWriteSupported(snapshot.protocol, table.name);
  const configured = parseDuration(snapshot.configuration['delta.deletedFileRetentionDuration'] ?? DEFAULT_DELETED_FILE_RETENTION);
  const retention = options.retentionHours === undefined ? configured : options.retentionHours * HOUR;
  if (retention < configured && options.retentionCheck !== false) {
    throw SqlError.invalidParameter(
      `VACUUM of ${table.name} with a retention of ${retention / HOUR} hours is below the table's delta.deletedFileRetentionDuration (${configured / HOUR} hours): ` +
        'files that concurrent writers or time travel still need could be deleted. ' +
        'SET spark.databricks.delta.retentionDurationCheck.enabled = false to vacuum anyway.',
    );
  }
  const now = options.now ?? Date.now();
  const cutoff = now - retention;
  const keep = new Set<string>();
  const keepFile = (f: AddFile | RemoveFile) => {
    keep.add(joinPath(table.root, safeDecode(f.path)));
    if (f.deletionVector && f.deletionVector.storageType !== 'i') keep.add(dvAbsolutePath(table.root, f.deletionVector));
  };
  for (const f of snapshot.files) keepFile(f);
  for (const r of await tombstonesAt(table, snapshot, cutoff)) keepFile(r);
  const candidates = await listDataFiles(table.store, table.root, true);
  const doomed = candidates.filter((f) => !keep.has(f.path) && f.lastModified < cutoff).map((f) => f.path).sort();
  if (!options.dryRun) for (const path of doomed) await table.store.delete(path);
  return { files: doomed };
}

/** Every file under `dir`, skipping hidden entries (Spark: names starting `_` or `.`, unless a `_x=…` partition folder). */
async function listDataFiles(store: ObjectStore, dir: string, top: boolean): Promise<ObjectMeta[]> {
  const hidden = (name: string) => (name.startsWith('_') || name.startsWith('.')) && !(name.startsWith('_') && name.includes('='));
  const out: ObjectMeta[] = (await store.listFiles(dir)).filter((f) => !hidden(f.path.slice(f.path.lastIndexOf('/') + 1)));
  for (const folder of await store.listFolders(dir)) {
    if (hidden(folder) || (top && folder === '_delta_log')) continue;
    out.push(...(await listDataFiles(store, joinPath(dir, folder), false)));
  }
  return out;
}

function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}
