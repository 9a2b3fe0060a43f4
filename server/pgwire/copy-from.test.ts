import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Warehouse } from '../../storage/warehouse.js';
import { startPgServer, type PgServer } from './server.js';
import { runPsql, type PsqlRun } from './testing/psql.js';

// COPY … FROM STDIN with psql 15 against a real server over a scratch warehouse: the rows land
// in the Delta table in one commit, and bad input writes nothing.

let server: PgServer;
let client: pg.Client;
beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'deltasql-copy-'));
  server = await startPgServer({ catalog: new Warehouse(dir), port: 0 });
  client = new pg.Client({ host: '127.0.0.1', port: server.port, user: 'tester', database: 'warehouse' });
  await client.connect();
  await client.query('CREATE TABLE trades (id BIGINT NOT NULL, ticker STRING, price DECIMAL(10,2), day DATE) USING DELTA');
});
afterAll(async () => {
  await client.end();
  await server.close();
});

function psql(args: string[], input: string): Promise<PsqlRun> {
  return runPsql(server.port, args, { input });
}

async function rows(sql: string): Promise<unknown[][]> {
  return (await client.query({ text: sql, rowMode: 'array' })).rows;
}

describe('COPY FROM STDIN', () => {
  it('appends text-format rows (\\N is NULL) in one commit and answers COPY n', async () => {
    const r = await psql(['-c', 'COPY trades FROM STDIN'], '1\tAAPL\t189.50\t2024-01-02\n2\tMSFT\t\\N\t2024-01-03\n');
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('COPY 2\n');
    expect(await rows('SELECT id, ticker, price, day::text FROM trades ORDER BY id')).toEqual([
      ['1', 'AAPL', '189.50', '2024-01-02'],
      ['2', 'MSFT', null, '2024-01-03'],
    ]);
  });

  it('reads CSV with a header and a column list; the columns not named are NULL', async () => {
    const r = await psql(['-c', 'COPY trades (ticker, id) FROM STDIN (FORMAT csv, HEADER)'], 'ticker,id\n"GOOG, Inc",3\nNVDA,4\n');
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('COPY 2\n');
    expect(await rows('SELECT id, ticker, price FROM trades WHERE id >= 3 ORDER BY id')).toEqual([
      ['3', 'GOOG, Inc', null],
      ['4', 'NVDA', null],
    ]);
  });

  it('refuses bad input and NULLs in NOT NULL columns, writing nothing', async () => {
    const before = await rows('SELECT count(*) FROM trades');
    const bad = await psql(['-c', 'COPY trades FROM STDIN'], '5\tX\t1.00\t2024-01-02\nx\tY\t1.00\t2024-01-02\n');
    expect(bad.stderr).toBe('ERROR:  invalid input syntax for type bigint: "x"\nDETAIL:  COPY line 2, column id: "x"\n');
    const nulls = await psql(['-c', 'COPY trades (ticker) FROM STDIN'], 'TSLA\n');
    expect(nulls.stderr).toBe('ERROR:  null value in column "id" of relation "trades" violates not-null constraint\n');
    const unknown = await psql(['-c', 'COPY trades (nope) FROM STDIN'], 'x\n');
    expect(unknown.stderr).toMatch(/^ERROR: {2}column "nope" does not exist/);
    expect(await rows('SELECT count(*) FROM trades')).toEqual(before);
  });

  it('records each COPY as a WRITE commit in the table history', async () => {
    const history = await rows('DESCRIBE HISTORY trades');
    expect(history.map((h) => [h[0], h[4]])).toEqual([['2', 'WRITE'], ['1', 'WRITE'], ['0', 'CREATE TABLE']]);
  });
});
