import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Warehouse } from '../../storage/warehouse.js';
import { startHttpServer, type RunningHttpServer } from './server.js';

// Writes over HTTP, on a scratch warehouse: the JSON document says what the statement did.

let server: RunningHttpServer;
beforeAll(async () => {
  server = await startHttpServer({ catalog: new Warehouse(mkdtempSync(join(tmpdir(), 'deltasql-http-writes-'))), port: 0 });
});
afterAll(async () => {
  await server.close();
});

async function post(sql: string, params?: unknown[]): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`http://127.0.0.1:${server.port}/v1/query`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(params === undefined ? { sql } : { sql, params }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('writes over POST /v1/query', () => {
  it('answers each statement\'s tag as "command", with $n parameters bound to the columns\' types', async () => {
    expect(await post('CREATE TABLE t (id INT NOT NULL, d DATE) USING DELTA')).toEqual({ status: 200, body: { columns: [], rows: [], rowCount: 0, command: 'CREATE TABLE' } });
    expect(await post('INSERT INTO t VALUES ($1, $2), ($3, $4)', [1, '2024-02-29', 2, null])).toEqual({ status: 200, body: { columns: [], rows: [], rowCount: 0, command: 'INSERT 0 2' } });
    expect((await post('UPDATE t SET d = $1 WHERE id = $2', ['2024-03-01', 2])).body.command).toBe('UPDATE 1');
    expect((await post('SELECT id, d FROM t ORDER BY id')).body).toEqual({ columns: [{ name: 'id', type: 'int4' }, { name: 'd', type: 'date' }], rows: [[1, '2024-02-29'], [2, '2024-03-01']], rowCount: 2 });
  });

  it('refuses a NULL in a NOT NULL column with 400 / 23502 and writes nothing', async () => {
    const r = await post('INSERT INTO t VALUES ($1, $2)', [null, '2024-01-01']);
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ code: '23502' });
    expect((await post('SELECT count(*) AS n FROM t')).body.rows).toEqual([[2]]);
  });
});
