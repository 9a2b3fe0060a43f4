import type * as arrow from 'apache-arrow';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalObjectStore } from '../object-store/local.js';
import { scanSnapshot } from '../scan/scan.js';
import { DeltaTable } from '../table.js';
import { copyCorpusTable, corpusTable } from '../testing/corpus.js';
import { canon, ourRows, textRows } from './testing/our-rows.js';
import { duck, readRows, replay } from './testing/protocol-reader.js';
import { WriteTransaction } from './transaction.js';

/**
 * Writing into tables other engines wrote (Spark, Databricks, delta-rs): a copy of each corpus
 * table gets its own rows appended again (every type round-trips through our writer), then loses
 * one file's first row (a DV where the table enables them, a rewrite otherwise). Read back by our
 * reader, and — where the table's log and types are within the protocol-only reader's reach — by
 * the independent reader + DuckDB.
 */
const store = new LocalObjectStore();

const tables: { name: string; independent: boolean }[] = [
  { name: 'basic_partitioned', independent: true },
  { name: 'table-with-dv-small', independent: true },
  { name: 'dv-partitioned-with-checkpoint', independent: true },
  { name: 'table_with_column_mapping', independent: true },
  { name: 'table-with-columnmapping-mode-id', independent: false },
  { name: 'data-reader-timestamp_ntz', independent: true },
  { name: 'partition-type-primitives', independent: true },
  { name: 'app-txn-checkpoint', independent: false },
  { name: 'cdc_ict_table', independent: true },
  { name: 'multi-part-checkpoint', independent: false },
  { name: 'simple_table', independent: true },
  { name: 'data-reader-primitives', independent: true },
  { name: 'parquet-all-types', independent: false },
  { name: 'data-reader-partition-values', independent: false },
  { name: 'kernel-timestamp-INT96', independent: true },
  { name: 'delta-0.8.0-special-partition', independent: true },
];

afterAll(async () => {
  (await duck()).closeSync();
});

describe.each(tables.map((t) => [t.name, t] as const))('writing into corpus table %s', (name, { independent }) => {
  it('appends its own rows again, then deletes a row, and both readers agree', async () => {
    const root = copyCorpusTable(name);
    const table = new DeltaTable(store, root, name);
    const before = await table.latest();
    const original = await ourRows(store, before);
    expect(original.length).toBe(corpusTable(name).expected.rowCount);

    const append = await WriteTransaction.open(table);
    const batches: arrow.RecordBatch[] = [];
    for await (const b of scanSnapshot(store, before, { columns: before.schema.fields.map((f) => f.name) })) batches.push(b);
    await append.write(batches);
    const appended = await append.commit({ operation: 'WRITE', operationParameters: { mode: 'Append' } });
    expect(appended.version).toBe(before.version + 1);
    expect(canon(await ourRows(store, await table.latest()))).toEqual(canon([...original, ...original]));

    // Delete the first live row of the first file we wrote.
    const del = await WriteTransaction.open(table);
    const mine = del.readSnapshot?.files.find((f) => !before.files.some((o) => o.path === f.path));
    expect(mine).toBeDefined();
    if (!mine) return;
    del.markRead([mine]);
    let first: Record<string, string | null> | undefined;
    let firstRow = -1;
    for await (const { batch, rowIndex } of del.readFile(mine, before.schema.fields.map((f) => f.name))) {
      if (firstRow < 0 && batch.numRows > 0) {
        firstRow = rowIndex[0] as number;
        const [row] = textRows(batch, before.schema.fields);
        first = row;
      }
    }
    await del.deleteRows({ file: mine, rows: [firstRow] });
    await del.commit({ operation: 'DELETE' });
    const expected = [...original, ...original];
    expected.splice(expected.findIndex((r) => JSON.stringify(r) === JSON.stringify(first)), 1);
    const after = await table.latest();
    expect(canon(await ourRows(store, after))).toEqual(canon(expected));
    const usesDvs = after.configuration['delta.enableDeletionVectors'] === 'true';
    expect(after.files.some((f) => f.path === mine.path && f.deletionVector !== undefined)).toBe(usesDvs);

    // The protocol and metadata are untouched by plain writes.
    const log = join(root, '_delta_log');
    const newest = readdirSync(log).filter((n) => /^\d{20}\.json$/.test(n)).sort().slice(-2);
    for (const file of newest) {
      const actions = readFileSync(join(log, file), 'utf8').trim().split('\n').map((l) => Object.keys(JSON.parse(l) as object)[0]);
      expect(actions).not.toContain('protocol');
      expect(actions).not.toContain('metaData');
    }
    if (after.configuration['delta.enableInCommitTimestamps'] === 'true') {
      const ict = (f: string) => Number((JSON.parse(readFileSync(join(log, f), 'utf8').split('\n')[0] ?? '{}') as { commitInfo?: { inCommitTimestamp?: number } }).commitInfo?.inCommitTimestamp);
      expect(ict(newest[1] as string)).toBeGreaterThan(ict(newest[0] as string));
    }
    if (independent) {
      const snapshot = await replay(root);
      expect(snapshot.version).toBe(after.version);
      expect((await readRows(root, snapshot)).length).toBe(expected.length);
    }
  });
});

