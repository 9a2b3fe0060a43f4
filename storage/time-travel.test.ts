import { utimesSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalObjectStore } from './object-store/local.js';
import { DeltaTable } from './table.js';
import { copyCorpusTable, corpusPath, corpusTable } from './testing/corpus.js';
import { versionPrefix } from './log/files.js';

const store = new LocalObjectStore();
const ms = (iso: string) => Date.parse(iso);

/** simple_table with the commit-file mtimes its delta-rs assertion prescribes (git does not keep them). */
function simpleTableWithMtimes(): string {
  const root = copyCorpusTable('simple_table');
  const mtimes = ['2020-05-01T22:47:31-07:00', '2020-05-02T22:47:31-07:00', '2020-05-03T22:47:31-07:00', '2020-05-04T22:47:31-07:00', '2020-05-05T22:47:31-07:00'];
  mtimes.forEach((iso, v) => utimesSync(join(root, '_delta_log', `${versionPrefix(v)}.json`), new Date(iso), new Date(iso)));
  utimesSync(join(root, '_delta_log', '.tmp', `${versionPrefix(5)}.json`), new Date('2020-05-06T22:47:31-07:00'), new Date('2020-05-06T22:47:31-07:00'));
  return root;
}

describe('TIMESTAMP AS OF', () => {
  const assertion = corpusTable('simple_table').assertions!.find((a) => a.kind === 'timestamp-travel')!;
  const expected = Object.entries(assertion.value as Record<string, number>);

  it('resolves every in-range timestamp of the delta-rs assertion from commit-file mtimes (Spark rule)', async () => {
    const table = new DeltaTable(store, simpleTableWithMtimes(), 'simple_table');
    for (const [iso, version] of expected) {
      const t = ms(iso);
      if (t < ms('2020-05-01T22:47:31-07:00') || t > ms('2020-05-05T22:47:31-07:00')) continue;
      expect((await table.atTimestamp(t)).version, iso).toBe(version);
    }
  });

  it('refuses a timestamp before the first commit or after the last one, as Spark does', async () => {
    const table = new DeltaTable(store, simpleTableWithMtimes(), 'simple_table');
    await expect(table.atTimestamp(ms('2020-05-01T00:47:31-07:00'))).rejects.toMatchObject({ sqlstate: '22023', message: expect.stringContaining('before the earliest version available (version 0') });
    await expect(table.atTimestamp(ms('2020-05-25T22:47:31-07:00'))).rejects.toMatchObject({ sqlstate: '22023', message: expect.stringContaining('after the latest version (version 4') });
  });

  it('with the delta-rs rule, clamps out-of-range timestamps and matches the whole assertion', async () => {
    const table = new DeltaTable(store, simpleTableWithMtimes(), 'simple_table', { timestampOutOfRange: 'clamp' });
    for (const [iso, version] of expected) expect((await table.atTimestamp(ms(iso))).version, iso).toBe(version);
  });

  it('ignores the uncommitted .tmp commit: the latest version is 4', async () => {
    const table = new DeltaTable(store, simpleTableWithMtimes(), 'simple_table');
    expect((await table.latest()).version).toBe(4);
  });

  it('monotonizes commit-file times that go backwards, as Spark does', async () => {
    const root = copyCorpusTable('simple_table');
    const same = new Date('2021-01-01T00:00:00Z');
    for (let v = 0; v <= 4; v++) utimesSync(join(root, '_delta_log', `${versionPrefix(v)}.json`), same, same);
    const table = new DeltaTable(store, root, 'simple_table');
    // All five share one mtime: they count as t, t+1ms, … t+4ms.
    expect((await table.atTimestamp(same.getTime())).version).toBe(0);
    expect((await table.atTimestamp(same.getTime() + 2)).version).toBe(2);
    expect((await table.atTimestamp(same.getTime() + 4)).version).toBe(4);
  });

  it('follows in-commit timestamps, not file times, when the table has them (cdc_ict_table)', async () => {
    const root = copyCorpusTable('cdc_ict_table');
    // File times that would give other answers if they were (wrongly) used.
    for (let v = 0; v <= 3; v++) utimesSync(join(root, '_delta_log', `${versionPrefix(v)}.json`), new Date('2030-01-01'), new Date('2030-01-01'));
    const table = new DeltaTable(store, root, 'cdc_ict_table');
    expect((await table.atTimestamp(ms('2026-07-12T16:36:52.175Z'))).version).toBe(2);
    expect((await table.atTimestamp(ms('2026-07-12T16:36:53.000Z'))).version).toBe(2);
    expect((await table.atTimestamp(ms('2026-07-12T16:36:53.881Z'))).version).toBe(3);
    await expect(table.atTimestamp(ms('2026-07-12T16:36:54.000Z'))).rejects.toMatchObject({ sqlstate: '22023' });
  });

  it('dates a table whose early commits were cleaned up from its oldest reconstructable version', async () => {
    const table = new DeltaTable(store, corpusPath('checkpoint-cdf-table'), 'checkpoint-cdf-table');
    await expect(table.atVersion(2)).rejects.toMatchObject({ sqlstate: '22023', message: expect.stringContaining('the oldest version that can be read is 3') });
    await expect(table.atTimestamp(0)).rejects.toMatchObject({ message: expect.stringContaining('version 3') });
  });
});

describe('VERSION AS OF', () => {
  it('refuses versions past the latest and negative ones', async () => {
    const table = new DeltaTable(store, corpusPath('basic_partitioned'), 'basic_partitioned');
    await expect(table.atVersion(2)).rejects.toMatchObject({ sqlstate: '22023', message: expect.stringContaining('version 2 does not exist; the latest version is 1') });
    await expect(table.atVersion(-1)).rejects.toMatchObject({ sqlstate: '22023' });
  });
});
