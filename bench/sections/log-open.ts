import { copyFile, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { LocalObjectStore } from '../../storage/object-store/local.js';
import type { Snapshot } from '../../storage/snapshot/snapshot.js';
import { DeltaTable } from '../../storage/table.js';
import { LONG_LOG_CHECKPOINT, LONG_LOG_NO_CHECKPOINT, type LongLogSpec } from '../generate/datasets.js';
import { ensureDataset } from '../generate/ensure.js';
import { extraAdd, writeCommit } from '../generate/long-log.js';
import { check } from '../lib/check.js';
import { measure, peakRssMiB, summarise, timeOnce, type Timing } from '../lib/measure.js';
import { mib, ms, printTable, type Cell } from '../lib/report.js';
import type { BenchSection } from './section.js';

const DEFAULT_RUNS = 5;

/**
 * Opening a long log: a 10,000-commit table with a classic checkpoint every 100 commits, and the
 * same table with no checkpoint. Cold open is a new `DeltaTable` → `latest()` (the process and
 * the OS page cache are warm: this is replay cost, not disk cost); refresh is `latest()` on an
 * open table after one more commit lands, which must read exactly that commit.
 */
export const logOpenSection: BenchSection = {
  name: 'log-open',
  group: 'storage',
  description: 'cold open and one-commit refresh of a 10,000-commit Delta log, with and without checkpoints',
  async run(ctx) {
    const runs = ctx.runs ?? DEFAULT_RUNS;
    const store = new LocalObjectStore();
    const specs = [LONG_LOG_CHECKPOINT, LONG_LOG_NO_CHECKPOINT];
    const dirs = new Map<LongLogSpec, string>();
    for (const spec of specs) {
      const dir = await ensureDataset(spec);
      await removeExtraCommits(dir, spec.commits); // left behind by an interrupted run
      dirs.set(spec, dir);
    }

    // ── verify: both logs replay to the same 10,000 files, the checkpointed one from its checkpoint ──
    const opened = new Map<LongLogSpec, Snapshot>();
    for (const spec of specs) {
      const table = new DeltaTable(store, dirs.get(spec) as string, spec.name);
      const snapshot = await table.latest();
      checkOpen(spec, snapshot, table.stats);
      opened.set(spec, snapshot);
    }
    checkSameFiles(opened.get(LONG_LOG_CHECKPOINT) as Snapshot, opened.get(LONG_LOG_NO_CHECKPOINT) as Snapshot);

    const rows: Cell[][] = [];
    for (const spec of specs) {
      const dir = dirs.get(spec) as string;

      // ── cold open ──
      let opening = { commitsRead: 0, checkpointsRead: 0 };
      const cold = await measure({ warmup: 1, runs }, async () => {
        const table = new DeltaTable(store, dir, spec.name);
        const snapshot = await table.latest();
        checkOpen(spec, snapshot, table.stats);
        opening = { ...table.stats };
        return snapshot;
      });

      // ── latest() on an unchanged table ──
      const table = new DeltaTable(store, dir, spec.name);
      await table.latest();
      const unchanged = await measure({ warmup: 1, runs }, async () => {
        const before = { ...table.stats };
        const snapshot = await table.latest();
        check(snapshot.version === spec.commits - 1 && table.stats.commitsRead === before.commitsRead && table.stats.fullLoads === before.fullLoads, `${spec.name}: latest() on an unchanged table read something`);
      });

      // ── refresh after one more commit, `runs` times in a row ──
      const refresh = await timeRefreshes(table, spec, dir, runs);

      const readOnOpen = opening.checkpointsRead > 0 ? `1 checkpoint + ${opening.commitsRead} commits` : `${opening.commitsRead.toLocaleString('en-US')} commits`;
      rows.push([spec.name, ms(cold.bestMs), ms(cold.medianMs), readOnOpen, ms(refresh.bestMs), ms(refresh.medianMs), '1 commit', ms(unchanged.bestMs)]);
    }

    printTable({
      title: `Delta log: ${LONG_LOG_CHECKPOINT.commits.toLocaleString('en-US')} commits of one add each (best and median of ${runs})`,
      headers: ['table', 'cold open', 'median', 'read on open', 'refresh +1 commit', 'median', 'read on refresh', 'latest() unchanged'],
      rows,
      notes: [
        `checkpoint: classic ${LONG_LOG_CHECKPOINT.checkpointInterval}-commit interval, _last_checkpoint → v${lastCheckpoint(LONG_LOG_CHECKPOINT)}; no-checkpoint: JSON commits only.`,
        'cold open = new DeltaTable(…).latest() in a warm process with a warm OS page cache (replay cost, not disk).',
        'refresh = latest() on the open table after commit N+1 is written; checked via .stats to read exactly 1 commit.',
        'DuckDB: no figure — reading a Delta log needs its delta extension (a download), which the benchmark does not fetch.',
        `our peak RSS so far: ${mib(peakRssMiB())}`,
      ],
    });
  },
};

/** Appends commits N, N+1, … one at a time, timing `latest()` after each; removes them after. */
async function timeRefreshes(table: DeltaTable, spec: LongLogSpec, dir: string, runs: number): Promise<Timing> {
  const logDir = join(dir, '_delta_log');
  const first = (await table.latest()).files.find((f) => f.path.startsWith('part-00000-'));
  check(first !== undefined, `${spec.name}: no first data file`);
  const times: number[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      const version = spec.commits + i;
      const add = extraAdd(version, { path: first.path, partitionValues: {}, size: first.size, modificationTime: first.modificationTime, dataChange: true, stats: first.stats ?? '' });
      await copyFile(join(dir, first.path), join(dir, add.path));
      await writeCommit(logDir, version, add);
      const before = { ...table.stats };
      const { ms: elapsed, value: snapshot } = await timeOnce(() => table.latest());
      const after = table.stats;
      check(
        snapshot.version === version &&
          snapshot.files.length === version + 1 &&
          after.commitsRead - before.commitsRead === 1 &&
          after.incrementalRefreshes - before.incrementalRefreshes === 1 &&
          after.fullLoads === before.fullLoads &&
          after.checkpointsRead === before.checkpointsRead,
        `${spec.name}: refresh after commit ${version} did not read exactly that one commit (${JSON.stringify({ before, after })})`,
      );
      times.push(elapsed);
    }
  } finally {
    await removeExtraCommits(dir, spec.commits);
  }
  return summarise(times);
}

/** Deletes commits at or after `fromVersion` and the data files they added (benchmark leftovers). */
async function removeExtraCommits(dir: string, fromVersion: number): Promise<void> {
  const logDir = join(dir, '_delta_log');
  for (const name of await readdir(logDir)) {
    const m = /^(\d{20})\.json$/.exec(name);
    if (m && Number(m[1]) >= fromVersion) await rm(join(logDir, name));
  }
  for (const name of await readdir(dir)) {
    const m = /^part-(\d{5,})-/.exec(name);
    if (m && Number(m[1]) >= fromVersion) await rm(join(dir, name));
  }
}

function checkOpen(spec: LongLogSpec, snapshot: Snapshot, stats: DeltaTable['stats']): void {
  const expectCheckpoint = spec.checkpointInterval > 0;
  const commitsAfterCheckpoint = spec.commits - 1 - lastCheckpoint(spec);
  check(snapshot.version === spec.commits - 1, `${spec.name}: opened at version ${snapshot.version}, expected ${spec.commits - 1}`);
  check(snapshot.files.length === spec.commits, `${spec.name}: ${snapshot.files.length} live files, expected ${spec.commits}`);
  check(
    expectCheckpoint ? stats.checkpointsRead === 1 && stats.commitsRead === commitsAfterCheckpoint : stats.checkpointsRead === 0 && stats.commitsRead === spec.commits,
    `${spec.name}: cold open read ${stats.checkpointsRead} checkpoints and ${stats.commitsRead} commits`,
  );
}

/** The checkpointed and the plain log describe the same files (same names, sizes, stats). */
function checkSameFiles(a: Snapshot, b: Snapshot): void {
  const key = (f: Snapshot['files'][number]) => JSON.stringify([f.path, f.size, f.modificationTime, f.stats, f.partitionValues]);
  const left = new Set(a.files.map(key));
  check(a.files.length === b.files.length && b.files.every((f) => left.has(key(f))), 'the checkpointed log and the JSON-only log replay to different files');
}

function lastCheckpoint(spec: LongLogSpec): number {
  if (spec.checkpointInterval === 0) return -1;
  return Math.floor((spec.commits - 1) / spec.checkpointInterval) * spec.checkpointInterval;
}

