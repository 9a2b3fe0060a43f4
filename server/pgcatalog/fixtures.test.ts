import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { splitStatements } from '../../planner/index.js';
import { Warehouse } from '../../storage/warehouse.js';
import { startPgServer, type PgServer } from '../pgwire/server.js';

// The catalog queries BI tools send when they connect and browse (fixtures/*.sql, each saying
// which client and version it comes from), sent over a real connection: every one answers
// without error, and the listings name the warehouse's tables.

const GOLDEN = new URL('../../sql-tests/data/warehouse/', import.meta.url).pathname;
const FIXTURES = new URL('./fixtures/', import.meta.url).pathname;

let dir: string;
let server: PgServer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'deltasql-fixtures-'));
  for (const t of ['prices', 'scores']) cpSync(join(GOLDEN, t), join(dir, t), { recursive: true });
  server = await startPgServer({ catalog: new Warehouse(dir), port: 0 });
});

afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function connect(): Promise<pg.Client> {
  const client = new pg.Client({ host: '127.0.0.1', port: server.port, user: 'postgres', database: 'deltasql' });
  await client.connect();
  return client;
}

/** Each statement of a fixture on one connection, as the tool sends them: results, or the errors. */
async function runEach(file: string): Promise<{ results: pg.QueryResult[]; errors: string[] }> {
  const client = await connect();
  const results: pg.QueryResult[] = [];
  const errors: string[] = [];
  try {
    for (const piece of await splitStatements(readFileSync(join(FIXTURES, file), 'utf8'))) {
      try {
        results.push(await client.query(piece.sql));
      } catch (err) {
        errors.push(`${(err as Error).message}\n  in: ${piece.sql.slice(0, 120)}`);
      }
    }
  } finally {
    await client.end();
  }
  return { results, errors };
}

const names = (r: pg.QueryResult | undefined, column: string) => (r?.rows ?? []).map((row) => row[column]);

describe('BI tools\' catalog queries', () => {
  it('every fixture file says which client it comes from', () => {
    const files = readdirSync(FIXTURES).filter((f) => f.endsWith('.sql'));
    expect(files.sort()).toEqual(['dbeaver.sql', 'grafana.sql', 'metabase.sql', 'npgsql-powerbi.sql', 'tableau-psqlodbc.sql']);
    for (const f of files) expect(readFileSync(join(FIXTURES, f), 'utf8')).toMatch(/^-- \S.*\d/);
  });

  it('DBeaver', async () => {
    const { results, errors } = await runEach('dbeaver.sql');
    expect(errors).toEqual([]);
    expect(names(results[4], 'nspname')).toEqual(['global_temp', 'information_schema', 'pg_catalog', 'pg_toast', 'public']);
    expect(names(results[7], 'relname').sort()).toEqual(['prices', 'scores']);
    expect(names(results[8], 'attname')).toEqual(['date', 'ticker', 'open', 'high', 'low', 'close', 'volume']);
  });

  it('Metabase', async () => {
    const { results, errors } = await runEach('metabase.sql');
    expect(errors).toEqual([]);
    expect(results[0].rows.map((r) => [r.schema, r.name, r.type, r.estimated_row_count])).toEqual([['public', 'prices', 'TABLE', '100'], ['public', 'scores', 'TABLE', '18']]);
    expect(results[2].rows.filter((r) => r.table_name === 'scores').map((r) => r.name)).toEqual(['id', 'grp', 'name', 'score', 'weight', 'passed']);
  });

  it('Grafana', async () => {
    const { results, errors } = await runEach('grafana.sql');
    expect(errors).toEqual([]);
    expect(results[0].rows).toEqual([{ version: 1500 }]);
    expect(names(results[2], 'table').sort()).toEqual(['prices', 'scores']);
    expect(names(results[3], 'column')).toEqual(['date', 'ticker', 'open', 'high', 'low', 'close', 'volume']);
  });

  it('Tableau through psqlODBC cursors', async () => {
    const { results, errors } = await runEach('tableau-psqlodbc.sql');
    expect(errors).toEqual([]);
    expect(results[5].rows.map((r) => r.relname)).toEqual(['prices', 'scores']);
    expect(results[6].rows.map((r) => [r.attname, r.typname])).toEqual([['date', 'date'], ['ticker', 'text'], ['open', 'float8'], ['high', 'float8'], ['low', 'float8'], ['close', 'float8'], ['volume', 'int8']]);
    expect(results[9].rows).toHaveLength(5);
  });

  it('Npgsql / Power BI: the type-loading query as one multi-statement string, then DISCARD ALL', async () => {
    const client = await connect();
    try {
      const results = (await client.query(readFileSync(join(FIXTURES, 'npgsql-powerbi.sql'), 'utf8'))) as unknown as pg.QueryResult[];
      expect(results).toHaveLength(4);
      const types = results[1].rows.map((r) => r.typname as string);
      for (const t of ['int4', 'text', 'numeric', 'timestamptz', '_int4', 'bool']) expect(types).toContain(t);
      expect(results[2].rows).toEqual([]);
      expect(results[3].rows).toEqual([]);
      expect((await client.query('DISCARD ALL')).command).toBe('DISCARD');
    } finally {
      await client.end();
    }
  });
});
