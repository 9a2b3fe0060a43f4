/**
 * Partial-aggregate scans (planner/optimizer/partial-aggregate-scan.ts), end to end through a
 * listening server: node-postgres and psql against a Delta table of 4 files that DuckDB wrote
 * (3,000 rows each, row groups of 1,024: string, integer and date keys with NULLs, doubles with
 * NULLs, a NaN in one file, floats, integers, and a string key too varied for a dictionary), each
 * answer checked against DuckDB over the same Parquet files; and corpus tables whose deletion
 * vectors and partition values the partial states must respect.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runPsql } from './pgwire/testing/psql.js';
import { CORPUS, ensureBuilt, runCli } from './testing/cli.js';
import { duckTable, duckTableForTests } from './testing/duckdb-table.js';

const FILES = 4;
const ROWS_PER_FILE = 3_000;
const { table, ours, duckdb, scanLine } = duckTableForTests(async () => {
  const selects = Array.from({ length: FILES }, (_, k) => {
    // Values are multiples of 1/4, so sums are exact in any order (partial sums add up per row group).
    const x = k === 3 ? `CASE WHEN i = 1234 THEN 'NaN'::DOUBLE WHEN i % 13 = 0 THEN NULL ELSE (i % 997) * 0.25 - 50 END` : `CASE WHEN i % 13 = 0 THEN NULL ELSE (i % 997) * 0.25 - 50 END`;
    return (
      `SELECT CASE WHEN i % 97 = 5 THEN NULL ELSE 'k' || ((i * 7 + ${k}) % 50) END AS s, ` +
      `CASE WHEN i % 89 = 3 THEN NULL ELSE ((i + ${k}) % 20)::INTEGER END AS n, DATE '2024-01-01' + (i % 40)::INTEGER AS d, ` +
      `(${x})::DOUBLE AS x, ((i % 100) * 0.5)::FLOAT AS f, (i * 31 % 1000 - 500)::INTEGER AS v, 'u' || (i + ${k * ROWS_PER_FILE}) AS u ` +
      `FROM range(${ROWS_PER_FILE}) t(i)`
    );
  });
  const columns = [['s', 'string'], ['n', 'integer'], ['d', 'date'], ['x', 'double'], ['f', 'float'], ['v', 'integer'], ['u', 'string']] as const;
  return duckTable('deltasql-partial-aggregate-', selects, 'ROW_GROUP_SIZE 1024', columns);
});

const ALL_ROWS = FILES * ROWS_PER_FILE;

describe('GROUP BY one column of count, sum, avg, min and max', () => {
  const cases = [
    // A dictionary-coded string key with NULLs; doubles with NULLs (and a NaN in one file: that row group is read row by row).
    'SELECT s, count(*) AS rows, count(x) AS xs, sum(x) AS total, avg(x) AS mean, min(x) AS lo, max(x) AS hi FROM events GROUP BY s ORDER BY s NULLS FIRST',
    // An integer key with NULLs; dates and integers' extremes and counts.
    'SELECT n, min(d) AS first, max(d) AS last, count(d) AS days, min(v) AS lo, max(v) AS hi, count(v) AS vs FROM events GROUP BY n ORDER BY n NULLS FIRST',
    // A date key; floats summed and averaged (as float8 in DuckDB, so cast alike).
    'SELECT d, sum(f)::DOUBLE AS total, avg(f) AS mean, max(f)::DOUBLE AS hi FROM events GROUP BY d ORDER BY d',
    // Merged results under expressions, HAVING and ORDER BY.
    'SELECT s, round(avg(x), 6) AS mean, count(*) * 2 AS twice FROM events GROUP BY s HAVING count(*) > 235 ORDER BY mean DESC, s LIMIT 7',
  ];

  it.each(cases)('answers as DuckDB does, from per-key states of each row group: %s', async (sql) => {
    expect(await ours(sql)).toEqual(await duckdb(sql));
    const scan = await scanLine(sql);
    expect(scan.text).toContain('partial_aggregate=[');
    // Dictionary-coded keys: a row group answers one state row per key, not one per row (the
    // row group holding the NaN is read row by row: 1,024 of them).
    expect(scan.rows).toBeLessThan(ALL_ROWS / 4);
  });

  it('keeps PostgreSQL’s NaN: max(x) is NaN where a NaN was read, min(x) is not', async () => {
    const sql = "SELECT s, max(x) AS hi, min(x) AS lo, count(x) AS xs FROM events GROUP BY s HAVING max(x) = 'NaN'::float8";
    const rows = await ours(sql);
    expect(rows).toEqual(await duckdb(sql));
    expect(rows).toHaveLength(1);
    expect(rows[0]?.[1]).toBe('NaN');
    expect(Number(rows[0]?.[2])).toBeLessThan(0);
  });

  it('a key too varied for a dictionary is read row by row, one state row each, with the same answers', async () => {
    const sql = 'SELECT u, count(*) AS rows, sum(x) AS total, max(v) AS hi FROM events GROUP BY u ORDER BY u LIMIT 5';
    expect(await ours(sql)).toEqual(await duckdb(sql));
    const scan = await scanLine(sql);
    expect(scan.text).toContain('partial_aggregate=[u: x, v]');
    expect(scan.rows).toBe(ALL_ROWS);
  });

  it('answers the same from the column cache (a second run) and through psql', async () => {
    const sql = 'SELECT s, count(*) AS rows, sum(x) AS total FROM events GROUP BY s ORDER BY s NULLS FIRST';
    const first = await ours(sql);
    expect(first).toEqual(await duckdb(sql));
    expect(await ours(sql)).toEqual(first);
    // Rows of the same columns cached by a query that read them whole serve too, one state row each.
    const rowsSql = 'SELECT s, count(*) AS rows, max(x) AS hi, min(x) AS lo FROM events GROUP BY s ORDER BY s NULLS FIRST';
    await ours('SELECT max(s), sum(x) FROM events');
    expect(await ours(rowsSql)).toEqual(await duckdb(rowsSql));
    const run = await runPsql(table().server.port, ['-A', '-t', '-c', "SELECT count(*), sum(x), min(v) FROM events GROUP BY s HAVING s = 'k7'"]);
    expect(run.stderr).toBe('');
    expect(run.stdout.trim()).toBe((await duckdb("SELECT count(*), sum(x), min(v) FROM events GROUP BY s HAVING s = 'k7'")).map((r) => r.join('|')).join('\n'));
  });
});

describe('in the decode workers (the built CLI)', () => {
  it('aggregates row groups where they are decoded, with the same answers', async () => {
    ensureBuilt();
    const sql = 'SELECT s, count(*) AS rows, count(x) AS xs, sum(x) AS total, min(v) AS lo, max(d) AS last FROM events GROUP BY s ORDER BY s NULLS FIRST';
    const run = await runCli(['query', '--warehouse', table().root, '--format', 'csv', sql]);
    expect(run.stderr).toBe('');
    const lines = run.stdout.trim().split(/\r?\n/).slice(1);
    const expected = (await duckdb(sql.replace('max(d) AS last', 'strftime(max(d), \'%Y-%m-%d\') AS last'))).map((r) => r.map((v) => (v === 'NULL' ? '' : v)).join(','));
    expect(lines).toEqual(expected);
    const explain = await runCli(['query', '--warehouse', table().root, `EXPLAIN ANALYZE ${sql}`]);
    expect(explain.stdout).toMatch(/partial_aggregate=\[s: x, v, d\] \(rows=\d+/);
    expect(Number(/partial_aggregate=\[s: x, v, d\] \(rows=(\d+)/.exec(explain.stdout)?.[1])).toBeLessThan(ALL_ROWS / 4);
  });
});

describe('aggregates the states cannot carry, or rows a filter picks', () => {
  const cases = [
    'SELECT s, sum(v) AS total FROM events GROUP BY s ORDER BY s NULLS FIRST', // an integer's exact sum
    'SELECT s, count(DISTINCT n) AS ns FROM events GROUP BY s ORDER BY s NULLS FIRST',
    'SELECT s, count(*) FILTER (WHERE x > 0) AS pos FROM events GROUP BY s ORDER BY s NULLS FIRST',
    'SELECT s, avg(x) AS mean FROM events WHERE n > 3 GROUP BY s ORDER BY s NULLS FIRST',
    'SELECT s, n, count(*) AS rows FROM events GROUP BY s, n ORDER BY s NULLS FIRST, n NULLS FIRST',
    'SELECT upper(s) AS k, count(*) AS rows FROM events GROUP BY upper(s) ORDER BY k NULLS FIRST',
    'SELECT min(s) AS lo, max(u) AS hi FROM events GROUP BY n ORDER BY n NULLS FIRST',
  ];

  it.each(cases)('read every row: %s', async (sql) => {
    expect(await ours(sql)).toEqual(await duckdb(sql));
    const scan = await scanLine(sql);
    expect(scan.text).not.toContain('partial_aggregate');
    expect(scan.rows).toBe(ALL_ROWS);
  });
});

describe('corpus tables', () => {
  const dv = `delta.\`${join(CORPUS, 'dv-partitioned-with-checkpoint')}\``;
  const partitioned = `delta.\`${join(CORPUS, 'basic_partitioned')}\``;

  it('rows a deletion vector removed stay removed (col1 = 0, 2, …, 28 deleted)', async () => {
    const sql = `SELECT col2, count(*) AS n, min(col1) AS lo, max(col1) AS hi FROM ${dv} GROUP BY col2 ORDER BY col2`;
    expect((await scanLine(sql)).text).toContain('partial_aggregate=[col2: col1]');
    // col1 = 0…49, col2 = 'foo' || col1 % 5; the even col1 below 30 are gone.
    const expected = [0, 1, 2, 3, 4].map((r) => {
      const live = Array.from({ length: 50 }, (_, x) => x).filter((x) => x % 5 === r && !(x % 2 === 0 && x < 30));
      return [`foo${r}`, String(live.length), String(Math.min(...live)), String(Math.max(...live))];
    });
    expect(await ours(sql)).toEqual(expected);
  });

  it('a partition column as the key: every file’s rows under its partition value, the NULL partition included', async () => {
    const sql = `SELECT letter, count(*) AS n, min(a_float) AS lo, avg(a_float) AS mean FROM ${partitioned} GROUP BY letter ORDER BY letter NULLS FIRST`;
    expect((await scanLine(sql)).text).toContain('partial_aggregate=[letter: a_float]');
    // The same query where the key is an expression (no partial states) is the reference.
    const reference = `SELECT letter || '' AS letter, count(*) AS n, min(a_float) AS lo, avg(a_float) AS mean FROM ${partitioned} GROUP BY letter || '' ORDER BY 1 NULLS FIRST`;
    expect(await ours(sql)).toEqual(await ours(reference));
    expect((await ours(sql)).map((r) => r[0])).toEqual(['NULL', 'a', 'b', 'c', 'e']);
  });
});
