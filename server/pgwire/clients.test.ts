import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Warehouse } from '../../storage/warehouse.js';
import { CORPUS } from '../testing/cli.js';
import { startPgServer, type PgServer } from './server.js';
import { runPsql, type PsqlRun } from './testing/psql.js';

// Real clients against a real listening server over the corpus: node-postgres and psql 15.

let server: PgServer;
beforeAll(async () => {
  server = await startPgServer({ catalog: new Warehouse(CORPUS), port: 0 });
});
afterAll(async () => {
  await server.close();
});

async function client(): Promise<pg.Client> {
  const c = new pg.Client({ host: '127.0.0.1', port: server.port, user: 'tester', database: 'warehouse' });
  await c.connect();
  return c;
}

/** psql 15 against this file's server. */
function psql(args: string[], input = ''): Promise<PsqlRun> {
  return runPsql(server.port, args, { input });
}

describe('node-postgres', () => {
  it('simple queries return typed values', async () => {
    const c = await client();
    const r = await c.query('SELECT as_int, as_long, as_boolean, as_double, as_string, as_big_decimal FROM "data-reader-primitives" WHERE as_int = 3');
    expect(r.rows).toEqual([{ as_int: 3, as_long: '3', as_boolean: false, as_double: 3, as_string: '3', as_big_decimal: '3' }]);
    expect(r.command).toBe('SELECT');
    expect(r.rowCount).toBe(1);
    await c.end();
  });

  it('parameterised queries infer the parameter type from the column', async () => {
    const c = await client();
    const r = await c.query('SELECT id FROM simple_table WHERE id >= $1 ORDER BY id', [7]);
    expect(r.rows).toEqual([{ id: '7' }, { id: '9' }]);
    const s = await c.query('SELECT $1::text AS t, $2 AS u', ['a', null]);
    expect(s.rows).toEqual([{ t: 'a', u: null }]);
    await c.end();
  });

  it('named statements are parsed once and reused', async () => {
    const c = await client();
    const q = { name: 'by-id', text: 'SELECT count(*) AS n FROM simple_table WHERE id > $1' };
    expect((await c.query({ ...q, values: [5] })).rows).toEqual([{ n: '2' }]);
    expect((await c.query({ ...q, values: [7] })).rows).toEqual([{ n: '1' }]);
    await c.end();
  });

  it('errors carry SQLSTATE and position; the connection stays usable', async () => {
    const c = await client();
    await expect(c.query('SELECT nope FROM simple_table')).rejects.toMatchObject({ code: '42703', position: '8' });
    await expect(c.query('SELECT id FROM simple_table WHERE id = $1', ['x'])).rejects.toMatchObject({ code: '22P02' });
    expect((await c.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    await c.end();
  });

  it('multi-statement strings, SET and SHOW', async () => {
    const c = await client();
    const results = (await c.query("SET search_path TO public; SHOW search_path; SELECT 2 AS two")) as unknown as pg.QueryResult[];
    expect(results.map((r) => r.command)).toEqual(['SET', 'SHOW', 'SELECT']);
    expect(results[1]!.rows).toEqual([{ search_path: 'public' }]);
    await c.end();
  });

  it('a transaction block with a cursor (what psqlODBC sends)', async () => {
    const c = await client();
    await c.query('BEGIN');
    await c.query('DECLARE "SQL_CUR1" CURSOR WITH HOLD FOR SELECT id FROM simple_table ORDER BY id');
    expect((await c.query('FETCH 2 IN "SQL_CUR1"')).rows).toEqual([{ id: '5' }, { id: '7' }]);
    const last = await c.query('FETCH 2 IN "SQL_CUR1"');
    expect(last.rows).toEqual([{ id: '9' }]);
    expect(last.command).toBe('FETCH');
    await c.query('CLOSE "SQL_CUR1"');
    await c.query('COMMIT');
    await c.query('DISCARD ALL');
    await c.end();
  });
});

describe('psql 15', () => {
  it('runs a multi-statement string', async () => {
    const r = await psql(['-c', 'SELECT id FROM simple_table ORDER BY id; SELECT 1 AS a']);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(' id \n----\n  5\n  7\n  9\n(3 rows)\n\n a \n---\n 1\n(1 row)\n\n');
  });

  it('prints an error with LINE 1: and the caret under the offending token', async () => {
    const r = await psql(['-c', 'SELECT id, nope FROM simple_table']);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('ERROR:  column "nope" does not exist\nLINE 1: SELECT id, nope FROM simple_table\n                   ^\n');
  });

  it('the caret is right in the second statement of a string too', async () => {
    const r = await psql(['-c', 'SELECT 1; SELECT nope']);
    // byte for byte what psql prints against PostgreSQL 15
    expect(r.stderr).toBe('ERROR:  column "nope" does not exist\nLINE 1: SELECT 1; SELECT nope\n' + ' '.repeat(25) + '^\n');
  });

  it('\\x and \\timing', async () => {
    const r = await psql(['-c', '\\x', '-c', '\\timing', '-c', 'SELECT 1 AS a, 2 AS b']);
    expect(r.stdout).toMatch(/^Expanded display is on\.\nTiming is on\.\n-\[ RECORD 1 \]\na \| 1\nb \| 2\n\nTime: \d+\.\d{3} ms\n$/);
  });

  it('COPY TO STDOUT in text and CSV', async () => {
    expect((await psql(['-c', "COPY (SELECT id, 'a,b' AS s FROM simple_table ORDER BY id) TO STDOUT"])).stdout).toBe('5\ta,b\n7\ta,b\n9\ta,b\n');
    expect((await psql(['-c', "COPY (SELECT id, 'a,b' AS s FROM simple_table ORDER BY id) TO STDOUT (FORMAT csv, HEADER)"])).stdout).toBe('id,s\n5,"a,b"\n7,"a,b"\n9,"a,b"\n');
  });

  it('COPY table TO STDOUT with DELIMITER and NULL options', async () => {
    const r = await psql(['-c', "COPY \"data-reader-primitives\" (as_int, as_string) TO STDOUT WITH (FORMAT csv, DELIMITER ';', NULL 'nil')"]);
    expect(r.stdout.split('\n').sort().slice(0, 4)).toEqual(['', '0;0', '1;1', '2;2']);
    expect(r.stdout).toContain('nil;nil\n');
  });
});
