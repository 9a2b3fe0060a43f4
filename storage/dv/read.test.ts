import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqlError } from '../../common/sql-error.js';
import { LocalObjectStore } from '../object-store/local.js';
import type { ObjectStore } from '../object-store/object-store.js';
import type { DeletionVectorDescriptor } from './descriptor.js';
import { loadDeletionVector } from './read.js';
import { keepMask } from './selection.js';

const CORPUS = process.env.DELTA_CORPUS ?? fileURLToPath(new URL('../../../shared/delta-corpus', import.meta.url));
const store = new LocalObjectStore();

interface LoggedDv {
  file: string;
  action: 'add' | 'remove';
  dataPath: string;
  numRecords?: number;
  dv: DeletionVectorDescriptor;
}

/** Every deletion-vector descriptor in a table's JSON log files (commits and compacted files). */
function loggedDvs(table: string): LoggedDv[] {
  const logDir = path.join(CORPUS, table, '_delta_log');
  const out: LoggedDv[] = [];
  for (const file of fs.readdirSync(logDir).filter((f) => f.endsWith('.json')).sort()) {
    for (const line of fs.readFileSync(path.join(logDir, file), 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      const action = JSON.parse(line) as Record<string, any>;
      for (const kind of ['add', 'remove'] as const) {
        const a = action[kind];
        if (a?.deletionVector == null) continue;
        const stats = typeof a.stats === 'string' ? JSON.parse(a.stats) : undefined;
        out.push({ file, action: kind, dataPath: a.path, numRecords: stats?.numRecords, dv: a.deletionVector });
      }
    }
  }
  return out;
}

interface ManifestTable {
  name: string;
  versions: Array<{ version: number; rows?: Array<{ value: number }> }>;
  assertions: Array<{ kind: string; value?: string }>;
}
const manifest = JSON.parse(fs.readFileSync(path.join(CORPUS, 'MANIFEST.json'), 'utf8')) as { tables: ManifestTable[] };
const manifestTable = (name: string) => manifest.tables.find((t) => t.name === name) as ManifestTable;

/** The value, failing the test when it is missing. */
function defined<T>(value: T | undefined | null, what: string): T {
  expect(value, what).toBeDefined();
  expect(value, what).not.toBeNull();
  return value as T;
}

async function corruptError(promise: Promise<unknown>): Promise<SqlError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SqlError);
  return err as SqlError;
}

// ── real tables ──

describe('table-with-dv-small: an on-disk DV', () => {
  const table = path.join(CORPUS, 'table-with-dv-small');

  it('deletes exactly the rows of the selection vector delta-rs asserts', async () => {
    const [logged, ...more] = loggedDvs('table-with-dv-small');
    expect(more).toEqual([]);
    const assertion = manifestTable('table-with-dv-small').assertions.find((a) => a.kind === 'dv-selection-vector');
    const match = /^(\[[^\]]*\]) for (.*)$/.exec(assertion?.value ?? '');
    expect(match).not.toBeNull();
    const selection = JSON.parse(match?.[1] ?? '[]') as boolean[];
    expect(logged?.dataPath).toBe(match?.[2]);

    const deleted = await loadDeletionVector(store, table, defined(logged, 'logged').dv);
    expect([...deleted]).toEqual([0, 9]);
    expect([...(keepMask(deleted, 0, selection.length) ?? [])]).toEqual(selection.map((keep) => (keep ? 1 : 0)));
  });
});

describe('cdf-table-with-dv: inline DVs, one in the padded Z85 variant', () => {
  const table = path.join(CORPUS, 'cdf-table-with-dv');
  const versions = manifestTable('cdf-table-with-dv').versions;
  // The table's one file holds value i at row i (table-with-dv-small's selection vector shows it
  // for the same file), so a version's deleted rows are the v0 values missing from its rows.
  const allValues = (versions[0]?.rows ?? []).map((r) => r.value);
  const expectedDeleted = (version: number) => {
    const live = new Set((versions[version]?.rows ?? []).map((r) => r.value));
    return allValues.filter((v) => !live.has(v));
  };
  const adds = loggedDvs('cdf-table-with-dv').filter((l) => l.action === 'add');

  it('has the inline DVs the README describes', () => {
    expect(allValues).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(adds.map((a) => [a.file.slice(0, 20), a.dv.storageType])).toEqual([
      ['00000000000000000001', 'u'],
      ['00000000000000000003', 'i'],
      ['00000000000000000004', 'i'],
      ['00000000000000000005', 'i'],
    ]);
  });

  it.each([1, 3, 4, 5])('decodes the DV added at v%i to the rows that version hides', async (version) => {
    const add = adds.find((a) => Number(a.file.slice(0, 20)) === version);
    const deleted = await loadDeletionVector(store, table, defined(add, 'add').dv);
    expect(deleted.length).toBe(defined(add, 'add').dv.cardinality);
    expect([...deleted]).toEqual(expectedDeleted(version));
  });

  it('reads the padded v5 DV "…##093" as row 3, not the plain-Z85 misreading', async () => {
    const v5 = adds.find((a) => a.dv.pathOrInlineDv.endsWith('##093'));
    expect(v5?.dv).toMatchObject({ storageType: 'i', sizeInBytes: 34, cardinality: 1 });
    expect([...(await loadDeletionVector(store, table, defined(v5, 'v5').dv))]).toEqual([3]);
  });

  it('decodes the DVs of the remove actions too', async () => {
    const removes = loggedDvs('cdf-table-with-dv').filter((l) => l.action === 'remove');
    expect(removes.length).toBeGreaterThan(0);
    for (const r of removes) expect((await loadDeletionVector(store, table, r.dv)).length).toBe(r.dv.cardinality);
  });
});

describe.each([
  ['dv-partitioned-with-checkpoint', 10],
  ['compacted-log-files-table', 10],
])('%s: every DV in the JSON log', (name, distinct) => {
  const table = path.join(CORPUS, name);
  const logged = loggedDvs(name);

  it(`has ${distinct} distinct DVs`, () => {
    expect(new Set(logged.map((l) => JSON.stringify(l.dv))).size).toBe(distinct);
  });

  it('decodes each to `cardinality` ascending rows inside its file', async () => {
    for (const l of logged) {
      const deleted = await loadDeletionVector(store, table, l.dv);
      expect(deleted.length, `${l.file} ${l.dataPath}`).toBe(l.dv.cardinality);
      for (let i = 1; i < deleted.length; i++) expect(deleted[i]).toBeGreaterThan(deleted[i - 1] ?? Infinity);
      if (l.numRecords !== undefined) expect(deleted[deleted.length - 1]).toBeLessThan(l.numRecords);
    }
  });
});

describe('compacted-log-files-table: several DVs in one file', () => {
  const table = path.join(CORPUS, 'compacted-log-files-table');

  it('reads the DVs at offsets 1 and 43 of one file separately', async () => {
    const shared = loggedDvs('compacted-log-files-table').filter((l) => l.dv.pathOrInlineDv === 'F0u+Uo^@EuVa@tFk))2D');
    const offsets = [...new Set(shared.map((l) => l.dv.offset))].sort((a, b) => (a ?? 0) - (b ?? 0));
    expect(offsets).toEqual([1, 43]);
    for (const offset of offsets) {
      const l = shared.find((s) => s.dv.offset === offset);
      expect((await loadDeletionVector(store, table, defined(l, 'l').dv)).length).toBe(1);
    }
  });

  it('reads the run-container DV (cardinality 6 in 35 bytes)', async () => {
    const run = loggedDvs('compacted-log-files-table').find((l) => l.dv.pathOrInlineDv === 'Xq<G^UbT+TGkmx<+7Y=5');
    expect(run?.dv).toMatchObject({ sizeInBytes: 35, cardinality: 6 });
    const deleted = [...(await loadDeletionVector(store, table, defined(run, 'run').dv))];
    expect(deleted.length).toBe(6);
    expect(deleted).toEqual([...deleted].sort((a, b) => a - b));
  });
});

// ── broken files, built from a copy of table-with-dv-small's DV ──

describe('corrupt deletion vectors', () => {
  const uuidText = 'vBn[lx{q8@P<9BNH/isA';
  const fileName = 'deletion_vector_61d16c75-6994-46b7-a15b-8b538852e50e.bin';
  const good: DeletionVectorDescriptor = { storageType: 'u', pathOrInlineDv: uuidText, offset: 1, sizeInBytes: 36, cardinality: 2 };
  const original = fs.readFileSync(path.join(CORPUS, 'table-with-dv-small', fileName));
  let root: string;
  let n = 0;

  beforeAll(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'deltasql-dv-'));
  });
  afterAll(() => {
    fs.rmSync(root, { recursive: true, force: true });
  });

  /** A table root holding the DV file after `edit`. */
  function tableWith(edit: (bytes: Buffer) => Buffer = (b) => b): string {
    const dir = path.join(root, `t${n++}`);
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, fileName), edit(Buffer.from(original)));
    return dir;
  }

  it('reads the unmodified copy (so every failure below is the edit)', async () => {
    expect(original.length).toBe(1 + 4 + 36 + 4);
    expect([...(await loadDeletionVector(store, tableWith(), good))]).toEqual([0, 9]);
  });

  it('reads a "p" DV by absolute path and by file: URI', async () => {
    const file = path.join(tableWith(), fileName);
    const p: DeletionVectorDescriptor = { ...good, storageType: 'p', pathOrInlineDv: file };
    expect([...(await loadDeletionVector(store, '/unused', p))]).toEqual([0, 9]);
    const uri: DeletionVectorDescriptor = { ...p, pathOrInlineDv: pathToFileURL(file).href };
    expect([...(await loadDeletionVector(store, '/unused', uri))]).toEqual([0, 9]);
  });

  it('rejects a changed bitmap byte by its CRC-32', async () => {
    const dir = tableWith((b) => {
      b[1 + 4 + 34] = 8; // row 9 → row 8
      return b;
    });
    const err = await corruptError(loadDeletionVector(store, dir, good));
    expect(err.sqlstate).toBe('XX001');
    expect(err.message).toMatch(/fails its CRC-32 check/);
    expect(err.message).toContain(path.join(dir, fileName));
  });

  it('rejects a damaged checksum', async () => {
    const dir = tableWith((b) => {
      b[b.length - 1] ^= 0xff;
      return b;
    });
    const err = await corruptError(loadDeletionVector(store, dir, good));
    expect([err.sqlstate, err.message]).toEqual(['XX001', expect.stringMatching(/CRC-32/)]);
  });

  it('rejects a size field that differs from sizeInBytes', async () => {
    const err = await corruptError(loadDeletionVector(store, tableWith(), { ...good, sizeInBytes: 35 }));
    expect([err.sqlstate, err.message]).toEqual(['XX001', expect.stringMatching(/has size 36, the log says sizeInBytes 35/)]);
  });

  it('rejects a cardinality that differs from the log', async () => {
    const err = await corruptError(loadDeletionVector(store, tableWith(), { ...good, cardinality: 3 }));
    expect([err.sqlstate, err.message]).toEqual(['XX001', expect.stringMatching(/holds 2 rows, the log says cardinality 3/)]);
  });

  it('rejects an unknown file format version', async () => {
    const dir = tableWith((b) => {
      b[0] = 2;
      return b;
    });
    const err = await corruptError(loadDeletionVector(store, dir, good));
    expect([err.sqlstate, err.message]).toEqual(['XX001', expect.stringMatching(/format version is 2, expected 1/)]);
  });

  it('rejects a truncated file and an offset past its end', async () => {
    const dir = tableWith((b) => b.subarray(0, b.length - 1));
    const err = await corruptError(loadDeletionVector(store, dir, good));
    expect([err.sqlstate, err.message]).toEqual(['XX001', expect.stringMatching(/file ends before/)]);
    const past = await corruptError(loadDeletionVector(store, tableWith(), { ...good, offset: 43 }));
    expect([past.sqlstate, past.message]).toEqual(['XX001', expect.stringMatching(/file ends before/)]);
  });

  it('names the path of a missing DV file', async () => {
    const dir = path.join(root, 'empty');
    fs.mkdirSync(dir);
    const err = await corruptError(loadDeletionVector(store, dir, good));
    expect(err.sqlstate).toBe('XX001');
    expect(err.message).toContain(path.join(dir, fileName));
    expect(err.message).toMatch(/does not exist/);
  });

  it('reports other read failures as I/O errors', async () => {
    const failing = { getRange: () => Promise.reject(Object.assign(new Error('permission denied'), { code: 'EACCES' })) } as unknown as ObjectStore;
    const err = await corruptError(loadDeletionVector(failing, '/t', good));
    expect(err.sqlstate).toBe('58030');
  });

  it('rejects an inline DV whose cardinality differs from the log', async () => {
    const inline: DeletionVectorDescriptor = {
      storageType: 'i',
      pathOrInlineDv: '^Bg9^0rr910000000000iXQKl0rr91000005c8Xg##093',
      sizeInBytes: 34,
      cardinality: 2,
    };
    const err = await corruptError(loadDeletionVector(store, '/t', inline));
    expect([err.sqlstate, err.message]).toEqual(['XX001', expect.stringMatching(/inline deletion vector: .*cardinality 2/)]);
  });

  it('rejects an inline DV shorter than sizeInBytes, or with a bad magic', async () => {
    const inline: DeletionVectorDescriptor = { storageType: 'i', pathOrInlineDv: 'HelloWorld', sizeInBytes: 12, cardinality: 0 };
    const short = await corruptError(loadDeletionVector(store, '/t', inline));
    expect([short.sqlstate, short.message]).toEqual(['XX001', expect.stringMatching(/decodes to 8 bytes/)]);
    const magic = await corruptError(loadDeletionVector(store, '/t', { ...inline, sizeInBytes: 8 }));
    expect([magic.sqlstate, magic.message]).toEqual(['XX001', expect.stringMatching(/magic/)]);
  });
});
