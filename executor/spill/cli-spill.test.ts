import { mkdtempSync, readdirSync, rmSync, watch } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Warehouse } from '../../storage/warehouse.js';
import { Session } from '../../server/session.js';
import { ensureBuilt, runCli } from '../../server/testing/cli.js';
import { runSql } from '../write/testing/run-sql.js';

// End to end through the built CLI (`node dist/server/cli/main.js query`), as issue 4 asks: a
// table of ~45 MiB sorted under DELTASQL_OPERATOR_MEMORY_MB=32 spills, answers every row in
// order, and the process leaves nothing in DELTASQL_SPILL_DIR when it exits.

const N = 400_000;
let warehouse: string;

beforeAll(async () => {
  ensureBuilt();
  warehouse = mkdtempSync(join(tmpdir(), 'deltasql-spill-cli-'));
  // s: a 7-digit key ((i · 7919) mod N, unique: 7919 is prime and does not divide N) then 100 'x'.
  await runSql(new Session(new Warehouse(warehouse)), `CREATE TABLE big USING DELTA AS
    SELECT g AS i, lpad(((g::bigint * 7919) % ${N})::text, 7, '0') || repeat('x', 100) AS s FROM generate_series(1, ${N}) AS x(g)`);
}, 120_000);
afterAll(() => rmSync(warehouse, { recursive: true, force: true }));

describe('deltasql query sorting a table larger than DELTASQL_OPERATOR_MEMORY_MB', () => {
  it('spills, prints all 400,000 rows in order, and removes its spill directory on exit', async () => {
    const base = mkdtempSync(join(tmpdir(), 'deltasql-spill-base-'));
    const seen: string[] = [];
    const watcher = watch(base, (_event, name) => {
      if (name !== null) seen.push(name);
    });
    try {
      const run = await runCli(['query', '--warehouse', warehouse, '--format', 'csv', 'SELECT i, s FROM big ORDER BY s DESC'], {
        DELTASQL_OPERATOR_MEMORY_MB: '32',
        DELTASQL_SPILL_DIR: base,
      });
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      const lines = run.stdout.trimEnd().split('\r\n');
      expect(lines[0]).toBe('i,s');
      expect(lines).toHaveLength(N + 1);
      // Row r (0-based) has key N-1-r: the i with (i · 7919) mod N = N-1-r.
      const inverse = new Int32Array(N);
      for (let i = 1; i <= N; i++) inverse[(i * 7919) % N] = i;
      for (let r = 0; r < N; r++) {
        const key = N - 1 - r;
        const expected = `${inverse[key]},${String(key).padStart(7, '0')}${'x'.repeat(100)}`;
        if (lines[r + 1] !== expected) expect(lines[r + 1], `row ${r}`).toBe(expected);
      }
      // It spilled (its per-process directory appeared) and nothing is left after a normal exit.
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(seen.some((name) => /^deltasql-spill-\d+-/.test(name))).toBe(true);
      expect(readdirSync(base)).toEqual([]);
    } finally {
      watcher.close();
      rmSync(base, { recursive: true, force: true });
    }
  }, 120_000);
});
