import { describe, expect, it } from 'vitest';
import { useSpillWarehouse } from './testing/spill-fixture.js';

// GROUP BY with more groups than DELTASQL_OPERATOR_MEMORY_MB holds: rows of groups that do not
// fit go to 16 files by key hash and are aggregated file by file (again split when a file still
// has too many). Group order is not defined by SQL, so answers are compared as sorted sets.

const fx = useSpillWarehouse();


describe('GROUP BY spilling to disk', () => {
  it.each([
    // 48,000 groups: ~5,000 fit in 256 KiB, the rest spill (and spill again inside partitions).
    ['48,000 groups of one row: count, sum, min/max of a string', 'SELECT i, count(*) AS n, sum(f) AS s, min(s) AS lo, max(s) AS hi FROM t GROUP BY i', 256],
    // A batch's new groups always enter the table (one 6,000-row batch here): later batches spill.
    ['a string and an expression key: avg, count(DISTINCT), NULL-skipping count', 'SELECT s, i % 20 AS m, avg(f) AS a, count(DISTINCT k) AS dk, count(f) AS cf FROM t GROUP BY s, i % 20', 4],
    ['two keys with a NULL group: string_agg in order, HAVING', "SELECT k, d, string_agg(s, ',' ORDER BY i) AS ss FROM t GROUP BY k, d HAVING count(*) > 1", 16],
  ])('%s: the in-memory answer, as a set', async (_name, sql, kib) => {
    await fx.expectSameRowsSpilled(sql, kib);
  });

  it('deletes its partition files when cancelled between partitions', async () => {
    fx.budget(64);
    const controller = new AbortController();
    const result = await fx.session.execute('SELECT i, count(*) FROM t GROUP BY i', { signal: controller.signal });
    const batches = result.batches[Symbol.asyncIterator]();
    let rows = 0;
    // The in-memory groups come first; a later batch comes from a partition file.
    while (fx.files().length === 0 || rows === 0) {
      const next = await batches.next();
      expect(next.done).toBe(false);
      rows += next.value?.numRows ?? 0;
    }
    expect(fx.files().length).toBeGreaterThan(0);
    controller.abort();
    await expect(batches.next()).rejects.toMatchObject({ sqlstate: '57014' });
    expect(fx.files()).toEqual([]);
  });
});
