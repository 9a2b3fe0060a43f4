import { readCheckpointTombstones } from '../checkpoint/read.js';
import type { RemoveFile } from '../log/actions.js';
import { readCommit } from '../log/commit.js';
import { listLog } from '../log/segment.js';
import type { Snapshot } from '../snapshot/snapshot.js';
import type { DeltaTable } from '../table.js';
import { fileKeyOf } from './conflicts.js';

/**
 * The `remove` tombstones of a snapshot deleted after `cutoff` (epoch ms): the newest earlier
 * checkpoint's tombstones plus the removes of the commits after it, less files live again.
 * Checkpoints carry them so that VACUUM — ours or another engine's — keeps files that time
 * travel within `delta.deletedFileRetentionDuration` still needs (reference/delta-protocol.md §7).
 */
export async function tombstonesAt(table: DeltaTable, snapshot: Snapshot, cutoff: number): Promise<RemoveFile[]> {
  const listing = await listLog(table.store, table.logDir);
  let from = 0;
  const tombstones = new Map<string, RemoveFile>();
  const previous = [...listing.checkpoints.entries()].filter(([v, list]) => v < snapshot.version && list.some((c) => c.complete)).sort((a, b) => b[0] - a[0])[0];
  if (previous) {
    const complete = previous[1].find((c) => c.complete);
    if (complete && complete.format === 'parquet') {
      for (const action of await readCheckpointTombstones(table.store, complete.parts)) {
        if (action.kind === 'remove') tombstones.set(fileKeyOf(action.remove.path, action.remove.deletionVector), action.remove);
      }
      from = previous[0] + 1;
    }
  }
  for (let v = from; v <= snapshot.version; v++) {
    const commit = listing.commits.get(v);
    if (!commit) continue;
    for (const action of await readCommit(table.store, commit.path)) {
      if (action.kind === 'remove') tombstones.set(fileKeyOf(action.remove.path, action.remove.deletionVector), action.remove);
      else if (action.kind === 'add') tombstones.delete(fileKeyOf(action.add.path, action.add.deletionVector));
    }
  }
  const live = new Set(snapshot.files.map((f) => fileKeyOf(f.path, f.deletionVector)));
  return [...tombstones.entries()].filter(([key, r]) => !live.has(key) && (r.deletionTimestamp ?? 0) > cutoff).map(([, r]) => r);
}
