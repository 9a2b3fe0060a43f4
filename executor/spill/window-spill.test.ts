import type * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { runSql, sqlError } from '../write/testing/run-sql.js';
import { useSpillWarehouse } from './testing/spill-fixture.js';

// A window whose input passes DELTASQL_OPERATOR_MEMORY_MB is sorted to disk by (partition, order)
// and computed a chunk of whole partitions at a time: the answer is the in-memory window's, row
// for row (same emission order: partitions ascending NULLs last, then the stable ORDER BY). Only
// a partition larger than the budget still fails, with 53200 saying so.

const fx = useSpillWarehouse();

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
    const inMemory = await runSql(fx.session, sql);
    fx.budget(256);
    const result = await runSql(fx.session, sql);
    expect(result.rows.length).toBeGreaterThan(0);
    expect(result.rows.length).toBe(inMemory.rows.length);
    expect(result.rows).toEqual(inMemory.rows);
    expect(fx.spilled()).toBe(true);
    expect(fx.files()).toEqual([]);
  });

  it('53200 when one partition alone is larger than the budget, and the run files are gone', async () => {
    fx.budget(64);
    // 8 partitions of 6,000 rows (~150 KiB each) under a 64 KiB budget.
    const err = await sqlError(fx.session, 'SELECT i, row_number() OVER (PARTITION BY i % 8 ORDER BY s) FROM t');
    expect(err.sqlstate).toBe('53200');
    expect(err.message).toBe('out of memory: the window needs more than 0 MiB');
    expect(err.detail).toMatch(/^A single window partition is larger than the limit/);
    expect(err.hint).toContain('DELTASQL_OPERATOR_MEMORY_MB');
    expect(fx.spilled()).toBe(true);
    expect(fx.files()).toEqual([]);
  });

  it('53200 for a window without PARTITION BY past the budget, without spilling', async () => {
    fx.budget(64);
    const err = await sqlError(fx.session, 'SELECT i, row_number() OVER (ORDER BY s) FROM t');
    expect(err.sqlstate).toBe('53200');
    expect(err.detail).toBe('A window without PARTITION BY holds its whole input in memory: here it is larger than the limit.');
    expect(fx.spilled()).toBe(false);
  });

  it('deletes its run files when cancelled while emitting', async () => {
    fx.budget(256);
    const controller = new AbortController();
    const result = await fx.session.execute('SELECT i, row_number() OVER (PARTITION BY k ORDER BY i) FROM t', { signal: controller.signal });
    const batches = result.batches[Symbol.asyncIterator]();
    expect(((await batches.next()).value as arrow.RecordBatch).numRows).toBeGreaterThan(0);
    expect(fx.files().length).toBeGreaterThan(0);
    controller.abort();
    await expect(batches.next()).rejects.toMatchObject({ sqlstate: '57014' });
    expect(fx.files()).toEqual([]);
  });
});
