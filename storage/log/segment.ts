import { SqlError } from '../../common/sql-error.js';
import { joinPath, type ObjectMeta, type ObjectStore } from '../object-store/object-store.js';
import { classifyLogFile, versionPrefix } from './files.js';

/** One checkpoint at one version: all parts of it, and whether every part is there. */
export interface CheckpointCandidate {
  readonly version: number;
  readonly format: 'parquet' | 'json';
  readonly parts: readonly ObjectMeta[];
  readonly complete: boolean;
  /** Identifies the candidate for "this one failed to load, try another". */
  readonly id: string;
}

/** What a listing of `_delta_log/` found (from some version on, when listed from a hint). */
export interface LogListing {
  readonly logDir: string;
  /** Listing began at this version (0 for a full listing). */
  readonly fromVersion: number;
  readonly commits: ReadonlyMap<number, ObjectMeta>;
  readonly checkpoints: ReadonlyMap<number, readonly CheckpointCandidate[]>;
  /** The newest version with a commit or checkpoint, or undefined for an empty log. */
  readonly latestVersion: number | undefined;
}

/**
 * The files needed to rebuild one version (kernel's `LogSegment`). Invariants:
 * 1. `commits` are contiguous, ascending, and end at `version`;
 * 2. they are exactly the commits after `checkpoint` (or from 0 without one);
 * 3. `checkpoint`, when present, is complete (every part of a multi-part checkpoint exists).
 */
export interface LogSegment {
  readonly logDir: string;
  readonly version: number;
  readonly checkpoint?: CheckpointCandidate;
  readonly commits: readonly ObjectMeta[];
}

/** Lists the log, from `fromVersion` on when given (files named by older versions are skipped). */
export async function listLog(store: ObjectStore, logDir: string, fromVersion = 0): Promise<LogListing> {
  // 20-digit names sort by version; every file of version v sorts after the bare prefix of v.
  const startAfter = fromVersion > 0 ? versionPrefix(fromVersion) : undefined;
  const files = await store.listFiles(logDir, startAfter === undefined ? {} : { startAfter });
  const commits = new Map<number, ObjectMeta>();
  const multipart = new Map<string, { version: number; count: number; parts: Map<number, ObjectMeta> }>();
  const checkpoints = new Map<number, CheckpointCandidate[]>();
  const addCheckpoint = (candidate: CheckpointCandidate) => {
    const list = checkpoints.get(candidate.version) ?? [];
    list.push(candidate);
    checkpoints.set(candidate.version, list);
  };
  let latestVersion: number | undefined;
  for (const meta of files) {
    const file = classifyLogFile(meta);
    if (!file) continue;
    latestVersion = Math.max(latestVersion ?? -1, file.version);
    if (file.kind === 'commit') {
      commits.set(file.version, meta);
    } else if (file.part) {
      const key = `${file.version}/${file.part.count}`;
      const group = multipart.get(key) ?? { version: file.version, count: file.part.count, parts: new Map() };
      group.parts.set(file.part.index, meta);
      multipart.set(key, group);
    } else {
      addCheckpoint({ version: file.version, format: file.format, parts: [meta], complete: true, id: meta.path });
    }
  }
  for (const [key, group] of multipart) {
    const parts: ObjectMeta[] = [];
    for (let i = 1; i <= group.count; i++) {
      const part = group.parts.get(i);
      if (part) parts.push(part);
    }
    addCheckpoint({ version: group.version, format: 'parquet', parts, complete: parts.length === group.count, id: `${logDir}#multipart:${key}` });
  }
  return { logDir, fromVersion, commits, checkpoints, latestVersion };
}

/**
 * Picks the files for `targetVersion` (the latest when undefined): the newest complete checkpoint
 * at or below it that is not in `exclude`, then the commits after it, which must be contiguous.
 * Throws `22023` when the version does not exist or its commits were cleaned up.
 */
export function buildSegment(listing: LogListing, table: string, targetVersion?: number, exclude: ReadonlySet<string> = new Set()): LogSegment {
  const latest = listing.latestVersion;
  if (latest === undefined) throw SqlError.corruptData(listing.logDir, 'the Delta log has no commits');
  const target = targetVersion ?? latest;
  if (target > latest) throw SqlError.versionNotAvailable(table, `version ${target} does not exist; the latest version is ${latest}`);
  if (target < 0) throw SqlError.versionNotAvailable(table, `version ${target} is not a valid version`);

  let checkpoint: CheckpointCandidate | undefined;
  for (let v = target; v >= listing.fromVersion && !checkpoint; v--) {
    checkpoint = listing.checkpoints.get(v)?.find((c) => c.complete && !exclude.has(c.id));
  }
  const first = checkpoint ? checkpoint.version + 1 : 0;
  const commits: ObjectMeta[] = [];
  for (let v = first; v <= target; v++) {
    const commit = listing.commits.get(v);
    if (!commit) {
      const oldest = oldestReconstructable(listing);
      if (oldest !== undefined && target < oldest) {
        throw SqlError.versionNotAvailable(table, `version ${target} is no longer available: its commits were cleaned up; the oldest version that can be read is ${oldest}`);
      }
      throw SqlError.corruptData(joinPath(listing.logDir, `${versionPrefix(v)}.json`), `the commit for version ${v} is missing (the log has a gap)`);
    }
    commits.push(commit);
  }
  return { logDir: listing.logDir, version: target, commits, ...(checkpoint ? { checkpoint } : {}) };
}

/** The oldest version the listed files can rebuild: 0 with commit 0, else the oldest complete checkpoint. */
export function oldestReconstructable(listing: LogListing): number | undefined {
  if (listing.commits.has(0) && listing.fromVersion === 0) return 0;
  let oldest: number | undefined;
  for (const [version, candidates] of listing.checkpoints) {
    if (candidates.some((c) => c.complete) && (oldest === undefined || version < oldest)) oldest = version;
  }
  return oldest;
}
