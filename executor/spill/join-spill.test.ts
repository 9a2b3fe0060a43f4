import { describe, expect, it } from 'vitest';
import { runSql, sqlError } from '../write/testing/run-sql.js';
import { useSpillWarehouse } from './testing/spill-fixture.js';

// Hash joins whose build side outgrows DELTASQL_OPERATOR_MEMORY_MB (a grace hash join,
// operators/hash-join/grace.ts): both sides go to 16 files by key hash and are joined pair by
// pair, again split when a build partition still does not fit. Every join type must give the
// in-memory answer; row order is not defined by SQL, so answers are compared as sorted sets.

const fx = useSpillWarehouse();


describe('hash joins spilling to disk', () => {
  it.each([
    ['inner on an expression key', 'SELECT a.i, b.i AS bi, b.s FROM t a JOIN t b ON a.i = b.i + 3', 512],
    ['inner on two keys with a residual', 'SELECT a.i, b.f FROM t a JOIN t b ON a.i = b.i + 1 AND a.s <> b.s AND a.f < b.f', 256],
    ['left: half the rows unmatched', 'SELECT a.i, b.i AS bi FROM t a LEFT JOIN t b ON a.i = b.i * 2', 64],
    ['right of a filtered side', 'SELECT a.i, b.i AS bi FROM (SELECT * FROM t WHERE i % 3 = 0) a RIGHT JOIN t b ON a.i = b.i * 2', 32],
    ['full, NULL keys on both sides', 'SELECT a.i, b.i AS bi FROM (SELECT i, k FROM t WHERE i % 2 = 0) a FULL JOIN (SELECT i, k FROM t WHERE i % 3 = 0) b ON a.k = b.k AND a.i = b.i', 32],
    ['semi (IN)', 'SELECT i FROM t WHERE i IN (SELECT i * 2 FROM t)', 128],
    ['anti (NOT EXISTS)', 'SELECT i FROM t a WHERE NOT EXISTS (SELECT 1 FROM t b WHERE b.i = a.i * 2)', 128],
    ['NOT IN without NULLs in the list: NULL probe keys never qualify', 'SELECT i, f FROM t WHERE f NOT IN (SELECT f * 3 FROM t WHERE f IS NOT NULL)', 64],
    ['a string key', 'SELECT a.i, b.i AS bi FROM t a JOIN (SELECT i, s FROM t WHERE i % 5 = 0) b ON a.s = b.s AND a.i = b.i', 16],
    // Three build keys, so most partitions have no build rows: their probe rows are all kept.
    ['anti with build partitions left empty', 'SELECT i FROM t a WHERE NOT EXISTS (SELECT 1 FROM t b WHERE b.i % 3 = a.i % 7)', 160],
    // 4 KiB: every level-1 partition (3,000 rows) outgrows it and is split again.
    ['split twice', 'SELECT a.i, b.i AS bi FROM t a JOIN t b ON a.i = b.i - 7', 4],
  ])('%s: the in-memory answer, as a set', async (_name, sql, kib) => {
    await fx.expectSameRowsSpilled(sql, kib);
  });

  it('NOT IN with a NULL in a spilled list answers nothing', async () => {
    fx.budget(64);
    const result = await runSql(fx.session, 'SELECT i FROM t WHERE k NOT IN (SELECT k FROM t WHERE i > 10)');
    expect(result.rows).toEqual([]);
    expect(fx.files()).toEqual([]);
  });

  it('EXPLAIN ANALYZE shows what the join spilled', async () => {
    fx.budget(64);
    const result = await runSql(fx.session, 'EXPLAIN ANALYZE SELECT a.i FROM t a JOIN t b ON a.i = b.i');
    const join = result.rows.map((r) => String(r[0])).find((line) => line.includes('HashJoin'));
    expect(join).toMatch(/spilled=\d+ files \d+\.\d MiB/);
  });

  it('a build side whose keys cannot be split is 53200, its files deleted', async () => {
    // k has 37 values: every row of one k stays in one partition at every level.
    fx.budget(4);
    const error = await sqlError(fx.session, 'SELECT count(*) FROM t a JOIN t b ON a.k = b.k AND a.i < b.i');
    expect(error.sqlstate).toBe('53200');
    expect(error.message).toMatch(/hash join build side needs more than/);
    expect(error.detail).toMatch(/Split 4 times by key hash/);
    expect(fx.files()).toEqual([]);
  });

  it('deletes its partition files when cancelled mid-join', async () => {
    fx.budget(64);
    const controller = new AbortController();
    const result = await fx.session.execute('SELECT a.i, b.s FROM t a JOIN t b ON a.i = b.i', { signal: controller.signal });
    const batches = result.batches[Symbol.asyncIterator]();
    const first = await batches.next();
    expect(first.done).toBe(false);
    expect(fx.files().length).toBeGreaterThan(0);
    controller.abort();
    await expect(batches.next()).rejects.toMatchObject({ sqlstate: '57014' });
    expect(fx.files()).toEqual([]);
  });
});
