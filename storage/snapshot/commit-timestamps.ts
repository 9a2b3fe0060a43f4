import { SqlError } from '../../common/sql-error.js';
import { readCommitInfo } from '../log/commit.js';
import { oldestReconstructable, type LogListing } from '../log/segment.js';
import type { ObjectStore } from '../object-store/object-store.js';
import type { Snapshot } from './snapshot.js';

/**
 * What `TIMESTAMP AS OF t` does with a t outside the table's history. Spark (the default) refuses
 * a t before the oldest reconstructable commit or after the latest commit
 * (`DeltaHistoryManager.getActiveCommitAtTime`, `canReturnLastCommit=false`); delta-rs clamps to
 * the oldest / latest version instead (reference/delta-protocol.md §7).
 */
export type TimestampOutOfRange = 'error' | 'clamp';

/**
 * Resolves `TIMESTAMP AS OF epochMillis` to the newest version whose commit timestamp is ≤ it.
 *
 * A commit's timestamp (reference/delta-protocol.md §7) is its in-commit timestamp from the
 * version ICT was enabled on, and before that the modification time of its commit file,
 * "monotonized" as Spark does: a commit whose mtime is ≤ the previous one's counts as previous+1 ms.
 * `listing` must be a full listing of the log; `latest` the latest snapshot (its configuration
 * says whether and since when ICT is on).
 */
export async function resolveTimestamp(
  store: ObjectStore,
  listing: LogListing,
  latest: Snapshot,
  epochMillis: number,
  rule: TimestampOutOfRange,
): Promise<number> {
  const table = latest.tableName;
  const oldest = oldestReconstructable(listing) ?? latest.version;
  const newest = latest.version;
  const ictEnabled = latest.configuration['delta.enableInCommitTimestamps'] === 'true';
  const enablement = ictEnabled ? Number(latest.configuration['delta.inCommitTimestampEnablementVersion'] ?? 0) : Infinity;

  // File-time part: oldest … min(enablement, newest+1) - 1, from the listing's mtimes.
  const fileTimes: number[] = [];
  let previous = -Infinity;
  for (let v = oldest; v <= newest && v < enablement; v++) {
    const meta = listing.commits.get(v);
    // A reconstructable version without its commit file (a checkpoint stands in) is dated by the checkpoint.
    const mtime = meta?.lastModified ?? listing.checkpoints.get(v)?.[0]?.parts[0]?.lastModified ?? previous + 1;
    previous = Math.max(mtime, previous + 1);
    fileTimes.push(previous);
  }
  const ictTimestamp = async (version: number): Promise<number> => {
    const meta = listing.commits.get(version);
    if (!meta) throw SqlError.versionNotAvailable(table, `the commit of version ${version} is missing`);
    const info = await readCommitInfo(store, meta.path);
    const ict = Number(info?.inCommitTimestamp);
    if (!Number.isFinite(ict)) throw SqlError.corruptData(meta.path, 'in-commit timestamps are enabled but this commit has no commitInfo.inCommitTimestamp');
    return ict;
  };
  const timestampOf = async (version: number): Promise<number> =>
    version < enablement ? (fileTimes[version - oldest] as number) : ictTimestamp(version);

  const first = Math.max(oldest, 0);
  const earliest = await timestampOf(first);
  const latestTime = await timestampOf(newest);
  if (epochMillis < earliest) {
    if (rule === 'clamp') return first;
    throw SqlError.versionNotAvailable(
      table,
      `the timestamp ${iso(epochMillis)} is before the earliest version available (version ${first}, committed ${iso(earliest)})`,
    );
  }
  if (epochMillis > latestTime) {
    if (rule === 'clamp') return newest;
    throw SqlError.versionNotAvailable(
      table,
      `the timestamp ${iso(epochMillis)} is after the latest version (version ${newest}, committed ${iso(latestTime)}); use a timestamp at or before it`,
    );
  }
  // Binary search for the last version with timestamp ≤ t: timestamps are monotonic by construction.
  let lo = first;
  let hi = newest;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if ((await timestampOf(mid)) <= epochMillis) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
