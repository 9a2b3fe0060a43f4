import { cpSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { versionPrefix } from './log/files.js';
import { CountingStore } from './testing/counting-store.js';
import { copyCorpusTable, corpusPath } from './testing/corpus.js';
import { Warehouse } from './warehouse.js';

// A statement naming a table it has read before takes the warehouse's hot path (two stats of the
// log, no listing of the warehouse); these tests pin that it costs that little AND that every
// change another process makes on disk is still seen at the next statement (PRODUCT.md).

const named = (name: string, schema?: string) => ({ kind: 'named' as const, name, ...(schema === undefined ? {} : { schema }) });

describe('Warehouse.resolveTable of a table read before', () => {
  let root: string;
  let store: CountingStore;
  let warehouse: Warehouse;

  beforeEach(() => {
    root = dirname(copyCorpusTable('basic_partitioned'));
    cpSync(corpusPath('simple_table'), join(root, 'simple_table'), { recursive: true });
    store = new CountingStore();
    warehouse = new Warehouse(root, { store });
  });

  it('costs two stats and no listing when nothing changed, and returns the same snapshot', async () => {
    const first = await warehouse.resolveTable(named('basic_partitioned'));
    store.reset();
    const second = await warehouse.resolveTable(named('basic_partitioned'));
    expect(second.snapshot).toBe(first.snapshot);
    expect(store.calls).toEqual({ listFiles: 0, listFolders: 0, head: 2, get: 0, openBlob: 0 });
  });

  it('takes the same hot path for a table named by path and for public./default. names', async () => {
    const path = join(root, 'simple_table');
    await warehouse.resolveTable({ kind: 'path', path });
    store.reset();
    expect((await warehouse.resolveTable({ kind: 'path', path })).version).toBe(4);
    expect((await warehouse.resolveTable(named('simple_table', 'public'))).version).toBe(4);
    expect((await warehouse.resolveTable(named('simple_table', 'default'))).version).toBe(4);
    expect(store.calls).toEqual({ listFiles: 0, listFolders: 0, head: 6, get: 0, openBlob: 0 });
  });

  it('sees a commit another process added, reading only that commit', async () => {
    const first = await warehouse.resolveTable(named('basic_partitioned'));
    expect(first.version).toBe(1);
    const file = first.snapshot.files[0]!;
    const remove = { remove: { path: file.path, deletionTimestamp: Date.now(), dataChange: true } };
    writeFileSync(join(root, 'basic_partitioned', '_delta_log', `${versionPrefix(2)}.json`), JSON.stringify(remove) + '\n');
    store.reset();
    const next = await warehouse.resolveTable(named('basic_partitioned'));
    expect(next.version).toBe(2);
    expect(next.snapshot.files.length).toBe(first.snapshot.files.length - 1);
    expect(store.calls.get).toBe(1);
    expect(store.calls.listFolders).toBe(0);
  });

  it('answers 42P01 once the table folder is deleted', async () => {
    await warehouse.resolveTable(named('simple_table'));
    rmSync(join(root, 'simple_table'), { recursive: true });
    await expect(warehouse.resolveTable(named('simple_table'))).rejects.toMatchObject({ sqlstate: '42P01', message: 'relation "simple_table" does not exist' });
  });

  it('sees a different table put in place of the old one under the same name', async () => {
    await warehouse.resolveTable(named('simple_table'));
    rmSync(join(root, 'simple_table'), { recursive: true });
    cpSync(corpusPath('basic_partitioned'), join(root, 'simple_table'), { recursive: true });
    const replaced = await warehouse.resolveTable(named('simple_table'));
    expect(replaced.version).toBe(1);
    expect(replaced.schema.fields.map((f) => f.name)).toEqual(['letter', 'number', 'a_float']);
  });

  it('sees a table rolled back on disk to fewer versions (its cached commit file is gone)', async () => {
    expect((await warehouse.resolveTable(named('basic_partitioned'))).version).toBe(1);
    rmSync(join(root, 'basic_partitioned', '_delta_log', `${versionPrefix(1)}.json`));
    expect((await warehouse.resolveTable(named('basic_partitioned'))).version).toBe(0);
  });

  it('resolves a case-insensitive name through the listing every time, and sees its folder renamed away', async () => {
    renameSync(join(root, 'simple_table'), join(root, 'Simple_Table'));
    expect((await warehouse.resolveTable(named('simple_table'))).version).toBe(4);
    store.reset();
    expect((await warehouse.resolveTable(named('simple_table'))).version).toBe(4);
    expect(store.calls.listFolders).toBeGreaterThan(0);
    renameSync(join(root, 'Simple_Table'), join(root, 'elsewhere'));
    await expect(warehouse.resolveTable(named('simple_table'))).rejects.toMatchObject({ sqlstate: '42P01' });
  });

  it('lets a managed table that appears win over the external table of the same name', async () => {
    const external = copyCorpusTable('simple_table');
    await warehouse.registerExternal(named('ext'), external);
    expect((await warehouse.resolveTable(named('ext'))).version).toBe(4);
    cpSync(corpusPath('basic_partitioned'), join(root, 'ext'), { recursive: true });
    expect((await warehouse.resolveTable(named('ext'))).version).toBe(1);
  });

  it('shares the checks among concurrent statements, each seeing commits made before it began', async () => {
    await warehouse.resolveTable(named('basic_partitioned'));
    store.reset();
    const versions = await Promise.all(Array.from({ length: 50 }, () => warehouse.resolveTable(named('basic_partitioned')).then((s) => s.version)));
    expect(versions).toEqual(new Array(50).fill(1));
    expect(store.calls.head).toBeLessThanOrEqual(4); // one check in flight, one shared by the rest
    // a commit lands while statements keep arriving: every statement that starts afterwards sees it
    const inFlight = Array.from({ length: 10 }, () => warehouse.resolveTable(named('basic_partitioned')));
    writeFileSync(join(root, 'basic_partitioned', '_delta_log', `${versionPrefix(2)}.json`), JSON.stringify({ commitInfo: { operation: 'WRITE' } }) + '\n');
    const after = await Promise.all(Array.from({ length: 10 }, () => warehouse.resolveTable(named('basic_partitioned')).then((s) => s.version)));
    expect(after).toEqual(new Array(10).fill(2));
    for (const s of await Promise.all(inFlight)) expect([1, 2]).toContain(s.version); // asked before the commit: either
  });

  it('still travels in time through the full path', async () => {
    await warehouse.resolveTable(named('simple_table'));
    const old = await warehouse.resolveTable(named('simple_table'), { kind: 'version', version: 2 });
    expect(old.version).toBe(2);
  });
});
