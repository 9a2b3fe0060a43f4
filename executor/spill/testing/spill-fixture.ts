import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
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

/** What a spill test file works with: see `useSpillWarehouse`. */
export interface SpillTestContext {
  /** A session over the file's warehouse (holding `t`). */
  readonly session: Session;
  /** This test's DELTASQL_SPILL_DIR (set by `budget`). */
  readonly base: string;
  /** Sets DELTASQL_OPERATOR_MEMORY_MB to `kib` KiB and a fresh DELTASQL_SPILL_DIR, both undone after the test. */
  budget(kib: number): void;
  /** Whether this process made its spill directory under the test's DELTASQL_SPILL_DIR. */
  spilled(): boolean;
  /** The run files left in it. */
  files(): string[];
  /**
   * Runs `sql` unlimited, then under a `kib` KiB budget, and expects the same rows as a set (SQL
   * leaves their order open), more than 900 of them, something spilled and no file left.
   */
  expectSameRowsSpilled(sql: string, kib: number): Promise<void>;
}

/** A row as text for set comparison (bigints marked, so `1n` and `1` differ). */
function rowKey(row: unknown[]): string {
  return JSON.stringify(row, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
}

/**
 * The spill tests' shared set-up, registered with vitest: `spillWarehouse()` built once for the
 * file and removed after it; per test, a budget and a spill directory that `afterEach` undoes.
 */
export function useSpillWarehouse(): SpillTestContext {
  let warehouse: { dir: string; session: Session } | undefined;
  let spill: ReturnType<typeof spillDirForTest> | undefined;
  beforeAll(async () => {
    warehouse = await spillWarehouse();
  }, 60_000);
  afterAll(() => {
    if (warehouse !== undefined) rmSync(warehouse.dir, { recursive: true, force: true });
  });
  afterEach(() => {
    delete process.env.DELTASQL_OPERATOR_MEMORY_MB;
    delete process.env.DELTASQL_SPILL_DIR;
    spill?.remove();
    spill = undefined;
  });
  const current = () => {
    if (spill === undefined) throw new Error('call budget() first');
    return spill;
  };
  const context: SpillTestContext = {
    get session() {
      if (warehouse === undefined) throw new Error('the spill warehouse is built in beforeAll');
      return warehouse.session;
    },
    get base() {
      return current().base;
    },
    budget(kib) {
      spill = spillDirForTest();
      process.env.DELTASQL_OPERATOR_MEMORY_MB = String(kib / 1024);
      process.env.DELTASQL_SPILL_DIR = spill.base;
    },
    spilled: () => readdirSync(current().base).some((d) => d.startsWith(`deltasql-spill-${process.pid}-`)),
    files: () => current().files(),
    async expectSameRowsSpilled(sql, kib) {
      const inMemory = await runSql(context.session, sql);
      context.budget(kib);
      const result = await runSql(context.session, sql);
      expect(result.rows.length).toBeGreaterThan(900);
      expect(result.rows.length).toBe(inMemory.rows.length);
      expect(result.rows.map(rowKey).sort()).toEqual(inMemory.rows.map(rowKey).sort());
      expect(context.spilled()).toBe(true);
      expect(context.files()).toEqual([]);
    },
  };
  return context;
}
