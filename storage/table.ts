import { mapConcurrent } from '../common/concurrency.js';
import { FreshRounds } from '../common/fresh-rounds.js';
import { SqlError } from '../common/sql-error.js';
import { readCheckpoint } from './checkpoint/read.js';
import { readCommit } from './log/commit.js';
import { versionPrefix } from './log/files.js';
import { readLastCheckpointHint } from './log/last-checkpoint.js';
import { buildSegment, listLog, type LogListing, type LogSegment } from './log/segment.js';
import { joinPath, type ObjectMeta, type ObjectStore } from './object-store/object-store.js';
import { resolveTimestamp, type TimestampOutOfRange } from './snapshot/commit-timestamps.js';
import { ReplayState } from './snapshot/replay.js';
import { Snapshot } from './snapshot/snapshot.js';

export interface DeltaTableOptions {
  /** `TIMESTAMP AS OF` outside the history: Spark's error (default) or delta-rs's clamp. */
  readonly timestampOutOfRange?: TimestampOutOfRange;
}

/** How many commit files are read at once on a cold open. */
const COMMIT_READ_CONCURRENCY = 32;
/** Older snapshots kept for time travel, besides the latest. */
const VERSION_CACHE_SIZE = 8;

/**
 * One Delta table and its snapshot cache. `latest()` on an unchanged table costs two stats (the
 * cached version's commit file and the next version's; no file is read); a table that gained commits is
 * brought forward by reading only those commits; a table replaced on disk is reloaded.
 */
export class DeltaTable {
  readonly logDir: string;
  private cachedLatest: { snapshot: Snapshot; commit: ObjectMeta | undefined } | undefined;
  private readonly versions = new Map<number, Snapshot>();
  /** `latestIfUnreplaced`'s checks, shared by concurrent statements (see there). */
  private readonly validation = new FreshRounds(() => this.validateCached());
  /** Counts of work done, for tests and EXPLAIN ANALYZE: how the cache behaves is observable. */
  readonly stats = { fullLoads: 0, incrementalRefreshes: 0, commitsRead: 0, checkpointsRead: 0 };

  constructor(
    readonly store: ObjectStore,
    readonly root: string,
    readonly name: string,
    private readonly options: DeltaTableOptions = {},
  ) {
    this.logDir = joinPath(root, '_delta_log');
  }

  /** The newest version, refreshed from the log. */
  async latest(): Promise<Snapshot> {
    const cached = this.cachedLatest;
    if (cached) {
      const refreshed = await this.refresh(cached.snapshot, cached.commit);
      if (refreshed) return refreshed;
    }
    const listing = await this.listFromHint(undefined);
    const snapshot = await this.load(listing, undefined);
    this.remember(snapshot, listing.commits.get(snapshot.version));
    return snapshot;
  }

  /**
   * The newest version when the cached latest snapshot's commit file is still on disk, unchanged:
   * that proves the table is still there and is the same table, so a statement can skip the
   * existence checks and name resolution of a first open. Costs the same two stats as the
   * refresh in `latest()` (plus reading any newer commits). Undefined when nothing is cached, the
   * cached version came from a checkpoint without its commit file, or that file changed or
   * vanished: the caller then takes the full path (is it a table? `latest()`).
   *
   * Concurrent statements on one table share these checks, each getting a check that started
   * after it asked (common/fresh-rounds.ts): 100 clients querying one table cost a few stats per
   * stat latency, not two per statement, and none misses a commit made before it began.
   */
  latestIfUnreplaced(): Promise<Snapshot | undefined> {
    return this.validation.run();
  }

  private async validateCached(): Promise<Snapshot | undefined> {
    const cached = this.cachedLatest;
    if (cached?.commit === undefined) return undefined;
    return this.refresh(cached.snapshot, cached.commit);
  }

  /** The table at `version` (`VERSION AS OF`). */
  async atVersion(version: number): Promise<Snapshot> {
    if (!Number.isSafeInteger(version) || version < 0) throw SqlError.versionNotAvailable(this.name, `version ${version} is not a valid version`);
    const latest = await this.latest();
    if (version === latest.version) return latest;
    const hit = this.versions.get(version);
    if (hit) return hit;
    const listing = await this.listFromHint(version);
    const snapshot = await this.load(listing, version);
    this.versions.set(version, snapshot);
    if (this.versions.size > VERSION_CACHE_SIZE) this.versions.delete(this.versions.keys().next().value as number);
    return snapshot;
  }

  /** The table as of an instant (`TIMESTAMP AS OF`), by the commit-timestamp rules of §7. */
  async atTimestamp(epochMillis: number): Promise<Snapshot> {
    const latest = await this.latest();
    const listing = await listLog(this.store, this.logDir);
    const version = await resolveTimestamp(this.store, listing, latest, epochMillis, this.options.timestampOutOfRange ?? 'error');
    return this.atVersion(version);
  }

  /** Brings a cached latest snapshot forward; undefined when a full load is needed instead. */
  private async refresh(cached: Snapshot, cachedCommit: ObjectMeta | undefined): Promise<Snapshot | undefined> {
    // The cached version's own commit must still be the same file: otherwise the table was replaced.
    const sameFile = (meta: ObjectMeta | undefined) => !cachedCommit || (meta !== undefined && meta.lastModified === cachedCommit.lastModified && meta.size === cachedCommit.size);
    // Fast path: versions are contiguous, so no commit v+1 means nothing is newer. Two stats
    // instead of listing a log that may hold thousands of files.
    const [current, next] = await Promise.all([
      this.store.head(joinPath(this.logDir, `${versionPrefix(cached.version)}.json`)),
      this.store.head(joinPath(this.logDir, `${versionPrefix(cached.version + 1)}.json`)),
    ]);
    if (!sameFile(current)) return undefined;
    if (!next) return cached;
    const listing = await listLog(this.store, this.logDir, cached.version);
    const latest = listing.latestVersion ?? cached.version;
    if (latest <= cached.version) return cached;
    const commits: ObjectMeta[] = [];
    for (let v = cached.version + 1; v <= latest; v++) {
      const commit = listing.commits.get(v);
      if (!commit) return undefined; // a gap: let the full load report it properly
      commits.push(commit);
    }
    const state = cached.state.clone();
    await this.applyCommits(state, commits);
    const snapshot = Snapshot.fromState(this.root, this.name, latest, state);
    this.stats.incrementalRefreshes++;
    this.remember(snapshot, commits[commits.length - 1]);
    return snapshot;
  }

  /** Lists from `_last_checkpoint` when the hint can serve `target`; else the whole log. */
  private async listFromHint(target: number | undefined): Promise<LogListing> {
    const hint = await readLastCheckpointHint(this.store, this.logDir);
    if (hint !== undefined && (target === undefined || hint <= target)) {
      const listing = await listLog(this.store, this.logDir, hint);
      if (listing.checkpoints.get(hint)?.some((c) => c.complete)) return listing;
    }
    return listLog(this.store, this.logDir);
  }

  /**
   * Replays a segment. A checkpoint that cannot be read is skipped for an older one or the JSON
   * commits (§4: "fall back to an older checkpoint or to the JSON commits"); with none left the
   * checkpoint's error stands.
   */
  private async load(listing: LogListing, target: number | undefined): Promise<Snapshot> {
    const failed = new Set<string>();
    let firstError: SqlError | undefined;
    for (;;) {
      let segment: LogSegment;
      try {
        segment = buildSegment(listing, this.name, target, failed);
      } catch (err) {
        if (listing.fromVersion > 0) return this.load(await listLog(this.store, this.logDir), target);
        throw firstError ?? err;
      }
      const state = new ReplayState();
      if (segment.checkpoint) {
        try {
          state.apply(await readCheckpoint(this.store, this.logDir, segment.checkpoint.parts, segment.checkpoint.format));
          this.stats.checkpointsRead++;
        } catch (err) {
          if (!(err instanceof SqlError)) throw err;
          firstError ??= err;
          failed.add(segment.checkpoint.id);
          continue;
        }
      }
      await this.applyCommits(state, segment.commits);
      this.stats.fullLoads++;
      return Snapshot.fromState(this.root, this.name, segment.version, state);
    }
  }

  private async applyCommits(state: ReplayState, commits: readonly ObjectMeta[]): Promise<void> {
    const parsed = await mapConcurrent(commits, COMMIT_READ_CONCURRENCY, (meta) => readCommit(this.store, meta.path));
    for (const actions of parsed) state.apply(actions);
    this.stats.commitsRead += commits.length;
  }

  private remember(snapshot: Snapshot, commit: ObjectMeta | undefined): void {
    this.cachedLatest = { snapshot, commit };
  }
}

/**
 * True when `dir` holds a Delta table: a `_delta_log` folder with at least one log file. Asked on
 * every statement, so it looks for commit 0 or `_last_checkpoint` first (one or two stats) and
 * lists the log only for a table whose early commits were cleaned up without a hint file.
 */
export async function isDeltaTable(store: ObjectStore, dir: string): Promise<boolean> {
  const logDir = joinPath(dir, '_delta_log');
  if (await store.head(joinPath(logDir, `${versionPrefix(0)}.json`))) return true;
  if (await store.head(joinPath(logDir, '_last_checkpoint'))) return true;
  const files = await store.listFiles(logDir);
  return files.some((f) => /^\d{20}\./.test(f.path.slice(f.path.lastIndexOf('/') + 1)));
}
