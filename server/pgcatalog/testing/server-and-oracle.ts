import { afterAll, beforeAll, expect } from 'vitest';
import { Warehouse } from '../../../storage/warehouse.js';
import { startPgServer, type PgServer } from '../../pgwire/server.js';
import { CORPUS } from '../../testing/cli.js';
import { PostgresOracle } from './postgres-oracle.js';

/**
 * A test file's deltasql server over the corpus and a throwaway PostgreSQL 15 to compare it with:
 * both started before the file's tests (then `setup` run on the oracle's `postgres` database,
 * each statement required to succeed) and stopped after them. Read `server` / `oracle` inside tests.
 */
export function useServerAndOracle(setup: readonly string[] = []): { readonly server: PgServer; readonly oracle: PostgresOracle } {
  const both = {} as { server: PgServer; oracle: PostgresOracle };
  beforeAll(async () => {
    both.server = await startPgServer({ catalog: new Warehouse(CORPUS), port: 0 });
    both.oracle = new PostgresOracle();
    both.oracle.start();
    for (const sql of setup) expect(both.oracle.psql('postgres', ['-c', sql]).status).toBe(0);
  });
  afterAll(async () => {
    both.oracle.stop();
    await both.server.close();
  });
  return both;
}
