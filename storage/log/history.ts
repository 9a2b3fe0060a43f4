import type { DeltaTable } from '../table.js';
import { readCommitInfo } from './commit.js';
import { listLog } from './segment.js';

/**
 * One row of a table's history (Delta's `DESCRIBE HISTORY`): the `commitInfo` of one commit.
 * Fields a writer did not record are absent; `timestamp` is always there (see `readHistory`).
 */
export interface HistoryEntry {
  readonly version: number;
  /** Milliseconds since the epoch: the in-commit timestamp, else commitInfo.timestamp, else the file's mtime. */
  readonly timestamp: number;
  readonly operation?: string;
  readonly operationParameters?: Readonly<Record<string, unknown>>;
  readonly operationMetrics?: Readonly<Record<string, unknown>>;
  readonly userId?: string;
  readonly userName?: string;
  readonly readVersion?: number;
  readonly isolationLevel?: string;
  readonly isBlindAppend?: boolean;
  readonly engineInfo?: string;
  readonly clientVersion?: string;
  readonly userMetadata?: string;
}

export interface HistoryOptions {
  /** At most this many entries, newest first (default: every commit still in the log). */
  readonly limit?: number;
}

const COMMIT_INFO_FIELDS = [
  'operation',
  'operationParameters',
  'operationMetrics',
  'userId',
  'userName',
  'readVersion',
  'isolationLevel',
  'isBlindAppend',
  'engineInfo',
  'clientVersion',
  'userMetadata',
] as const;

/**
 * The table's commits, newest first, up to its latest version (refreshed from the log). Only
 * versions whose commit file still exists are listed: after log cleanup the versions folded into
 * a checkpoint have no commitInfo left, as in Spark. Commit files are read newest first and only
 * as many as `limit` asks for, so `limit: 10` on a long log reads ten files.
 */
export async function readHistory(table: DeltaTable, options: HistoryOptions = {}): Promise<HistoryEntry[]> {
  const latest = await table.latest();
  const listing = await listLog(table.store, table.logDir);
  const limit = options.limit ?? Infinity;
  const entries: HistoryEntry[] = [];
  for (let version = latest.version; version >= 0 && entries.length < limit; version--) {
    const meta = listing.commits.get(version);
    if (!meta) continue;
    const info = (await readCommitInfo(table.store, meta.path)) ?? {};
    const entry: Record<string, unknown> = { version, timestamp: commitTimestamp(info, meta.lastModified) };
    for (const field of COMMIT_INFO_FIELDS) {
      let value = info[field];
      if (value === undefined || value === null) continue;
      // Spark writes operationParameters' values as JSON-encoded strings; keep them as written.
      if (field === 'readVersion') value = Number(value);
      entry[field] = value;
    }
    entries.push(entry as unknown as HistoryEntry);
  }
  return entries;
}

function commitTimestamp(info: Readonly<Record<string, unknown>>, mtime: number): number {
  const ict = Number(info.inCommitTimestamp);
  if (info.inCommitTimestamp !== undefined && Number.isFinite(ict)) return ict;
  const ts = Number(info.timestamp);
  if (info.timestamp !== undefined && Number.isFinite(ts)) return ts;
  return mtime;
}
