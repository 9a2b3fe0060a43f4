import { versionPrefix } from '../log/files.js';
import { listLog } from '../log/segment.js';
import type { DeltaTable } from '../table.js';
import { parseDuration } from './durations.js';

export const DEFAULT_LOG_RETENTION = 'interval 30 days';

/**
 * Metadata cleanup after a checkpoint (reference/delta-protocol.md §7: "Metadata cleanup must
 * keep a checkpoint at the oldest kept version, and the JSON commit at that version because of
 * its commitInfo"). With `delta.enableExpiredLogCleanup` (default true): let E be the newest
 * version whose commit is older than `delta.logRetentionDuration`; the newest complete checkpoint
 * K ≤ E + 1 becomes the oldest version kept, and every log file of a version below K is deleted,
 * oldest first, so a crash midway leaves a contiguous log that still starts at a checkpoint.
 */
export async function cleanUpExpiredLogs(table: DeltaTable, checkpointVersion: number, now = Date.now()): Promise<number> {
  const snapshot = await table.atVersion(checkpointVersion);
  if (snapshot.configuration['delta.enableExpiredLogCleanup'] === 'false') return 0;
  const cutoff = now - parseDuration(snapshot.configuration['delta.logRetentionDuration'] ?? DEFAULT_LOG_RETENTION);
  const listing = await listLog(table.store, table.logDir);
  let expired = -1;
  for (const [version, meta] of listing.commits) if (version < checkpointVersion && meta.lastModified < cutoff) expired = Math.max(expired, version);
  let keepFrom = 0;
  for (const [version, candidates] of listing.checkpoints) {
    if (version <= expired + 1 && version <= checkpointVersion && candidates.some((c) => c.complete)) keepFrom = Math.max(keepFrom, version);
  }
  if (keepFrom === 0) return 0;
  const files = await table.store.listFiles(table.logDir);
  const doomed = files.filter((f) => {
    const name = f.path.slice(f.path.lastIndexOf('/') + 1);
    const m = /^(\d{20})\./.exec(name);
    return m !== null && Number(m[1]) < keepFrom && name.slice(0, 20) !== versionPrefix(keepFrom);
  });
  doomed.sort((a, b) => (a.path < b.path ? -1 : 1));
  for (const f of doomed) await table.store.delete(f.path);
  return doomed.length;
}
