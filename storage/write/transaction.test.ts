import { existsSync, readFileSync, readdirSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadDeletionVector } from '../dv/read.js';
import { LocalObjectStore } from '../object-store/local.js';
import { DeltaTable } from '../table.js';
import type { TableDefinition } from './api.js';
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

/** A table with one commit of `rows` ids (each in partition p), files of `perFile` rows. */
async function tableWith(ids: readonly number[], definition: Partial<TableDefinition> = {}, perFile?: number): Promise<DeltaTable> {
  const root = tempTableDir();
  const tx = await createTable(store, root, 't', { schema, ...definition });
  await tx.write([batchOf(schema, ids.map((id) => ({ id, p: id % 2 === 0 ? 'even' : 'odd' })))], perFile ? { maxRowsPerFile: perFile } : {});
  await tx.commit({ operation: 'CREATE TABLE AS SELECT' });
  return new DeltaTable(store, root, 't');
}

async function ids(table: DeltaTable): Promise<number[]> {
  return (await ourRows(store, await table.latest())).map((r) => Number(r.id)).sort((a, b) => a - b);
}

async function independentIds(table: DeltaTable): Promise<number[]> {
  return (await readRows(table.root, await replay(table.root))).map((r) => Number(r.id)).sort((a, b) => a - b);
}

function commitLines(root: string, version: number): Record<string, Record<string, unknown>>[] {
  return readFileSync(join(root, '_delta_log', `${String(version).padStart(20, '0')}.json`), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, Record<string, unknown>>);
}

/** Deletes the rows whose id is in `doomed` through readFile + deleteRows, as DELETE does. */
async function deleteIds(tx: WriteTransaction, doomed: ReadonlySet<number>): Promise<void> {
  const files = tx.readSnapshot?.files ?? [];
  tx.markRead(files);
  for (const file of files) {
    const rows: number[] = [];
    for await (const { batch, rowIndex } of tx.readFile(file, ['id'])) {
      const values = batch.getChildAt(0)?.toArray() as Int32Array;
      for (let i = 0; i < values.length; i++) if (doomed.has(values[i] as number)) rows.push(rowIndex[i] as number);
    }
    if (rows.length > 0) await tx.deleteRows({ file, rows });
  }
}

describe('DELETE through deletion vectors (delta.enableDeletionVectors=true)', () => {
  it('writes a DV file both readers apply, keeps numRecords and loosens the bounds', async () => {
    const table = await tableWith([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], { configuration: { 'delta.enableDeletionVectors': 'true' } });
    const tx = await WriteTransaction.open(table);
    await deleteIds(tx, new Set([2, 5]));
    const result = await tx.commit({ operation: 'DELETE', operationParameters: { predicate: '["id IN (2, 5)"]' } });
    expect(result.metrics).toMatchObject({ numDeletedRows: 2, numDeletionVectorsAdded: 1, numRemovedFiles: 1, numAddedFiles: 1 });
    expect(await ids(table)).toEqual([0, 1, 3, 4, 6, 7, 8, 9]);
    expect(await independentIds(table)).toEqual([0, 1, 3, 4, 6, 7, 8, 9]);

    const lines = commitLines(table.root, 1);
    const remove = lines.find((l) => l.remove)?.remove;
    const add = lines.find((l) => l.add)?.add;
    expect(remove).toMatchObject({ dataChange: true, extendedFileMetadata: true, partitionValues: {}, size: expect.any(Number), deletionTimestamp: expect.any(Number) });
    expect(add?.path).toBe(remove?.path);
    expect(add?.deletionVector).toMatchObject({ storageType: 'u', offset: 1, cardinality: 2 });
    expect(JSON.parse(String(add?.stats))).toMatchObject({ numRecords: 10, tightBounds: false });
    const dv = await loadDeletionVector(store, table.root, (await table.latest()).files[0]?.deletionVector as never);
    expect([...dv]).toEqual([2, 5]);
  });

  it('a second DELETE merges into the file\'s DV, and readFile skips rows already deleted', async () => {
    const table = await tableWith([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], { configuration: { 'delta.enableDeletionVectors': 'true' } });
    let tx = await WriteTransaction.open(table);
    await deleteIds(tx, new Set([2, 5]));
    await tx.commit({ operation: 'DELETE' });
    tx = await WriteTransaction.open(table);
    const positions: number[] = [];
    for await (const { rowIndex } of tx.readFile(tx.readSnapshot?.files[0] as never, ['id'])) positions.push(...rowIndex);
    expect(positions).toEqual([0, 1, 3, 4, 6, 7, 8, 9]);
    await deleteIds(tx, new Set([9]));
    await tx.commit({ operation: 'DELETE' });
    const [file] = (await table.latest()).files;
    expect(file?.deletionVector?.cardinality).toBe(3);
    expect(await ids(table)).toEqual([0, 1, 3, 4, 6, 7, 8]);
    expect(await independentIds(table)).toEqual([0, 1, 3, 4, 6, 7, 8]);
  });

  it('deleting every row of a file removes the file', async () => {
    const table = await tableWith([1, 2, 3], { configuration: { 'delta.enableDeletionVectors': 'true' } });
    const tx = await WriteTransaction.open(table);
    await deleteIds(tx, new Set([1, 2, 3]));
    await tx.commit({ operation: 'DELETE' });
    expect((await table.latest()).files).toEqual([]);
  });
});

describe('DELETE by rewriting files (no deletion vectors)', () => {
  it('writes the surviving rows to a new file in the same partition and removes the old one', async () => {
    const table = await tableWith([1, 2, 3, 4, 5, 6], { partitionColumns: ['p'] });
    const tx = await WriteTransaction.open(table);
    await deleteIds(tx, new Set([2, 3]));
    const result = await tx.commit({ operation: 'DELETE' });
    expect(result.metrics).toMatchObject({ numDeletedRows: 2, numCopiedRows: 4, numRemovedFiles: 2, numAddedFiles: 2, numOutputRows: 0 });
    expect(await ids(table)).toEqual([1, 4, 5, 6]);
    expect(await independentIds(table)).toEqual([1, 4, 5, 6]);
    const snapshot = await table.latest();
    expect(snapshot.files.every((f) => f.deletionVector === undefined)).toBe(true);
    expect(snapshot.files.map((f) => f.partitionValues.p).sort()).toEqual(['even', 'odd']);
  });
});

describe('concurrent transactions (reference/delta-protocol.md §6)', () => {
  it('two blind appends from the same version both commit; the loser is rebased to the next version', async () => {
    const table = await tableWith([0]);
    const a = await WriteTransaction.open(table);
    const b = await WriteTransaction.open(table);
    await a.write([batchOf(schema, [{ id: 1, p: 'x' }])]);
    await b.write([batchOf(schema, [{ id: 2, p: 'x' }])]);
    expect(await a.commit({ operation: 'WRITE' })).toMatchObject({ version: 1, retries: 0 });
    expect(await b.commit({ operation: 'WRITE' })).toMatchObject({ version: 2, retries: 1 });
    expect(commitLines(table.root, 2)[0]?.commitInfo).toMatchObject({ readVersion: 0 });
    expect(await ids(table)).toEqual([0, 1, 2]);
  });

  it('a DELETE that read the whole table fails with 40001 after a concurrent append', async () => {
    const table = await tableWith([0, 1]);
    const del = await WriteTransaction.open(table);
    await deleteIds(del, new Set([1]));
    const append = await WriteTransaction.open(table);
    await append.write([batchOf(schema, [{ id: 1, p: 'x' }])]);
    await append.commit({ operation: 'WRITE' });
    await expect(del.commit({ operation: 'DELETE' })).rejects.toMatchObject({
      sqlstate: '40001',
      message: expect.stringContaining("a concurrent transaction (version 1) added data this transaction's read covers"),
    });
    expect(await ids(table)).toEqual([0, 1, 1]);
  });

  it('a DELETE whose predicate covers one partition commits beside an append into another', async () => {
    const table = await tableWith([1, 2, 3, 4], { partitionColumns: ['p'] });
    const del = await WriteTransaction.open(table);
    const evenFiles = del.readSnapshot?.files.filter((f) => f.partitionValues.p === 'even') ?? [];
    del.markRead(evenFiles, (pv) => pv.p === 'even');
    del.removeFiles(evenFiles);
    const append = await WriteTransaction.open(table);
    await append.write([batchOf(schema, [{ id: 5, p: 'odd' }])]);
    await append.commit({ operation: 'WRITE' });
    expect(await del.commit({ operation: 'DELETE' })).toMatchObject({ version: 2, retries: 1 });
    expect(await ids(table)).toEqual([1, 3, 5]);
  });

  it('two transactions deleting the same file: the second fails with 40001', async () => {
    const table = await tableWith([1, 2]);
    const a = await WriteTransaction.open(table);
    const b = await WriteTransaction.open(table);
    a.removeFiles(a.readSnapshot?.files ?? []);
    b.removeFiles(b.readSnapshot?.files ?? []);
    await a.commit({ operation: 'DELETE' });
    await expect(b.commit({ operation: 'DELETE' })).rejects.toMatchObject({ sqlstate: '40001', message: expect.stringContaining('deleted a file this transaction also deletes') });
  });

  it('a concurrent metadata change fails a writer that read the table (40001)', async () => {
    const table = await tableWith([1]);
    const alter = await WriteTransaction.open(table);
    const update = await WriteTransaction.open(table);
    alter.setMetadata({ configuration: { 'delta.appendOnly': 'false' } });
    await alter.commit({ operation: 'SET TBLPROPERTIES' });
    update.markRead(update.readSnapshot?.files ?? []);
    await update.write([batchOf(schema, [{ id: 2, p: 'x' }])]);
    await expect(update.commit({ operation: 'UPDATE' })).rejects.toMatchObject({ sqlstate: '40001', message: expect.stringContaining('changed the table metadata') });
  });

  it('txn app ids: the version is recorded, and a concurrent commit for the same app id is a conflict', async () => {
    const table = await tableWith([1]);
    const a = await WriteTransaction.open(table);
    const b = await WriteTransaction.open(table);
    a.setTxn('stream-1', 7);
    b.setTxn('stream-1', 7);
    await a.write([batchOf(schema, [{ id: 2, p: 'x' }])]);
    await a.commit({ operation: 'STREAMING UPDATE' });
    await expect(b.commit({ operation: 'STREAMING UPDATE' })).rejects.toMatchObject({ sqlstate: '40001', message: expect.stringContaining('same application id "stream-1"') });
    const next = await WriteTransaction.open(table);
    expect(next.appliedTxnVersion('stream-1')).toBe(7);
    expect((await replay(table.root)).txns.get('stream-1')).toBe(7);
  });
});

describe('checkpoints and log cleanup', () => {
  it('writes a Spark-schema checkpoint at version 10 that our reader and DuckDB read, with _last_checkpoint', async () => {
    const table = await tableWith([0], { partitionColumns: ['p'], configuration: { 'delta.enableDeletionVectors': 'true' } });
    for (let v = 1; v <= 9; v++) {
      const tx = await WriteTransaction.open(table);
      await tx.write([batchOf(schema, [{ id: v, p: v % 2 === 0 ? 'even' : 'odd' }])]);
      expect((await tx.commit({ operation: 'WRITE' })).checkpointed).toBe(false);
    }
    const tx = await WriteTransaction.open(table);
    await deleteIds(tx, new Set([3, 4]));
    const result = await tx.commit({ operation: 'DELETE' });
    expect(result).toMatchObject({ version: 10, checkpointed: true });
    const log = join(table.root, '_delta_log');
    expect(existsSync(join(log, '00000000000000000010.checkpoint.parquet'))).toBe(true);
    expect(JSON.parse(readFileSync(join(log, '_last_checkpoint'), 'utf8'))).toMatchObject({ version: 10, numOfAddFiles: 8 });

    const fresh = new DeltaTable(store, table.root, 't');
    expect(await ids(fresh)).toEqual([0, 1, 2, 5, 6, 7, 8, 9]);
    expect(fresh.stats.checkpointsRead).toBe(1);
    const independent = await replay(table.root);
    expect(independent).toMatchObject({ version: 10, checkpointVersion: 10 });
    expect(await independentIds(table)).toEqual([0, 1, 2, 5, 6, 7, 8, 9]);
    const db = await duck();
    const counts = (await db.runAndReadAll(`SELECT count(add) a, count(remove) r, count(metaData) m, count(protocol) p FROM read_parquet('${join(log, '00000000000000000010.checkpoint.parquet')}')`)).getRowObjectsJS()[0];
    // Two files were removed by the DELETE, and they are tombstones within the retention.
    expect(counts).toEqual({ a: 8n, r: 2n, m: 1n, p: 1n });
  });

  it('cleans up log files older than delta.logRetentionDuration, keeping a checkpoint to stand on', async () => {
    const table = await tableWith([0], { configuration: { 'delta.checkpointInterval': '2', 'delta.logRetentionDuration': 'interval 1 hour' } });
    const log = join(table.root, '_delta_log');
    for (let v = 1; v <= 4; v++) {
      // Age every existing log file past the retention before the next commit.
      const old = (Date.now() - 2 * 3_600_000) / 1000;
      for (const name of readdirSync(log)) if (/^\d{20}\./.test(name)) utimesSync(join(log, name), old, old);
      const tx = await WriteTransaction.open(table);
      await tx.write([batchOf(schema, [{ id: v, p: 'x' }])]);
      await tx.commit({ operation: 'WRITE' });
    }
    const left = readdirSync(log).filter((n) => /^\d{20}\./.test(n)).sort();
    // At the checkpoint of version 4, versions 0–3 were expired: the checkpoint at 4 is the new start.
    expect(left).toEqual(['00000000000000000004.checkpoint.parquet', '00000000000000000004.json']);
    expect(await ids(new DeltaTable(store, table.root, 't'))).toEqual([0, 1, 2, 3, 4]);
    await expect(new DeltaTable(store, table.root, 't').atVersion(1)).rejects.toMatchObject({ sqlstate: '22023' });
  });
});

describe('in-commit timestamps and the change data feed', () => {
  it('with delta.enableInCommitTimestamps, commitInfo comes first with a monotonic inCommitTimestamp and protocol (1,7)', async () => {
    const table = await tableWith([0], { configuration: { 'delta.enableInCommitTimestamps': 'true' } });
    const tx = await WriteTransaction.open(table);
    await tx.write([batchOf(schema, [{ id: 1, p: 'x' }])]);
    await tx.commit({ operation: 'WRITE' });
    const v0 = commitLines(table.root, 0);
    const v1 = commitLines(table.root, 1);
    expect(v0.find((l) => l.protocol)?.protocol).toEqual({ minReaderVersion: 1, minWriterVersion: 7, writerFeatures: ['inCommitTimestamp'] });
    const ict0 = Number(v0[0]?.commitInfo?.inCommitTimestamp);
    const ict1 = Number(v1[0]?.commitInfo?.inCommitTimestamp);
    expect(ict1).toBeGreaterThan(ict0);
    expect(v0.find((l) => l.metaData)?.metaData?.configuration).toMatchObject({ 'delta.inCommitTimestampEnablementVersion': '0', 'delta.inCommitTimestampEnablementTimestamp': String(ict0) });
  });

  it('with delta.enableChangeDataFeed, recorded changes land in _change_data/ with _change_type and a cdc action', async () => {
    const table = await tableWith([1, 2, 3], { configuration: { 'delta.enableChangeDataFeed': 'true' } });
    const tx = await WriteTransaction.open(table);
    await deleteIds(tx, new Set([2]));
    await tx.writeChanges('delete', [batchOf(schema, [{ id: 2, p: 'even' }])]);
    await tx.commit({ operation: 'DELETE' });
    const cdc = commitLines(table.root, 1).find((l) => l.cdc)?.cdc;
    expect(cdc).toMatchObject({ dataChange: false, partitionValues: {} });
    expect(String(cdc?.path)).toMatch(/^_change_data\/cdc-00000-[0-9a-f-]{36}\.c000\.snappy\.parquet$/);
    const rows = (await (await duck()).runAndReadAll(`SELECT id, p, _change_type FROM read_parquet('${join(table.root, String(cdc?.path))}')`)).getRowObjectsJS();
    expect(rows).toEqual([{ id: 2, p: 'even', _change_type: 'delete' }]);
    expect(commitLines(table.root, 0).find((l) => l.protocol)?.protocol).toEqual({ minReaderVersion: 1, minWriterVersion: 4 });
  });
});

describe('table properties that forbid writes', () => {
  it('an append-only table refuses deletes (0A000)', async () => {
    const table = await tableWith([1], { configuration: { 'delta.appendOnly': 'true' } });
    const tx = await WriteTransaction.open(table);
    expect(() => tx.removeFiles(tx.readSnapshot?.files ?? [])).toThrow(expect.objectContaining({ sqlstate: '0A000' }));
  });
});

describe('canonical rows helper', () => {
  it('compares as multisets', () => {
    expect(canon([{ a: '1' }, { a: '2' }])).toEqual(canon([{ a: '2' }, { a: '1' }]));
  });
});
