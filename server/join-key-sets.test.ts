/**
 * A hash join's key sets pushed into the scan of its probe side (storage/scan/flat-parquet/key-set.ts),
 * end to end: node-postgres, psql and the built CLI against a Delta table of 4 files that DuckDB
 * wrote (3,000 rows each, row groups of 1,024; dates clustered as a time series is, with NULLs;
 * integers with NULLs; dictionary strings; unique strings; doubles with NULLs). Each answer is
 * checked against DuckDB over the same files, and EXPLAIN ANALYZE's scan line tells how many rows
 * the scan answered: only those whose keys are in the build side's sets, the first time a file
 * is read so; every row of the kept row groups the second time (then cached); the cache after.
 */
import { describe, expect, it } from 'vitest';
import { runPsql } from './pgwire/testing/psql.js';
import { ensureBuilt, runCli } from './testing/cli.js';
import { duckTable, duckTableForTests } from './testing/duckdb-table.js';

const FILES = 4;
const ROWS_PER_FILE = 3_000;
const { table, ours, duckdb, scanLine } = duckTableForTests(async () => {
  const selects = Array.from({ length: FILES }, (_, k) => {
    const i = `(i + ${k * ROWS_PER_FILE})`;
    return (
      // 30 rows a day, days in order across the files; a NULL date every 101st row.
      `SELECT CASE WHEN ${i} % 101 = 7 THEN NULL ELSE DATE '2024-01-01' + (${i} // 30)::INTEGER END AS d, ` +
      `CASE WHEN ${i} % 89 = 3 THEN NULL ELSE (${i} % 25)::INTEGER END AS n, 'k' || (${i} % 30) AS s, ` +
      `CASE WHEN ${i} % 13 = 0 THEN NULL ELSE ${i} * 0.25 END::DOUBLE AS x, 'u' || ${i} AS u, ` +
      // The same days without NULLs: RLE runs of 30 codes, selected run by run (key-set.ts selectRowsInSet).
      `DATE '2024-01-01' + (${i} // 30)::INTEGER AS t ` +
      `FROM range(${ROWS_PER_FILE}) t(i)`
    );
  });
  const columns = [['d', 'date'], ['n', 'integer'], ['s', 'string'], ['x', 'double'], ['u', 'string'], ['t', 'date']] as const;
  return duckTable('deltasql-join-key-sets-', selects, 'ROW_GROUP_SIZE 1024', columns);
});

/**
 * Days 5 and 17 (file 0), 390 (file 3) and one no row has. DuckDB writes row groups of 2,048 rows
 * here, so each file has 2; the range these days span keeps them all.
 */
const DAYS = "(DATE '2024-01-06'), (DATE '2024-01-18'), (DATE '2025-01-25'), (DATE '2031-01-01')";
const BY_DATE = `SELECT e.d, e.n, e.s, e.x, e.u FROM events e JOIN (VALUES ${DAYS}) q(d) ON e.d = q.d ORDER BY e.u`;

// The tests run in order: a read is narrowed the first time, read whole (and cached) the second,
// and served by the cache after. Each test reads its own row groups.
describe('an inner join on a date key', () => {
  it('narrows on two keys at once (a date and an integer with NULLs), and to nothing when no row matches', async () => {
    // Days 101 and 104: the first row group of file 1 only.
    const sql = `SELECT e.u, e.n, q.tag FROM events e JOIN (VALUES (DATE '2024-04-11', 3, 'a'), (DATE '2024-04-11', 4, 'b'), (DATE '2024-04-14', 0, 'c'), (DATE '2024-04-14', NULL, 'd')) q(d, n, tag) ON e.d = q.d AND e.n = q.n ORDER BY e.u`;
    const want = await duckdb(sql);
    expect(want.length).toBeGreaterThan(2);
    // The scan answers the rows whose date and integer are each among the build side's.
    const inSets = await duckdb("SELECT count(*) FROM events WHERE d IN (DATE '2024-04-11', DATE '2024-04-14') AND n IN (0, 3, 4)");
    const scan = await scanLine(sql);
    expect(scan.rows).toBe(Number(inSets[0]?.[0]));
    expect(scan.text).toContain('row_groups=1/8');
    expect(await ours(sql)).toEqual(want);
    // Footer statistics rule out every row group (n is 0…24): nothing is read.
    const none = `SELECT e.u FROM events e JOIN (VALUES (DATE '2024-01-06', 99)) q(d, n) ON e.d = q.d AND e.n = q.n`;
    expect(await duckdb(none)).toEqual([]);
    expect((await scanLine(none)).rows).toBe(0);
    // In the sets, yet no pair matches: the scan answers the rows in the sets, the join none.
    const crossed = `SELECT e.u FROM events e JOIN (VALUES (DATE '2024-01-06', 0), (DATE '2024-01-07', 1)) q(d, n) ON e.d = q.d AND e.n = q.n`;
    expect(await ours(crossed)).toEqual(await duckdb(crossed));
  });

  it('reads only the probe rows whose date the build side holds, the first time; every row the second; the cache the third', async () => {
    const want = await duckdb(BY_DATE);
    // 30 rows a day, less the NULL dates among them.
    expect(want.length).toBeGreaterThan(80);
    expect(want.length).toBeLessThan(90);
    const first = await scanLine(BY_DATE);
    expect(first.rows).toBe(want.length);
    // EXPLAIN ANALYZE ran it once: this is the second read of those files, whole, then cached.
    expect(await ours(BY_DATE)).toEqual(want);
    const third = await scanLine(BY_DATE);
    expect(third.rows).toBe(FILES * ROWS_PER_FILE);
    expect(await ours(BY_DATE)).toEqual(want);
  });

  it('narrows on a date key without NULLs, stored in date order, from its runs of codes', async () => {
    // Days 210 and 250 (file 2) and one no row has: 30 rows each.
    const sql = `SELECT e.t, e.u, e.x FROM events e JOIN (VALUES (DATE '2024-07-29'), (DATE '2024-09-07'), (DATE '2030-01-01')) q(t) ON e.t = q.t ORDER BY e.u`;
    const want = await duckdb(sql);
    expect(want.length).toBe(60);
    expect((await scanLine(sql)).rows).toBe(60);
    expect(await ours(sql)).toEqual(want);
  });

  it('is not narrowed for a LEFT join, whose unmatched probe rows are output', async () => {
    const sql = `SELECT count(*) AS rows, count(q.d) AS matched FROM events e LEFT JOIN (VALUES ${DAYS}) q(d) ON e.d = q.d`;
    expect(await ours(sql)).toEqual(await duckdb(sql));
    expect((await scanLine(sql)).rows).toBe(FILES * ROWS_PER_FILE);
  });

  it('through psql', async () => {
    const sql = `SELECT e.u, e.x FROM events e JOIN (VALUES (DATE '2024-03-01')) q(d) ON e.d = q.d ORDER BY e.u`;
    const run = await runPsql(table().server.port, ['-A', '-t', '-F', ',', '-c', sql]);
    expect(run.stderr).toBe('');
    expect(run.stdout.trim()).toBe((await duckdb(sql)).map((r) => r.map((v) => (v === 'NULL' ? '' : v)).join(',')).join('\n'));
  });
});

describe('in the decode workers (the built CLI)', () => {
  it('decodes only the matching rows of the files, with the same answers', async () => {
    ensureBuilt();
    const sql = `SELECT e.u, e.n, e.s, e.x FROM events e JOIN (VALUES ${DAYS}) q(d) ON e.d = q.d ORDER BY e.u`;
    const run = await runCli(['query', '--warehouse', table().root, '--format', 'csv', sql]);
    expect(run.stderr).toBe('');
    const want = (await duckdb(sql)).map((r) => r.map((v) => (v === 'NULL' ? '' : v)).join(','));
    expect(run.stdout.trim().split(/\r?\n/).slice(1)).toEqual(want);
    const explain = await runCli(['query', '--warehouse', table().root, `EXPLAIN ANALYZE ${sql}`]);
    expect(Number(/Scan: events .*\(rows=(\d+)/.exec(explain.stdout)?.[1])).toBe(want.length);
  });
});
