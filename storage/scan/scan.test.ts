import { describe, expect, it } from 'vitest';
import { LocalObjectStore } from '../object-store/local.js';
import { DeltaTable } from '../table.js';
import { CountingStore } from '../testing/counting-store.js';
import { corpusPath, corpusTable, corpusTables } from '../testing/corpus.js';
import { scanSnapshot } from './scan.js';

const store = new LocalObjectStore();

async function countRows(name: string, columns: 'all' | 'none', version?: number): Promise<number> {
  const table = new DeltaTable(store, corpusPath(name), name);
  const snapshot = version === undefined ? await table.latest() : await table.atVersion(version);
  let rows = 0;
  const names = columns === 'all' ? snapshot.schema.fields.map((f) => f.name) : [];
  for await (const batch of scanSnapshot(store, snapshot, { columns: names })) {
    expect(batch.schema.fields.map((f) => f.name)).toEqual(names);
    rows += batch.numRows;
  }
  return rows;
}

describe('scanning every corpus table', () => {
  const readable = corpusTables().filter((t) => !t.expected.error);
  it.each(readable.map((t) => [t.name, t.expected.rowCount] as const))('%s has MANIFEST\'s row count, with all columns and with none', async (name, rowCount) => {
    expect(await countRows(name, 'all')).toBe(rowCount);
    expect(await countRows(name, 'none')).toBe(rowCount);
  });

  it('applies deletion vectors per version (dv-partitioned-with-checkpoint)', async () => {
    const manifest = corpusTables().find((t) => t.name === 'dv-partitioned-with-checkpoint')!;
    for (const v of manifest.versions) expect(await countRows(manifest.name, 'all', v.version), `version ${v.version}`).toBe(v.rowCount);
  });
});

describe('counting rows of files without numRecords stats', () => {
  it('reads each file footer once: a second count of the same snapshot opens no file', async () => {
    const counting = new CountingStore(true);
    const snapshot = await new DeltaTable(counting, corpusPath('simple_table'), 'simple_table').latest();
    expect(snapshot.files.every((f) => f.stats === undefined)).toBe(true);
    const count = async () => {
      let rows = 0;
      for await (const batch of scanSnapshot(counting, snapshot, { columns: [] })) rows += batch.numRows;
      return rows;
    };
    counting.reset();
    expect(await count()).toBe(corpusTable('simple_table').expected.rowCount);
    expect(counting.calls.openBlob).toBe(snapshot.files.length);
    counting.reset();
    expect(await count()).toBe(corpusTable('simple_table').expected.rowCount);
    expect(counting.calls.openBlob).toBe(0);
  });
});
