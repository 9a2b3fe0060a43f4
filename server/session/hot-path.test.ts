import { cpSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CountingStore } from '../../storage/testing/counting-store.js';
import { copyCorpusTable, corpusPath } from '../../storage/testing/corpus.js';
import { Warehouse } from '../../storage/warehouse.js';
import { jsonRows } from '../encode/index.js';
import { Session } from '../session.js';

// What a small statement costs in I/O once its table was read before, through the one place
// statements run: no listing of the warehouse, and the pg_catalog state (which lists the
// warehouse and opens every table) only for statements that read catalog relations.

async function run(session: Session, sql: string): Promise<unknown[][]> {
  const result = await session.execute(sql);
  const rows: unknown[][] = [];
  for await (const batch of result.batches) rows.push(...jsonRows(batch));
  return rows;
}

describe('a small statement on a table read before', () => {
  it('lists nothing and stats only its log; a catalog query builds the catalog state for itself only', async () => {
    const root = dirname(copyCorpusTable('simple_table'));
    cpSync(corpusPath('basic_partitioned'), join(root, 'basic_partitioned'), { recursive: true });
    const store = new CountingStore();
    const session = new Session(new Warehouse(root, { store }));
    const statements = async () => {
      expect(await run(session, 'SELECT count(*) FROM simple_table')).toEqual([[3]]);
      expect(await run(session, 'SELECT id FROM simple_table WHERE id = 7')).toEqual([[7]]);
    };
    await statements(); // cold: opens the table, reads footers and the id column
    store.reset();
    await statements();
    expect(store.calls).toEqual({ listFiles: 0, listFolders: 0, head: 4, get: 0, openBlob: 0 });

    store.reset();
    expect(await run(session, "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")).toEqual([['basic_partitioned'], ['simple_table']]);
    expect(store.calls.listFolders).toBeGreaterThan(0); // the catalog state lists the warehouse

    store.reset();
    expect(await run(session, 'SELECT count(*) FROM simple_table')).toEqual([[3]]);
    expect(store.calls).toEqual({ listFiles: 0, listFolders: 0, head: 2, get: 0, openBlob: 0 });
  });
});
