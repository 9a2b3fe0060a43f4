import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PostgresOracle } from '../../server/pgcatalog/testing/postgres-oracle.js';
import type { Session } from '../../server/session.js';
import { runSql } from '../write/testing/run-sql.js';
import { fixtureSelect, spillDirForTest, spillWarehouse } from './testing/spill-fixture.js';

// The spilled sort, window and aggregate against PostgreSQL 15 on the same rows (the fixture's
// SELECTs run in both): every ORDER BY here is total (it ends on the unique `i`, or groups are
// unique), so the row sequences must be identical, not just the sets.

const FILES = 8;
const ROWS = 6000;
let warehouse: { dir: string; session: Session };
let spill: ReturnType<typeof spillDirForTest>;
const pg = new PostgresOracle();

beforeAll(async () => {
  warehouse = await spillWarehouse(FILES, ROWS);
  pg.start();
  const selects = Array.from({ length: FILES }, (_, f) => fixtureSelect(f * ROWS, ROWS)).join('\nUNION ALL\n');
  const made = pg.psql('postgres', ['-v', 'ON_ERROR_STOP=1', '-c', `CREATE TABLE t AS ${selects}`]);
  expect(made.stderr).toBe('');
}, 120_000);
afterAll(() => {
  pg.stop();
  rmSync(warehouse.dir, { recursive: true, force: true });
});
afterEach(() => {
  delete process.env.DELTASQL_OPERATOR_MEMORY_MB;
  delete process.env.DELTASQL_SPILL_DIR;
  spill?.remove();
});

/** PostgreSQL's rows as `a|b|c` lines (NULL as empty), as `psql -At` prints them. */
function postgres(sql: string): string[] {
  // Through a file: psql's stdout is a pipe with a 1 MiB buffer here, and the answers are larger.
  const out = join(pg.dir, 'answer.txt');
  const r = pg.psql('postgres', ['-At', '-v', 'ON_ERROR_STOP=1', '-o', out, '-c', sql]);
  expect(r.stderr).toBe('');
  return readFileSync(out, 'utf8').trimEnd().split('\n');
}

describe('spilled operators against PostgreSQL 15', () => {
  it.each([
    ['ORDER BY string DESC, int NULLS FIRST, date, i', 'SELECT i, k, s, d::text FROM t ORDER BY s DESC, k NULLS FIRST, d, i'],
    ['row_number / rank / dense_rank over three windows', 'SELECT i, row_number() OVER (PARTITION BY k ORDER BY s, i) AS rn, rank() OVER (PARTITION BY s ORDER BY d) AS r, dense_rank() OVER (PARTITION BY k ORDER BY d DESC) AS dr FROM t ORDER BY i'],
    ['lag / lead and a ROWS frame count', 'SELECT i, lag(i) OVER w AS p, lead(s, 2) OVER w AS n, count(k) OVER (PARTITION BY k ORDER BY i ROWS BETWEEN 3 PRECEDING AND 1 FOLLOWING) AS c FROM t WINDOW w AS (PARTITION BY d ORDER BY i) ORDER BY i'],
    ['GROUP BY of ~19,000 groups', 'SELECT s, d::text, count(*) AS n, min(i) AS lo, max(k) AS hi FROM t GROUP BY s, d ORDER BY s, d'],
  ])('%s', async (_name, sql) => {
    spill = spillDirForTest();
    process.env.DELTASQL_OPERATOR_MEMORY_MB = String(256 / 1024);
    process.env.DELTASQL_SPILL_DIR = spill.base;
    const ours = (await runSql(warehouse.session, sql)).rows.map((row) => row.map((v) => (v === null ? '' : String(v))).join('|'));
    const theirs = postgres(sql);
    expect(ours.length).toBeGreaterThan(10_000);
    expect(ours).toEqual(theirs);
    // It spilled (the per-process directory is made on the first spill) and left no file.
    expect(readdirSync(spill.base).some((d) => d.startsWith(`deltasql-spill-${process.pid}-`))).toBe(true);
    expect(spill.files()).toEqual([]);
  });
});
