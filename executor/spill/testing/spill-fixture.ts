import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Warehouse } from '../../../storage/warehouse.js';
import { Session } from '../../../server/session.js';
import { runSql } from '../../write/testing/run-sql.js';

/**
 * Spill tests' shared fixture: a temp warehouse holding `t`, a real Delta table written through
 * SQL (CTAS, then INSERTs: one data file each, so a scan yields one batch per file and a tiny
 * budget spills a run per batch). `files × rows` rows: `i` unique 1…N, `k` 0…36 with NULLs, `f`
 * a double with NULLs and many ties, `s` a string of 997 values, `d` a date with ties.
 */
export async function spillWarehouse(files = 8, rowsPerFile = 6000): Promise<{ dir: string; session: Session }> {
  const dir = mkdtempSync(join(tmpdir(), 'deltasql-spill-test-'));
  const session = new Session(new Warehouse(dir));
  const select = (from: number) => fixtureSelect(from, rowsPerFile);
  await runSql(session, `CREATE TABLE t USING DELTA AS ${select(0)}`);
  for (let f = 1; f < files; f++) await runSql(session, `INSERT INTO t ${select(f * rowsPerFile)}`);
  return { dir, session };
}

/** A fresh DELTASQL_SPILL_DIR for one test; `files()` lists the run files left in it. */
export function spillDirForTest(): { base: string; files: () => string[]; remove: () => void } {
  const base = mkdtempSync(join(tmpdir(), 'deltasql-spill-base-'));
  return {
    base,
    files: () => {
      if (!existsSync(base)) return [];
      return readdirSync(base).flatMap((d) => readdirSync(join(base, d)).map((f) => join(d, f)));
    },
    remove: () => rmSync(base, { recursive: true, force: true }),
  };
}

/**
 * The SELECT that makes one file of `t`, rows `from + 1 … from + rows`; PostgreSQL runs it as is
 * (the oracle test builds the same table there).
 */
export function fixtureSelect(from: number, rows: number): string {
  return `SELECT g + ${from} AS i,
      CASE WHEN g % 11 = 0 THEN NULL ELSE (g + ${from}) % 37 END AS k,
      CASE WHEN g % 13 = 0 THEN NULL ELSE ((g::bigint * 7919 + ${from}) % 1000) / 8.0 END AS f,
      's' || (((g + ${from})::bigint * 31) % 997) AS s,
      DATE '2020-01-01' + CAST((g * 17) % 400 AS integer) AS d
    FROM generate_series(1, ${rows}) AS x(g)`;
}
