import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqlError } from '../../common/sql-error.js';
import { newSessionViews, planStatement } from '../../planner/index.js';
import { Session } from '../../server/session.js';
import { Warehouse } from '../../storage/warehouse.js';
import { canon, ourRows } from '../../storage/write/testing/our-rows.js';
import { duck, readRows, replay } from '../../storage/write/testing/protocol-reader.js';
import { runSql, sqlError } from './testing/run-sql.js';

let dir: string;
let warehouse: Warehouse;
let session: Session;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'deltasql-table-writes-'));
  warehouse = new Warehouse(dir);
  session = new Session(warehouse);
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const tag = async (sql: string): Promise<string> => (await runSql(session, sql)).tag;
const rows = async (sql: string): Promise<unknown[][]> => (await runSql(session, sql)).rows;
const error = (sql: string): Promise<SqlError> => sqlError(session, sql);

async function files(name: string) {
  return (await (await warehouse.openTable({ kind: 'named', name })).latest()).files;
}

/** The table as DuckDB reads it through a reader that follows only the protocol, equal to what deltasql reads. */
async function expectSameRowsInDuckDb(name: string): Promise<string[]> {
  const table = await warehouse.openTable({ kind: 'named', name });
  const independent = canon(await readRows(table.root, await replay(table.root)));
  expect(independent).toEqual(canon(await ourRows(warehouse.store, await table.latest())));
  return independent;
}

describe('only the files holding affected rows change', () => {
  it('UPDATE and DELETE rewrite one file of three; DuckDB reads the same rows', async () => {
    await tag('CREATE TABLE t (id INT, v STRING)');
    for (const k of [1, 2, 3]) await tag(`INSERT INTO t VALUES (${k}, 'v${k}'), (${k + 10}, 'w${k}')`);
    const before = (await files('t')).map((f) => f.path);
    expect(before).toHaveLength(3);
    expect(await tag("UPDATE t SET v = 'changed' WHERE id = 2")).toBe('UPDATE 1');
    const after = (await files('t')).map((f) => f.path);
    expect(after.filter((p) => before.includes(p))).toHaveLength(2);
    expect(await tag('DELETE FROM t WHERE id = 13')).toBe('DELETE 1');
    expect(await rows('SELECT id, v FROM t ORDER BY id')).toEqual([[1, 'v1'], [2, 'changed'], [3, 'v3'], [11, 'w1'], [12, 'w2']]);
    expect((await expectSameRowsInDuckDb('t')).length).toBe(5);
  });

  it('DELETE on a table with deletion vectors keeps the file and adds a DV', async () => {
    await tag("CREATE TABLE dv (id BIGINT, name STRING) TBLPROPERTIES ('delta.enableDeletionVectors' = 'true')");
    await tag("INSERT INTO dv SELECT id, 'n' || id FROM (VALUES (1), (2), (3), (4)) AS v(id)");
    const [file] = await files('dv');
    expect(await tag('DELETE FROM dv WHERE id IN (2, 3)')).toBe('DELETE 2');
    const live = await files('dv');
    expect(live.map((f) => f.path)).toEqual([file?.path]);
    expect(live[0]?.deletionVector?.cardinality).toBe(2);
    expect(await rows('SELECT id, name FROM dv ORDER BY id')).toEqual([[1n, 'n1'], [4n, 'n4']]);
    expect(await tag("UPDATE dv SET name = 'x' WHERE id = 4")).toBe('UPDATE 1');
    expect(await rows('SELECT id, name FROM dv ORDER BY id')).toEqual([[1n, 'n1'], [4n, 'x']]);
    await expectSameRowsInDuckDb('dv');
  });
});

describe('partitioned tables', () => {
  it('INSERT OVERWRITE … PARTITION replaces only that partition', async () => {
    await tag('CREATE TABLE p (id INT, v STRING, d DATE) USING DELTA PARTITIONED BY (d)');
    await tag("INSERT INTO p VALUES (1, 'a', '2024-01-01'), (2, 'b', '2024-01-02'), (3, 'c', '2024-01-01')");
    expect(await tag("INSERT OVERWRITE TABLE p PARTITION (d = '2024-01-01') SELECT 9, 'z'")).toBe('INSERT 0 1');
    expect(await rows('SELECT id, v, CAST(d AS STRING) FROM p ORDER BY id')).toEqual([[2, 'b', '2024-01-02'], [9, 'z', '2024-01-01']]);
    expect(await tag("INSERT OVERWRITE p SELECT 7, 'q', DATE '2024-03-03'")).toBe('INSERT 0 1');
    expect(await rows('SELECT id, v, CAST(d AS STRING) FROM p')).toEqual([[7, 'q', '2024-03-03']]);
    await expectSameRowsInDuckDb('p');
  });
});

describe('static partitions of every type', () => {
  it('INSERT OVERWRITE … PARTITION on timestamp, decimal and boolean partition columns', async () => {
    await tag('CREATE TABLE pt (id INT, ts TIMESTAMP, amount DECIMAL(6,2), ok BOOLEAN) PARTITIONED BY (ts, amount, ok)');
    await tag("INSERT INTO pt VALUES (1, TIMESTAMPTZ '2024-01-02 10:00:00.5+00', 1.50, true), (2, TIMESTAMPTZ '2024-01-02 10:00:00.5+00', 1.50, false)");
    expect(await tag("INSERT OVERWRITE pt PARTITION (ts = '2024-01-02 10:00:00.5+00', amount = 1.5, ok = true) VALUES (3)")).toBe('INSERT 0 1');
    expect(await rows('SELECT id, ok FROM pt ORDER BY id')).toEqual([[2, false], [3, true]]);
  });
});

describe('partitioned tables with column mapping', () => {
  it('INSERT OVERWRITE … PARTITION finds the partition under its physical name', async () => {
    await tag("CREATE TABLE pm (id INT, d STRING) PARTITIONED BY (d) TBLPROPERTIES ('delta.columnMapping.mode' = 'name')");
    await tag("INSERT INTO pm VALUES (1, 'x'), (2, 'y')");
    const key = Object.keys((await files('pm'))[0]?.partitionValues ?? {})[0];
    expect(key).toMatch(/^col-/);
    expect(await tag("INSERT OVERWRITE pm PARTITION (d = 'x') VALUES (3)")).toBe('INSERT 0 1');
    expect(await rows('SELECT id, d FROM pm ORDER BY id')).toEqual([[2, 'y'], [3, 'x']]);
    await expectSameRowsInDuckDb('pm');
  });
});

describe('DDL', () => {
  it('drops a managed table with its files, and only forgets an external one', async () => {
    await tag('CREATE TABLE m (a INT)');
    expect(existsSync(join(dir, 'm', '_delta_log'))).toBe(true);
    expect(await tag('DROP TABLE m')).toBe('DROP TABLE');
    expect(existsSync(join(dir, 'm'))).toBe(false);

    const outside = await mkdtemp(join(tmpdir(), 'deltasql-external-'));
    try {
      await tag(`CREATE TABLE ext (a INT) LOCATION '${outside}/ext'`);
      await tag('INSERT INTO ext VALUES (1), (2)');
      expect(await rows('SELECT sum(a) FROM ext')).toEqual([[3n]]);
      expect(await tag('DROP TABLE ext')).toBe('DROP TABLE');
      expect(existsSync(join(outside, 'ext', '_delta_log'))).toBe(true);
      expect((await error('SELECT * FROM ext')).sqlstate).toBe('42P01');
      // Naming the existing table again: CREATE TABLE … LOCATION over it.
      expect(await tag(`CREATE TABLE again USING DELTA LOCATION '${outside}/ext'`)).toBe('CREATE TABLE');
      expect(await rows('SELECT a FROM again ORDER BY a')).toEqual([[1], [2]]);
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });

  it('IF EXISTS / IF NOT EXISTS skip with a notice', async () => {
    const drop = await session.execute('DROP TABLE IF EXISTS nothing');
    expect([drop.commandTag, drop.notices]).toEqual(['DROP TABLE', ['table "nothing" does not exist, skipping']]);
    await tag('CREATE TABLE t (a INT)');
    const create = await session.execute('CREATE TABLE IF NOT EXISTS t (a INT)');
    expect([create.commandTag, create.notices]).toEqual(['CREATE TABLE', ['relation "t" already exists, skipping']]);
    const ctas = await session.execute('CREATE TABLE IF NOT EXISTS t AS SELECT 1 AS a');
    expect([ctas.commandTag, ctas.notices]).toEqual(['CREATE TABLE AS', ['relation "t" already exists, skipping']]);
  });

  it('ADD COLUMNS, RENAME COLUMN (through column mapping) and SET TBLPROPERTIES', async () => {
    await tag('CREATE TABLE t (id INT, name STRING)');
    await tag("INSERT INTO t VALUES (1, 'a')");
    expect(await tag("ALTER TABLE t ADD COLUMNS (score DOUBLE COMMENT 'points', tags ARRAY<STRING>)")).toBe('ALTER TABLE');
    await tag("INSERT INTO t VALUES (2, 'b', 1.5, ARRAY['x'])");
    expect(await rows('SELECT id, name, score FROM t ORDER BY id')).toEqual([[1, 'a', null], [2, 'b', 1.5]]);
    expect(await tag('ALTER TABLE t RENAME COLUMN name TO label')).toBe('ALTER TABLE');
    const latest = await (await warehouse.openTable({ kind: 'named', name: 't' })).latest();
    expect(latest.columnMappingMode).toBe('name');
    expect(await rows('SELECT id, label FROM t ORDER BY id')).toEqual([[1, 'a'], [2, 'b']]);
    expect((await error('SELECT name FROM t')).sqlstate).toBe('42703');
    // A new column named like the renamed one's physical name gets a physical name of its own.
    await tag('ALTER TABLE t ADD COLUMNS (name STRING)');
    await tag("INSERT INTO t (id, label, name) VALUES (3, 'c', 'n3')");
    expect(await rows('SELECT id, label, name FROM t ORDER BY id')).toEqual([[1, 'a', null], [2, 'b', null], [3, 'c', 'n3']]);
    await tag("ALTER TABLE t SET TBLPROPERTIES ('delta.appendOnly' = 'false', 'team' = 'data')");
    expect((await (await warehouse.openTable({ kind: 'named', name: 't' })).latest()).configuration.team).toBe('data');
    const dup = await error('ALTER TABLE t ADD COLUMNS (ID BIGINT)');
    expect([dup.sqlstate, dup.message]).toEqual(['42701', 'column "ID" of relation "t" already exists']);
    // The log as a protocol-only reader sees it: mode name, the renamed field keeps its physical name.
    const independent = await replay(join(dir, 't'));
    const fields = (JSON.parse(String(independent.metadata.schemaString)) as { fields: { name: string; metadata: Record<string, unknown> }[] }).fields;
    expect(fields.map((f) => [f.name, f.metadata['delta.columnMapping.physicalName']]).slice(0, 4)).toEqual([['id', 'id'], ['label', 'name'], ['score', 'score'], ['tags', 'tags']]);
    expect(fields[4]?.metadata['delta.columnMapping.physicalName']).toMatch(/^col-/);
    expect(Number((independent.protocol as { minReaderVersion: number }).minReaderVersion)).toBeGreaterThanOrEqual(2);
  });

  it('CREATE OR REPLACE TABLE AS SELECT keeps the history and replaces rows and schema', async () => {
    await tag('CREATE TABLE r (a INT)');
    await tag('INSERT INTO r VALUES (1)');
    expect(await tag("CREATE OR REPLACE TABLE r AS SELECT 'x' AS b, 2 AS c")).toBe('SELECT 1');
    expect(await rows('SELECT b, c FROM r')).toEqual([['x', 2]]);
    expect(await rows('SELECT a FROM r VERSION AS OF 1')).toEqual([[1]]);
  });
});

describe('schema evolution', () => {
  it('INSERT … WITH SCHEMA EVOLUTION and MERGE WITH SCHEMA EVOLUTION add the new columns', async () => {
    await tag('CREATE TABLE e (id INT, v STRING)');
    await tag("INSERT INTO e VALUES (1, 'a')");
    const refused = await error("INSERT INTO e VALUES (2, 'b', 3)");
    expect([refused.sqlstate, refused.message]).toEqual(['42601', 'INSERT has more expressions than target columns']);
    expect(await tag("INSERT WITH SCHEMA EVOLUTION INTO e SELECT 2, 'b', 3 AS extra")).toBe('INSERT 0 1');
    expect(await rows('SELECT id, v, extra FROM e ORDER BY id')).toEqual([[1, 'a', null], [2, 'b', 3]]);
    await tag("CREATE TABLE src AS SELECT 2 AS id, 'B' AS v, 30 AS extra, true AS flag UNION ALL SELECT 5, 'e', 50, false");
    expect(await tag('MERGE WITH SCHEMA EVOLUTION INTO e USING src ON e.id = src.id WHEN MATCHED THEN UPDATE SET * WHEN NOT MATCHED THEN INSERT *')).toBe('MERGE 2');
    expect(await rows('SELECT id, v, extra, flag FROM e ORDER BY id')).toEqual([[1, 'a', null, null], [2, 'B', 30, true], [5, 'e', 50, false]]);
    // DuckDB over the live files (older files lack the new columns: union_by_name reads them as NULL).
    const live = (await replay(join(dir, 'e'))).files.map((f) => `'${join(dir, 'e', decodeURIComponent(String(f.path)))}'`);
    const duckRows = (await (await duck()).runAndReadAll(`SELECT id, v, extra, flag FROM read_parquet([${live.join(', ')}], union_by_name = true) ORDER BY id`)).getRows();
    expect(duckRows).toEqual([[1, 'a', null, null], [2, 'B', 30, true], [5, 'e', 50, false]]);
  });

  it('spark.databricks.delta.schema.autoMerge.enabled turns evolution on for a session', async () => {
    await tag('CREATE TABLE e (id INT)');
    const settings = new Map([['spark.databricks.delta.schema.autoMerge.enabled', 'true']]);
    const planned = await planStatement('INSERT INTO e SELECT 1, 2 AS more', warehouse, { views: newSessionViews(), settings });
    if (planned.kind !== 'write') throw new Error(planned.kind);
    expect((await planned.run()).count).toBe(1);
    expect(await rows('SELECT id, more FROM e')).toEqual([[1, 2]]);
  });
});

describe('change data feed and metadata-only deletes', () => {
  it('records delete, update pre/post images and inserts in _change_data when the table enables it', async () => {
    await tag("CREATE TABLE c (id INT, v STRING) TBLPROPERTIES ('delta.enableChangeDataFeed' = 'true')");
    await tag("INSERT INTO c VALUES (1, 'a'), (2, 'b'), (3, 'c')");
    await tag("UPDATE c SET v = 'B' WHERE id = 2");
    await tag('DELETE FROM c WHERE id = 3');
    await tag("MERGE INTO c USING (SELECT 4 AS id, 'd' AS v) s ON c.id = s.id WHEN NOT MATCHED THEN INSERT *");
    const changes: string[] = [];
    for (const version of [2, 3, 4]) {
      const log = await readFile(join(dir, 'c', '_delta_log', `${String(version).padStart(20, '0')}.json`), 'utf8');
      const cdc = log.split('\n').filter((l) => l.includes('"cdc"')).map((l) => `'${join(dir, 'c', decodeURIComponent((JSON.parse(l) as { cdc: { path: string } }).cdc.path))}'`);
      expect(cdc.length).toBeGreaterThan(0);
      const rows = (await (await duck()).runAndReadAll(`SELECT id, v, _change_type FROM read_parquet([${cdc.join(', ')}]) ORDER BY _change_type, id`)).getRows();
      changes.push(...rows.map((r) => `${version}:${r.join('|')}`));
    }
    expect(changes).toEqual(['2:2|B|update_postimage', '2:2|b|update_preimage', '3:3|c|delete', '4:4|d|insert']);
  });

  it('DELETE over partition columns only removes whole partitions without reading them', async () => {
    await tag('CREATE TABLE pd (id INT, d DATE, k STRING) PARTITIONED BY (d, k)');
    await tag("INSERT INTO pd VALUES (1, '2024-01-01', 'a'), (2, '2024-01-01', 'b'), (3, '2024-01-02', 'a'), (4, NULL, 'a')");
    for (const f of await files('pd')) if (f.partitionValues.d === '2024-01-01') await writeFile(join(dir, 'pd', decodeURIComponent(f.path)), 'not parquet');
    expect(await tag("DELETE FROM pd WHERE d = '2024-01-01' OR d IS NULL AND k = 'a'")).toBe('DELETE 3');
    expect(await rows('SELECT id FROM pd')).toEqual([[3]]);
    // A predicate on a data column reads the rows.
    expect(await tag('DELETE FROM pd WHERE id = 3')).toBe('DELETE 1');
  });

  it('DELETE without WHERE removes every file without reading it', async () => {
    await tag('CREATE TABLE all_rows (id INT)');
    await tag('INSERT INTO all_rows VALUES (1), (2)');
    await tag('INSERT INTO all_rows VALUES (3)');
    // A data file that cannot be read proves nothing reads it.
    for (const f of await files('all_rows')) await writeFile(join(dir, 'all_rows', decodeURIComponent(f.path)), 'not parquet');
    expect(await tag('DELETE FROM all_rows')).toBe('DELETE 3');
    expect(await rows('SELECT count(*) FROM all_rows')).toEqual([[0n]]);
  });
});
