/**
 * Distinct-values scans (planner/optimizer/distinct-values-scan.ts), end to end through a
 * listening server: node-postgres and psql against a Delta table of 4 files that DuckDB wrote
 * (3,000 rows each, row groups of 2,048, dictionary-encoded strings with NULLs), each answer
 * checked against DuckDB over the same Parquet files; and corpus tables whose deletion vectors
 * and partition values the shortcut must respect.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runPsql } from './pgwire/testing/psql.js';
import { CORPUS } from './testing/cli.js';
import { duckTable, duckTableForTests } from './testing/duckdb-table.js';

const FILES = 4;
const ROWS_PER_FILE = 3_000;
const { table, ours, duckdb, scanLine } = duckTableForTests(async () => {
  // s: 50 short strings, NULL every 97th row; v: 0…299 shifted per file; d: dates.
  const selects = Array.from(
    { length: FILES },
    (_, k) =>
      `SELECT CASE WHEN i % 97 = 5 THEN NULL ELSE 'k' || ((i * 7 + ${k}) % 50) END AS s, ((i + ${k * 100}) % 300)::BIGINT AS v, ` +
      `DATE '2024-01-01' + (i % 40)::INTEGER AS d FROM range(${ROWS_PER_FILE}) t(i)`,
  );
  return duckTable('deltasql-distinct-values-', selects, 'ROW_GROUP_SIZE 2048', [['s', 'string'], ['v', 'long'], ['d', 'date']]);
});

describe('a duplicate-blind aggregate over one column', () => {
  const cases = [
    'SELECT count(DISTINCT s) AS n, min(s) AS lo, max(s) AS hi FROM events',
    'SELECT s FROM events GROUP BY s ORDER BY s NULLS FIRST',
    'SELECT DISTINCT v FROM events ORDER BY v',
    'SELECT count(DISTINCT v) AS n, sum(DISTINCT v) AS total, avg(DISTINCT v) AS mean FROM events WHERE v >= 120',
    "SELECT upper(s) AS u, count(DISTINCT s) AS n FROM events WHERE s LIKE 'k1%' GROUP BY upper(s) ORDER BY u",
    'SELECT count(DISTINCT d) AS n, min(d) AS first, max(d) AS last FROM events',
  ];

  it.each(cases)('answers as DuckDB does, from each row group distinct values: %s', async (sql) => {
    expect(await ours(sql)).toEqual(await duckdb(sql));
    const scan = await scanLine(sql);
    expect(scan.text).toContain('distinct_values');
    // Fewer rows than the table's: dictionary-coded row groups answer each value once.
    expect(scan.rows).toBeLessThan(FILES * ROWS_PER_FILE);
  });

  it('reads a dictionary-coded string column as its distinct values per row group, NULL included', async () => {
    const scan = await scanLine('SELECT count(DISTINCT s) FROM events');
    expect(scan.rows).toBeLessThanOrEqual(FILES * 2 * 51);
    expect(await ours('SELECT count(*) AS n FROM (SELECT DISTINCT s FROM events) t WHERE s IS NULL')).toEqual([['1']]);
  });

  it('works through psql', async () => {
    const run = await runPsql(table().server.port, ['-A', '-t', '-c', 'SELECT count(DISTINCT s), min(s), max(s) FROM events']);
    expect(run.stderr).toBe('');
    expect(run.stdout.trim()).toBe('50|k0|k9');
  });
});

describe('aggregates that see how often rows repeat, or more than one column', () => {
  const cases = [
    'SELECT count(*) AS n, count(DISTINCT s) AS d FROM events',
    'SELECT s, count(*) AS n FROM events GROUP BY s ORDER BY s NULLS FIRST',
    'SELECT sum(v) AS total FROM events',
    'SELECT count(DISTINCT s) AS a, count(DISTINCT v) AS b FROM events',
    'SELECT string_agg(DISTINCT s, \',\' ORDER BY s) AS all_s FROM events',
  ];

  it.each(cases)('read every row: %s', async (sql) => {
    expect(await ours(sql)).toEqual(await duckdb(sql));
    const scan = await scanLine(sql);
    expect(scan.text).not.toContain('distinct_values');
    expect(scan.rows).toBe(FILES * ROWS_PER_FILE);
  });

  it('a volatile expression keeps every row (random() is drawn per row)', async () => {
    const sql = 'SELECT count(DISTINCT s) FILTER (WHERE random() < 2) AS n FROM events';
    const scan = await scanLine(sql);
    expect(scan.text).not.toContain('distinct_values');
    expect(scan.rows).toBe(FILES * ROWS_PER_FILE);
    expect(await ours(sql)).toEqual([['50']]);
  });
});

describe('corpus tables', () => {
  const dv = `delta.\`${join(CORPUS, 'dv-partitioned-with-checkpoint')}\``;
  const partitioned = `delta.\`${join(CORPUS, 'basic_partitioned')}\``;

  it('rows a deletion vector removed stay removed (15 of col1 = 0…49 deleted)', async () => {
    expect(await ours(`SELECT count(DISTINCT col1) AS n, min(col1) AS lo FROM ${dv}`)).toEqual([['35', '1']]);
    expect((await scanLine(`SELECT count(DISTINCT col1) FROM ${dv}`)).text).toContain('distinct_values');
    expect(await ours(`SELECT DISTINCT col2 FROM ${dv} ORDER BY col2`)).toEqual([['foo0'], ['foo1'], ['foo2'], ['foo3'], ['foo4']]);
  });

  it('a partition column answers one row per file, the NULL partition included', async () => {
    expect(await ours(`SELECT DISTINCT letter FROM ${partitioned} ORDER BY letter NULLS FIRST`)).toEqual([['NULL'], ['a'], ['b'], ['c'], ['e']]);
    const scan = await scanLine(`SELECT count(DISTINCT letter) FROM ${partitioned}`);
    expect(scan.text).toContain('distinct_values');
    // The 6 live files (two of them letter a): one row each instead of their rows.
    expect(scan.rows).toBe(6);
  });
});
