import { rmSync } from 'node:fs';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Warehouse } from '../../storage/warehouse.js';
import { startPgServer, type PgServer } from '../../server/pgwire/server.js';
import { RawClient, serialize } from '../../server/pgwire/testing/raw-client.js';
import { runSql } from '../write/testing/run-sql.js';
import { spillDirForTest, spillWarehouse } from './testing/spill-fixture.js';

// Spilling queries over the PostgreSQL protocol, with real clients: node-postgres gets the sorted
// rows; statement_timeout and a client that hangs up mid-answer both end the statement, and the
// run files go with it.

const SORT = 'SELECT i, s, d FROM t ORDER BY s DESC, d, i';
let warehouse: Awaited<ReturnType<typeof spillWarehouse>>;
let server: PgServer;
let spill: ReturnType<typeof spillDirForTest>;

beforeAll(async () => {
  warehouse = await spillWarehouse();
  server = await startPgServer({ catalog: new Warehouse(warehouse.dir), port: 0 });
}, 60_000);
afterAll(async () => {
  await server.close();
  rmSync(warehouse.dir, { recursive: true, force: true });
});
afterEach(() => {
  delete process.env.DELTASQL_OPERATOR_MEMORY_MB;
  delete process.env.DELTASQL_SPILL_DIR;
  spill?.remove();
});

function tinyBudget(): void {
  spill = spillDirForTest();
  process.env.DELTASQL_OPERATOR_MEMORY_MB = String(64 / 1024);
  process.env.DELTASQL_SPILL_DIR = spill.base;
}

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('spilling over the PostgreSQL protocol', () => {
  it('node-postgres receives the spilled sort, row for row the unlimited one', async () => {
    const expected = (await runSql(warehouse.session, SORT)).rows.map(([i, s]) => [i, s]);
    tinyBudget();
    const client = new pg.Client({ host: '127.0.0.1', port: server.port, user: 'tester', database: 'db' });
    await client.connect();
    try {
      const result = await client.query({ text: SORT, rowMode: 'array' });
      expect(result.rows.map(([i, s]) => [i, s])).toEqual(expected);
      expect(spill.files()).toEqual([]);
    } finally {
      await client.end();
    }
  });

  it('statement_timeout cancels a spilling sort with 57014, and its runs are deleted', async () => {
    tinyBudget();
    const client = new pg.Client({ host: '127.0.0.1', port: server.port, user: 'tester', database: 'db' });
    await client.connect();
    try {
      await client.query("SET statement_timeout = '40ms'");
      // Three copies of t: 170–400 ms of reading, sorting and spilling here, cut short at 40 ms
      // (cancels at a known point in the spill are in sort-spill.test.ts).
      await expect(client.query(`SELECT * FROM t UNION ALL SELECT * FROM t UNION ALL SELECT * FROM t ORDER BY s, f`)).rejects.toMatchObject({
        code: '57014',
        message: 'canceling statement due to statement timeout',
      });
      await client.query('SET statement_timeout = 0');
      expect(spill.files()).toEqual([]);
      expect((await client.query('SELECT count(*)::int AS n FROM t')).rows).toEqual([{ n: 48_000 }]);
    } finally {
      await client.end();
    }
  });

  it('a client that hangs up while the merged rows stream ends the statement; the runs are deleted', async () => {
    tinyBudget();
    const c = await RawClient.started(server.port);
    const from = c.messages.length;
    c.send(serialize.query(`SELECT * FROM t UNION ALL SELECT * FROM t UNION ALL SELECT * FROM t ORDER BY s, i`));
    await c.until('dataRow', from, 30_000);
    expect(spill.files().length).toBeGreaterThan(0); // merging: the runs are on disk
    c.socket.destroy();
    await until(() => spill.files().length === 0);
  });
});
