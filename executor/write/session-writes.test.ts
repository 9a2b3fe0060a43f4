import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqlError } from '../../common/sql-error.js';
import { Session } from '../../server/session.js';
import { Warehouse } from '../../storage/warehouse.js';
import { runSql, sqlError } from './testing/run-sql.js';

let dir: string;
let session: Session;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'deltasql-writes-'));
  session = new Session(new Warehouse(dir));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const tag = async (sql: string): Promise<string> => (await runSql(session, sql)).tag;
const rows = async (sql: string): Promise<unknown[][]> => (await runSql(session, sql)).rows;
const error = (sql: string): Promise<SqlError> => sqlError(session, sql);

describe('writes through Session', () => {
  it('creates, inserts, updates, deletes and merges with PostgreSQL command tags', async () => {
    expect(await tag('CREATE TABLE t (id INT NOT NULL, name STRING, amount DECIMAL(10,2)) USING DELTA')).toBe('CREATE TABLE');
    expect(await tag("INSERT INTO t VALUES (1, 'a', 1.50), (2, 'b', 2.00), (3, 'c', NULL)")).toBe('INSERT 0 3');
    expect(await rows('SELECT id, name, amount FROM t ORDER BY id')).toEqual([[1, 'a', 150n], [2, 'b', 200n], [3, 'c', null]]);
    expect(await tag("UPDATE t SET amount = amount + 1, name = upper(name) WHERE id >= 2")).toBe('UPDATE 2');
    expect(await rows('SELECT id, name, amount FROM t ORDER BY id')).toEqual([[1, 'a', 150n], [2, 'B', 300n], [3, 'C', null]]);
    expect(await tag('DELETE FROM t WHERE amount IS NULL')).toBe('DELETE 1');
    expect(await tag('CREATE TABLE s AS SELECT * FROM (VALUES (2, \'bb\'), (4, \'dd\')) AS v(id, name)')).toBe('SELECT 2');
    expect(await tag(`MERGE INTO t USING s ON t.id = s.id
      WHEN MATCHED THEN UPDATE SET name = s.name
      WHEN NOT MATCHED THEN INSERT (id, name) VALUES (s.id, s.name)`)).toBe('MERGE 2');
    expect(await rows('SELECT id, name, amount FROM t ORDER BY id')).toEqual([[1, 'a', 150n], [2, 'bb', 300n], [4, 'dd', null]]);
    expect(await tag('MERGE INTO t USING s ON t.id = s.id WHEN NOT MATCHED BY SOURCE THEN DELETE')).toBe('MERGE 1');
    expect(await rows('SELECT id FROM t ORDER BY id')).toEqual([[2], [4]]);
  });

  it('refuses a wrong type and a NULL in a NOT NULL column, and writes nothing', async () => {
    await tag('CREATE TABLE t (id INT NOT NULL, d DATE)');
    await tag("INSERT INTO t VALUES (1, '2024-01-02')");
    // An untyped literal takes the column's type (22P02 when it does not parse), as in PostgreSQL; a text expression does not.
    const literal = await error("INSERT INTO t SELECT 'x', DATE '2024-01-01'");
    expect([literal.sqlstate, literal.message, literal.position]).toEqual(['22P02', 'invalid input syntax for type integer: "x"', 22]);
    const wrong = await error("INSERT INTO t SELECT upper('x'), DATE '2024-01-01'");
    expect([wrong.sqlstate, wrong.message, wrong.position]).toEqual(['42804', 'column "id" is of type integer but expression is of type text', 22]);
    const nulls = await error('INSERT INTO t VALUES (NULL, NULL)');
    expect([nulls.sqlstate, nulls.message]).toEqual(['23502', 'null value in column "id" of relation "t" violates not-null constraint']);
    const upd = await error('UPDATE t SET id = NULL');
    expect(upd.sqlstate).toBe('23502');
    const merge = await error('MERGE INTO t USING (SELECT 2 AS id) s ON t.id = s.id WHEN MATCHED THEN DELETE WHEN NOT MATCHED THEN INSERT (d) VALUES (NULL)');
    expect(merge.sqlstate).toBe('23502');
    expect(await rows('SELECT id, d FROM t')).toEqual([[1, 19724]]);
    // No commit was made by any failed statement: CREATE (0) and the one INSERT (1) only.
    expect((await readdir(join(dir, 't', '_delta_log'))).filter((f) => f.endsWith('.json'))).toEqual(['00000000000000000000.json', '00000000000000000001.json']);
  });

  it('errors when two source rows match one target row in MERGE', async () => {
    await tag('CREATE TABLE t (id INT, v INT)');
    await tag('INSERT INTO t VALUES (1, 10)');
    await tag('CREATE TABLE s (id INT, v INT)');
    await tag('INSERT INTO s VALUES (1, 11), (1, 12)');
    const e = await error('MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN UPDATE SET v = s.v');
    expect(e.sqlstate).toBe('21506');
    expect(e.message).toMatch(/^Cannot perform Merge as multiple source rows matched/);
    expect(await rows('SELECT id, v FROM t')).toEqual([[1, 10]]);
  });

  it('points MERGE errors at the user\'s text (PostgreSQL 15 gives no position inside MERGE)', async () => {
    await tag('CREATE TABLE t (id INT, score INT)');
    await tag('CREATE TABLE s (id INT, name STRING)');
    const sql = (action: string) => `MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN UPDATE SET ${action}`;
    const col = await error(sql('nope = 1'));
    expect([col.sqlstate, col.message, col.position]).toEqual(['42703', 'column "nope" of relation "t" does not exist', 66]);
    const lit = await error(sql("score = 'x'"));
    expect([lit.sqlstate, lit.position]).toEqual(['22P02', 74]);
    const typ = await error(sql('score = s.name'));
    expect([typ.sqlstate, typ.message, typ.position]).toEqual(['42804', 'column "score" is of type integer but expression is of type text', 74]);
    const on = await error('MERGE INTO t USING s ON t.id = s.nope WHEN MATCHED THEN DELETE');
    expect([on.sqlstate, on.position]).toEqual(['42703', 32]);
  });

  it('MERGE … WHEN NOT MATCHED BY SOURCE THEN UPDATE and DO NOTHING', async () => {
    await tag('CREATE TABLE t (id INT, v STRING)');
    await tag("INSERT INTO t VALUES (1, 'a'), (2, 'b'), (3, 'c')");
    await tag('CREATE TABLE s AS SELECT 2 AS id');
    expect(await tag("MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN DO NOTHING WHEN NOT MATCHED BY SOURCE AND t.id > 1 THEN UPDATE SET v = 'gone'")).toBe('MERGE 1');
    expect(await rows('SELECT id, v FROM t ORDER BY id')).toEqual([[1, 'a'], [2, 'b'], [3, 'gone']]);
  });
});
