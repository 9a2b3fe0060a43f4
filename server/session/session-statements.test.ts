import { describe, expect, it } from 'vitest';
import { Warehouse } from '../../storage/warehouse.js';
import { jsonRows } from '../encode/index.js';
import { CORPUS } from '../testing/cli.js';
import { Session, completionTag, type QueryResult } from '../session.js';

// Session statements and $n parameters over the real corpus (read-only: nothing here writes).

async function rows(result: QueryResult): Promise<unknown[][]> {
  const out: unknown[][] = [];
  for await (const batch of result.batches) out.push(...jsonRows(batch));
  return out;
}

function session(): Session {
  return new Session(new Warehouse(CORPUS), new Map([['application_name', 'tests']]));
}

describe('SET / RESET / SHOW', () => {
  it('shows PostgreSQL 15 defaults and the startup values', async () => {
    const s = session();
    expect(await rows(await s.execute('SHOW DateStyle'))).toEqual([['ISO, MDY']]);
    expect((await s.execute('SHOW datestyle')).schema.fields[0]?.name).toBe('DateStyle');
    expect(await rows(await s.execute('SHOW search_path'))).toEqual([['"$user", public']]);
    expect(await rows(await s.execute('SHOW application_name'))).toEqual([['tests']]);
    expect(await rows(await s.execute('SHOW client_encoding'))).toEqual([['UTF8']]);
  });

  it('SET, SET LOCAL inside a block, RESET and RESET ALL', async () => {
    const s = session();
    expect((await s.execute("SET search_path TO a, 'b c'")).commandTag).toBe('SET');
    expect(await rows(await s.execute('SHOW search_path'))).toEqual([['a, "b c"']]);
    await s.execute('SET spark.databricks.delta.schema.autoMerge.enabled = true');
    expect(s.plannerSession.settings?.get('spark.databricks.delta.schema.automerge.enabled')).toBe('true');
    await s.execute('BEGIN');
    await s.execute('SET LOCAL extra_float_digits = 3');
    expect(await rows(await s.execute('SHOW extra_float_digits'))).toEqual([['3']]);
    await s.execute('COMMIT');
    expect(await rows(await s.execute('SHOW extra_float_digits'))).toEqual([['1']]);
    await s.execute('RESET search_path');
    expect(await rows(await s.execute('SHOW search_path'))).toEqual([['"$user", public']]);
    await s.execute("SET application_name = 'x'");
    await s.execute('RESET ALL');
    expect(await rows(await s.execute('SHOW application_name'))).toEqual([['tests']]);
  });

  it('refuses unknown names without a dot and read-only settings, as PostgreSQL', async () => {
    const s = session();
    await expect(s.execute('SET nonexist = 1')).rejects.toMatchObject({ sqlstate: '42704', message: 'unrecognized configuration parameter "nonexist"' });
    await expect(s.execute('SHOW nonexist')).rejects.toMatchObject({ sqlstate: '42704' });
    await expect(s.execute("SET server_version = '1'")).rejects.toMatchObject({ sqlstate: '55P02' });
  });

  it('SHOW ALL lists name, setting, description', async () => {
    const all = await rows(await session().execute('SHOW ALL'));
    expect(all.find((r) => r[0] === 'TimeZone')?.[1]).toBe('UTC');
    expect(all.length).toBeGreaterThan(30);
  });
});

describe('transaction blocks', () => {
  it('tracks T and E and refuses commands in a failed block with 25P02', async () => {
    const s = session();
    expect((await s.execute('BEGIN')).commandTag).toBe('BEGIN');
    expect(s.transactionStatus).toBe('T');
    s.statementFailed();
    expect(s.transactionStatus).toBe('E');
    await expect(s.execute('SELECT 1')).rejects.toMatchObject({ sqlstate: '25P02', message: 'current transaction is aborted, commands ignored until end of transaction block' });
    expect((await s.execute('COMMIT')).commandTag).toBe('ROLLBACK');
    expect(s.transactionStatus).toBe('I');
    expect((await s.execute('COMMIT')).warnings).toEqual(['there is no transaction in progress']);
  });

  it('savepoints: ROLLBACK TO leaves a failed block usable again', async () => {
    const s = session();
    await s.execute('START TRANSACTION');
    expect((await s.execute('SAVEPOINT a')).commandTag).toBe('SAVEPOINT');
    s.statementFailed();
    expect((await s.execute('ROLLBACK TO SAVEPOINT a')).commandTag).toBe('ROLLBACK');
    expect(s.transactionStatus).toBe('T');
    expect((await s.execute('RELEASE a')).commandTag).toBe('RELEASE');
    await expect(s.execute('RELEASE a')).rejects.toMatchObject({ sqlstate: '3B001' });
  });
});

describe('cursors', () => {
  it('DECLARE / FETCH n / FETCH ALL / CLOSE page through a query', async () => {
    const s = session();
    await s.execute('BEGIN');
    expect((await s.execute('DECLARE c NO SCROLL CURSOR FOR SELECT id FROM simple_table ORDER BY id')).commandTag).toBe('DECLARE CURSOR');
    const first = await s.execute('FETCH FORWARD 2 FROM c');
    expect(await rows(first)).toEqual([[5], [7]]);
    expect(await rows(await s.execute('FETCH ALL IN c'))).toEqual([[9]]);
    expect(await rows(await s.execute('FETCH 1 FROM c'))).toEqual([]);
    expect((await s.execute('CLOSE c')).commandTag).toBe('CLOSE CURSOR');
    await expect(s.execute('FETCH 1 FROM c')).rejects.toMatchObject({ sqlstate: '34000' });
    await s.execute('COMMIT');
    await expect(s.execute('DECLARE d CURSOR FOR SELECT 1')).rejects.toMatchObject({ sqlstate: '25P01' });
  });
});

describe('$n parameters', () => {
  it('binds text values with the type of the column they meet', async () => {
    const s = session();
    const r = await s.execute('SELECT id FROM simple_table WHERE id > $1 ORDER BY id', { params: ['6'] });
    expect(await rows(r)).toEqual([[7], [9]]);
    expect(await rows(await s.execute('SELECT $1 AS a, $2 + 1 AS b, $3 AS c', { params: ['x', 41, null] }))).toEqual([['x', 42, null]]);
  });

  it('prepare infers types from context, text otherwise, and honours declared OIDs', async () => {
    const s = session();
    const p = await s.prepare('SELECT id, $2 AS t FROM simple_table WHERE id = $1');
    expect(p.paramTypes).toEqual([20, 25]);
    expect(p.schema.fields.map((f) => f.name)).toEqual(['id', 't']);
    expect((await s.prepare('SELECT $1', [23])).paramTypes).toEqual([23]);
    expect((await s.prepare('SET x.y = 1')).schema.fields).toEqual([]);
  });

  it('a bad value is 22P02 and a missing parameter is 42P02 with its position', async () => {
    const s = session();
    await expect(s.execute('SELECT id FROM simple_table WHERE id = $1', { params: ['abc'] })).rejects.toMatchObject({ sqlstate: '22P02' });
    await expect(s.execute('SELECT $2', { params: ['a'] })).rejects.toMatchObject({ sqlstate: '42P02', position: 8 });
    await expect(s.execute('SELECT $1')).rejects.toMatchObject({ sqlstate: '42P02', position: 8 });
  });
});

describe('COPY and tags', () => {
  it('COPY (query) TO STDOUT streams rows with the COPY tag; FROM STDIN answers the target schema', async () => {
    const s = session();
    const out = await s.execute('COPY (SELECT id FROM simple_table ORDER BY id) TO STDOUT (FORMAT csv, HEADER)');
    expect(out.copy).toMatchObject({ direction: 'out', options: { format: 'csv', header: true, delimiter: ',' } });
    expect(await rows(out)).toEqual([[5], [7], [9]]);
    const inn = await s.execute('COPY simple_table FROM STDIN');
    expect(inn.copy).toMatchObject({ direction: 'in', table: { name: 'simple_table' } });
    expect(inn.schema.fields.map((f) => f.name)).toEqual(['id']);
    // (COPY FROM's writes are tested on a scratch warehouse in pgwire/copy-from.test.ts: this one reads the shared corpus)
    await expect(s.execute('COPY (SELECT nope FROM simple_table) TO STDOUT')).rejects.toMatchObject({ sqlstate: '42703', position: 14 });
    expect(completionTag('COPY', 3)).toBe('COPY 3');
    expect(completionTag('FETCH', 2)).toBe('FETCH 2');
  });
});
