import { readdirSync, rmSync } from 'node:fs';
import type * as arrow from 'apache-arrow';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Session } from '../../server/session.js';
import { runSql, sqlError } from '../write/testing/run-sql.js';
import { spillDirForTest, spillWarehouse } from './testing/spill-fixture.js';

// A window whose input passes DELTASQL_OPERATOR_MEMORY_MB is sorted to disk by (partition, order)
// and computed a chunk of whole partitions at a time: the answer is the in-memory window's, row
// for row (same emission order: partitions ascending NULLs last, then the stable ORDER BY). Only
// a partition larger than the budget still fails, with 53200 saying so.

let warehouse: { dir: string; session: Session };
let spill: ReturnType<typeof spillDirForTest>;

beforeAll(async () => {
  warehouse = await spillWarehouse();
}, 60_000);
afterAll(() => rmSync(warehouse.dir, { recursive: true, force: true }));
afterEach(() => {
  delete process.env.DELTASQL_OPERATOR_MEMORY_MB;
  delete process.env.DELTASQL_SPILL_DIR;
  spill?.remove();
});

/** A budget of `kib` KiB (the 48,000-row input is ~1.2 MiB; a partition of `k` ~35 KiB) and a fresh spill dir. */
function budget(kib: number): void {
  spill = spillDirForTest();
  process.env.DELTASQL_OPERATOR_MEMORY_MB = String(kib / 1024);
  process.env.DELTASQL_SPILL_DIR = spill.base;
}

function spilled(): boolean {
  return readdirSync(spill.base).some((d) => d.startsWith(`deltasql-spill-${process.pid}-`));
}

describe('window functions spilling to disk', () => {
  it.each([
    ['row_number by k, ORDER BY f DESC NULLS FIRST, i', 'SELECT i, k, f, row_number() OVER (PARTITION BY k ORDER BY f DESC NULLS FIRST, i) AS rn FROM t'],
    ['rank / dense_rank with ties on a date', 'SELECT i, s, d, rank() OVER (PARTITION BY s ORDER BY d) AS r, dense_rank() OVER (PARTITION BY s ORDER BY d DESC) AS dr FROM t'],
    ['a ROWS frame sum and lag/lead', 'SELECT i, k, sum(f) OVER (PARTITION BY k ORDER BY i ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) AS s3, lag(i) OVER (PARTITION BY k ORDER BY i) AS prev, lead(s, 2) OVER (PARTITION BY k ORDER BY i) AS next2 FROM t'],
    ['two partition keys, running count with the default RANGE frame', 'SELECT i, k, s, count(*) OVER (PARTITION BY s, k ORDER BY f) AS c, avg(f) OVER (PARTITION BY s, k) AS a FROM t'],
    // `OR i < 0` (never true) hides the bound from the window group limit, which would cut the
    // window's input to each partition's top rows and leave nothing to spill.
    ["last-touch attribution's dense_rank = 1", 'SELECT * FROM (SELECT i, k, f, dense_rank() OVER (PARTITION BY k ORDER BY f DESC) AS r FROM t) x WHERE r = 1 OR i < 0'],
  ])('%s: equals the in-memory window row for row', async (_name, sql) => {
    const inMemory = await runSql(warehouse.session, sql);
    budget(256);
    const result = await runSql(warehouse.session, sql);
    expect(result.rows.length).toBeGreaterThan(0);
    expect(result.rows.length).toBe(inMemory.rows.length);
    expect(result.rows).toEqual(inMemory.rows);
    expect(spilled()).toBe(true);
    expect(spill.files()).toEqual([]);
  });

  it('53200 when one partition alone is larger than the budget, and the run files are gone', async () => {
    budget(64);
    // 8 partitions of 6,000 rows (~150 KiB each) under a 64 KiB budget.
    const err = await sqlError(warehouse.session, 'SELECT i, row_number() OVER (PARTITION BY i % 8 ORDER BY s) FROM t');
    expect(err.sqlstate).toBe('53200');
    expect(err.message).toBe('out of memory: the window needs more than 0 MiB');
    expect(err.detail).toMatch(/^A single window partition is larger than the limit/);
    expect(err.hint).toContain('DELTASQL_OPERATOR_MEMORY_MB');
    expect(spilled()).toBe(true);
    expect(spill.files()).toEqual([]);
  });

  it('53200 for a window without PARTITION BY past the budget, without spilling', async () => {
    budget(64);
    const err = await sqlError(warehouse.session, 'SELECT i, row_number() OVER (ORDER BY s) FROM t');
    expect(err.sqlstate).toBe('53200');
    expect(err.detail).toBe('A window without PARTITION BY holds its whole input in memory: here it is larger than the limit.');
    expect(spilled()).toBe(false);
  });

  it('deletes its run files when cancelled while emitting', async () => {
    budget(256);
    const controller = new AbortController();
    const result = await warehouse.session.execute('SELECT i, row_number() OVER (PARTITION BY k ORDER BY i) FROM t', { signal: controller.signal });
    const batches = result.batches[Symbol.asyncIterator]();
    expect(((await batches.next()).value as arrow.RecordBatch).numRows).toBeGreaterThan(0);
    expect(spill.files().length).toBeGreaterThan(0);
    controller.abort();
    await expect(batches.next()).rejects.toMatchObject({ sqlstate: '57014' });
    expect(spill.files()).toEqual([]);
  });
});
