import { appendFileSync, copyFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { versionPrefix } from './log/files.js';
import { LocalObjectStore } from './object-store/local.js';
import { DeltaTable } from './table.js';
import { copyCorpusTable, corpusPath, corpusTable } from './testing/corpus.js';

const store = new LocalObjectStore();

/** Appends a commit to a copied table that adds one existing data file again under a new name. */
function appendCommit(root: string, version: number, sourceFile: string): void {
  const copy = `copy-${version}.parquet`;
  copyFileSync(join(root, sourceFile), join(root, copy));
  const add = { add: { path: copy, partitionValues: {}, size: 1, modificationTime: Date.now(), dataChange: true } };
  writeFileSync(join(root, '_delta_log', `${versionPrefix(version)}.json`), JSON.stringify({ commitInfo: { operation: 'WRITE' } }) + '\n' + JSON.stringify(add) + '\n');
}

describe('the snapshot cache', () => {
  it('re-reads nothing for a second statement on an unchanged table', async () => {
    const table = new DeltaTable(store, corpusPath('basic-with-inserts-deletes-checkpoint'), 't');
    const first = await table.latest();
    const before = { ...table.stats };
    const second = await table.latest();
    expect(second).toBe(first);
    expect(table.stats).toEqual(before);
  });

  it('reads only the one new commit when the table gained one', async () => {
    const root = copyCorpusTable('basic-with-inserts-deletes-checkpoint');
    const table = new DeltaTable(store, root, 't');
    const first = await table.latest();
    expect(first.version).toBe(13);
    const dataFile = first.files[0]!.path;
    appendCommit(root, 14, dataFile);
    const before = { ...table.stats };
    const next = await table.latest();
    expect(next.version).toBe(14);
    expect(next.files.length).toBe(first.files.length + 1);
    expect(table.stats.commitsRead - before.commitsRead).toBe(1);
    expect(table.stats.checkpointsRead).toBe(before.checkpointsRead);
    expect(table.stats.incrementalRefreshes).toBe(before.incrementalRefreshes + 1);
    // The older snapshot is untouched: snapshots are immutable values.
    expect(first.files.length).toBe(next.files.length - 1);
  });

  it('reloads a table that was replaced on disk by one with fewer versions', async () => {
    const root = copyCorpusTable('basic_partitioned');
    const table = new DeltaTable(store, root, 't');
    expect((await table.latest()).files.length).toBe(6);
    rmSync(join(root, '_delta_log', `${versionPrefix(1)}.json`));
    const replaced = await table.latest();
    expect(replaced.version).toBe(0);
    expect(replaced.files.length).toBe(3);
  });

  it('keeps the latest txn version per application id (app-txn-checkpoint)', async () => {
    const expected = corpusTable('app-txn-checkpoint').assertions!.find((a) => a.kind === 'txn')!.value;
    const snapshot = await new DeltaTable(store, corpusPath('app-txn-checkpoint'), 't').latest();
    expect(Object.fromEntries(snapshot.txns)).toEqual(expected);
  });
});

describe('damaged tables', () => {
  it('refuses an unknown reader feature before touching data, naming it and the table', async () => {
    const table = new DeltaTable(store, corpusPath('simple_table_features'), 'simple_table_features');
    await expect(table.latest()).rejects.toMatchObject({
      sqlstate: '0A000',
      message: 'unsupported feature: Delta reader feature "blahabl" (table simple_table_features)',
    });
  });

  it('reports a truncated commit line as XX001 naming the file and line', async () => {
    const root = copyCorpusTable('basic_partitioned');
    const commit = join(root, '_delta_log', `${versionPrefix(1)}.json`);
    const text = readFileSync(commit, 'utf8');
    writeFileSync(commit, text.slice(0, text.length - 40));
    await expect(new DeltaTable(store, root, 't').latest()).rejects.toMatchObject({
      sqlstate: 'XX001',
      message: expect.stringMatching(/00000000000000000001\.json: line \d+ is not valid JSON/),
    });
  });

  it('falls back to the JSON commits when the only checkpoint is unreadable', async () => {
    const root = copyCorpusTable('basic-with-inserts-deletes-checkpoint');
    writeFileSync(join(root, '_delta_log', `${versionPrefix(10)}.checkpoint.parquet`), 'not parquet');
    const snapshot = await new DeltaTable(store, root, 't').latest();
    expect(snapshot.version).toBe(13);
    expect(snapshot.files.length).toBe(corpusTable('basic-with-inserts-deletes-checkpoint').versions[13]!.numFiles);
  });

  it('names the checkpoint when it is unreadable and no commits can replace it', async () => {
    const root = copyCorpusTable('checkpoint-cdf-table');
    writeFileSync(join(root, '_delta_log', `${versionPrefix(3)}.checkpoint.parquet`), 'not parquet');
    await expect(new DeltaTable(store, root, 't').latest()).rejects.toMatchObject({
      sqlstate: 'XX001',
      message: expect.stringContaining('00000000000000000003.checkpoint.parquet'),
    });
  });

  it('treats a stale or garbage _last_checkpoint as no hint', async () => {
    const root = copyCorpusTable('basic-with-inserts-deletes-checkpoint');
    writeFileSync(join(root, '_delta_log', '_last_checkpoint'), '{"version": 9999, "size": 3}');
    expect((await new DeltaTable(store, root, 't').latest()).version).toBe(13);
    writeFileSync(join(root, '_delta_log', '_last_checkpoint'), '{{{');
    expect((await new DeltaTable(store, root, 't').latest()).version).toBe(13);
  });

  it('reports a gap in the log as XX001 naming the missing commit', async () => {
    const root = copyCorpusTable('basic-with-inserts-deletes-checkpoint');
    rmSync(join(root, '_delta_log', `${versionPrefix(12)}.json`));
    await expect(new DeltaTable(store, root, 't').latest()).rejects.toMatchObject({
      sqlstate: 'XX001',
      message: expect.stringContaining('the commit for version 12 is missing'),
    });
  });

  it('reports an add whose data file is gone as XX001 naming the file', async () => {
    const { scanSnapshot } = await import('./scan/scan.js');
    const root = copyCorpusTable('basic_partitioned');
    const table = new DeltaTable(store, root, 't');
    const snapshot = await table.latest();
    const victim = decodeURIComponent(snapshot.files[0]!.path);
    rmSync(join(root, victim));
    const consume = async () => {
      for await (const _ of scanSnapshot(store, snapshot, { columns: ['number'] })) void _;
    };
    await expect(consume()).rejects.toMatchObject({ sqlstate: 'XX001', message: expect.stringContaining(victim) });
  });

  it('reports a damaged data file as XX001 naming it', async () => {
    const { scanSnapshot } = await import('./scan/scan.js');
    const root = copyCorpusTable('basic_partitioned');
    const snapshot = await new DeltaTable(store, root, 't').latest();
    const victim = decodeURIComponent(snapshot.files[0]!.path);
    appendFileSync(join(root, victim), 'garbage at the end breaks the footer');
    const consume = async () => {
      for await (const _ of scanSnapshot(store, snapshot, { columns: ['number'] })) void _;
    };
    await expect(consume()).rejects.toMatchObject({ sqlstate: 'XX001', message: expect.stringContaining(victim) });
  });
});
