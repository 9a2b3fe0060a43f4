import { existsSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalObjectStore } from '../object-store/local.js';
import { selectFiles } from '../scan/prune.js';
import { DeltaTable } from '../table.js';
import type { TableDefinition } from './api.js';
import { describeDetail, optimize, restore, vacuum } from './commands.js';
import { createTable } from './create-table.js';
import { batchOf, schemaOf, tempTableDir } from './testing/batches.js';
import { canon, ourRows } from './testing/our-rows.js';
import { duck, readRows, replay } from './testing/protocol-reader.js';
import { WriteTransaction } from './transaction.js';

const store = new LocalObjectStore();
const schema = schemaOf({ id: 'integer', p: 'string' });

afterAll(async () => {
  (await duck()).closeSync();
});

/** A table built from one commit per entry of `commits` (each a list of ids; p = even/odd). */
async function tableOf(commits: readonly (readonly number[])[], definition: Partial<TableDefinition> = {}): Promise<DeltaTable> {
  const root = tempTableDir();
  const tx = await createTable(store, root, 't', { schema, ...definition });
  await tx.commit({ operation: 'CREATE TABLE' });
  const table = new DeltaTable(store, root, 't');
  for (const ids of commits) {
    const append = await WriteTransaction.open(table);
    await append.write([batchOf(schema, ids.map((id) => ({ id, p: id % 2 === 0 ? 'even' : 'odd' })))]);
    await append.commit({ operation: 'WRITE' });
  }
  return table;
}

async function ids(table: DeltaTable): Promise<number[]> {
  return (await ourRows(store, await table.latest())).map((r) => Number(r.id)).sort((a, b) => a - b);
}

function commitLines(root: string, version: number): Record<string, Record<string, unknown>>[] {
  return readFileSync(join(root, '_delta_log', `${String(version).padStart(20, '0')}.json`), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, Record<string, unknown>>);
}

describe('OPTIMIZE', () => {
  it('bin-packs small files per partition with dataChange=false, leaving the rows as they were', async () => {
    const table = await tableOf([[1], [2], [3], [4], [5], [6], [7], [8], [9], [10]], { partitionColumns: ['p'] });
    const before = canon(await ourRows(store, await table.latest()));
    const result = await optimize(table);
    expect(result).toMatchObject({ version: 11, numFilesRemoved: 10, numFilesAdded: 2, partitionsOptimized: 2, totalConsideredFiles: 10 });
    const snapshot = await table.latest();
    expect(snapshot.files.map((f) => f.partitionValues.p).sort()).toEqual(['even', 'odd']);
    expect(canon(await ourRows(store, snapshot))).toEqual(before);
    expect(canon(await readRows(table.root, await replay(table.root)))).toEqual(before);
    const lines = commitLines(table.root, 11);
    expect(lines[0]?.commitInfo).toMatchObject({ operation: 'OPTIMIZE', isBlindAppend: false, operationParameters: { predicate: '[]', zOrderBy: '[]' } });
    expect(lines.filter((l) => l.add || l.remove).every((l) => (l.add ?? l.remove)?.dataChange === false)).toBe(true);
    // Nothing small is left to merge: a second OPTIMIZE commits nothing.
    expect(await optimize(table)).toMatchObject({ version: undefined, numFilesRemoved: 0 });
  });

  it('with a partition filter, rewrites only the partitions it keeps', async () => {
    const table = await tableOf([[1], [2], [3], [4]], { partitionColumns: ['p'] });
    const result = await optimize(table, { partitionFilter: (pv) => pv.p === 'even', predicateText: "p = 'even'" });
    expect(result).toMatchObject({ numFilesRemoved: 2, numFilesAdded: 1, partitionsOptimized: 1, totalConsideredFiles: 2 });
    expect((await table.latest()).files).toHaveLength(3);
    expect(commitLines(table.root, 5)[0]?.commitInfo?.operationParameters).toMatchObject({ predicate: '["p = \'even\'"]' });
  });

  it('ZORDER BY clusters rows so that a two-column range skips files it did not skip before', async () => {
    const root = tempTableDir();
    const xy = schemaOf({ x: 'integer', y: 'integer' });
    const tx = await createTable(store, root, 't', { schema: xy });
    // 1,024 points of a 32×32 grid in a scrambled order, 8 files of 128 rows.
    const points = Array.from({ length: 1024 }, (_, i) => ({ x: i % 32, y: Math.floor(i / 32) })).sort((a, b) => ((a.x * 7919 + a.y * 104729) % 1021) - ((b.x * 7919 + b.y * 104729) % 1021));
    await tx.write([batchOf(xy, points)], { maxRowsPerFile: 128 });
    await tx.commit({ operation: 'CREATE TABLE AS SELECT' });
    const table = new DeltaTable(store, root, 't');
    const corner = [
      { kind: 'compare', column: 'x', op: '<', value: 8 },
      { kind: 'compare', column: 'y', op: '<', value: 8 },
    ] as const;
    expect(selectFiles(await table.latest(), corner).keptFiles).toBe(8);
    const result = await optimize(table, { zOrderBy: ['x', 'y'], targetFileSize: 128 * 8 });
    expect(result.numFilesRemoved).toBe(8);
    const after = await table.latest();
    expect(after.files.length).toBeGreaterThanOrEqual(8);
    // The 8×8 corner is 1/16 of the grid: in Z-order it sits in one or two files.
    expect(selectFiles(after, corner).keptFiles).toBeLessThanOrEqual(2);
    const rows = await ourRows(store, after);
    expect(rows).toHaveLength(1024);
    expect(canon(rows)).toEqual(canon(points.map((p) => ({ x: String(p.x), y: String(p.y) }))));
  });
});

describe('VACUUM', () => {
  it('refuses a retention below delta.deletedFileRetentionDuration unless the check is off (22023)', async () => {
    const table = await tableOf([[1]]);
    await expect(vacuum(table, { retentionHours: 0 })).rejects.toMatchObject({ sqlstate: '22023', message: expect.stringContaining('below the table\'s delta.deletedFileRetentionDuration (168 hours)') });
    await expect(vacuum(table, { retentionHours: 0, retentionCheck: false, dryRun: true })).resolves.toEqual({ files: [] });
  });

  it('deletes removed and orphan files older than the retention, never live ones; DRY RUN only lists', async () => {
    const table = await tableOf([[1], [2]]);
    const tx = await WriteTransaction.open(table);
    const [gone] = tx.readSnapshot?.files.filter((f) => f.stats?.includes('"id":1')) ?? [];
    tx.removeFiles(gone ? [gone] : []);
    await tx.commit({ operation: 'DELETE' });
    const orphan = join(table.root, 'part-orphan.parquet');
    writeFileSync(orphan, 'not referenced');
    const old = (Date.now() - 10 * 24 * 3_600_000) / 1000;
    utimesSync(orphan, old, old);
    const removedPath = join(table.root, decodeURIComponent(gone?.path ?? ''));

    // Within the default 7 days the removed file is still needed; the 10-day-old orphan is not.
    expect(await vacuum(table, { dryRun: true })).toEqual({ files: [orphan] });
    expect(existsSync(orphan)).toBe(true);
    const later = Date.now() + 8 * 24 * 3_600_000;
    expect((await vacuum(table, { now: later })).files.sort()).toEqual([orphan, removedPath].sort());
    expect(existsSync(orphan) || existsSync(removedPath)).toBe(false);
    expect(await ids(table)).toEqual([2]);
  });
});

describe('RESTORE', () => {
  it('restores a version: adds back what it had, removes what it lacked, in one commit', async () => {
    const table = await tableOf([[1, 2], [3]]);
    const del = await WriteTransaction.open(table);
    del.removeFiles(del.readSnapshot?.files.filter((f) => f.stats?.includes('"numRecords":2')) ?? []);
    await del.commit({ operation: 'DELETE' });
    expect(await ids(table)).toEqual([3]);
    const result = await restore(table, { kind: 'version', version: 1 });
    expect(result).toMatchObject({ version: 4, numOfFilesAfterRestore: 1, numRemovedFiles: 1, numRestoredFiles: 1 });
    expect(await ids(table)).toEqual([1, 2]);
    expect(commitLines(table.root, 4)[0]?.commitInfo).toMatchObject({ operation: 'RESTORE', operationParameters: { version: 1 }, operationMetrics: { numRestoredFiles: '1' } });
    expect((await readRows(table.root, await replay(table.root))).map((r) => r.id).sort()).toEqual(['1', '2']);
  });

  it('fails with XX001, writing nothing, when a file the target needs was vacuumed', async () => {
    const table = await tableOf([[1], [2]]);
    const del = await WriteTransaction.open(table);
    del.removeFiles(del.readSnapshot?.files ?? []);
    await del.commit({ operation: 'DELETE' });
    await vacuum(table, { now: Date.now() + 8 * 24 * 3_600_000 });
    await expect(restore(table, { kind: 'version', version: 2 })).rejects.toMatchObject({ sqlstate: 'XX001', message: expect.stringContaining('RESTORE to version 2 needs this data file') });
    expect((await table.latest()).version).toBe(3);
  });
});

describe('DESCRIBE DETAIL', () => {
  it('gives Spark\'s columns for the latest version', async () => {
    const table = await tableOf([[1], [2]], { partitionColumns: ['p'], description: 'ids', configuration: { 'delta.enableDeletionVectors': 'true' } });
    const detail = await describeDetail(table);
    const snapshot = await table.latest();
    expect(detail).toMatchObject({
      format: 'delta',
      id: snapshot.metadata.id,
      description: 'ids',
      location: table.root,
      partitionColumns: ['p'],
      clusteringColumns: [],
      numFiles: 2,
      sizeInBytes: snapshot.files.reduce((n, f) => n + f.size, 0),
      properties: { 'delta.enableDeletionVectors': 'true' },
      minReaderVersion: 3,
      minWriterVersion: 7,
      tableFeatures: ['deletionVectors'],
    });
    expect(detail.lastModified).toBeGreaterThanOrEqual(detail.createdAt ?? Infinity);
  });
});
