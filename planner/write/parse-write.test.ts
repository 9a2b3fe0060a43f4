import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { SqlError } from '../../common/sql-error.js';
import { parseStatement } from '../parser/parse.js';
import type { ParsedWrite } from './statements.js';

async function parse(sql: string): Promise<ParsedWrite> {
  return (await parseStatement(sql)) as ParsedWrite;
}

async function error(sql: string): Promise<SqlError> {
  try {
    await parseStatement(sql);
  } catch (err) {
    expect(err).toBeInstanceOf(SqlError);
    return err as SqlError;
  }
  throw new Error(`expected ${sql} to fail`);
}

describe('CREATE TABLE in Spark and PostgreSQL spellings', () => {
  it('reads columns, NOT NULL, comments, partitioning, location and properties', async () => {
    const p = await parse(`CREATE TABLE IF NOT EXISTS default.\`Events\` (id BIGINT NOT NULL COMMENT 'key', tags ARRAY<STRING>, attrs MAP<STRING, INT>, price DECIMAL(10,2), ts TIMESTAMP, local TIMESTAMP_NTZ, p STRUCT<a: INT NOT NULL, b: ARRAY<ARRAY<INT>>>, d DATE) USING DELTA PARTITIONED BY (d) LOCATION '/tmp/x' TBLPROPERTIES ('delta.enableDeletionVectors' = 'true', delta.appendOnly = false) COMMENT 'events'`);
    if (p.kind !== 'createTable') throw new Error(p.kind);
    expect(p.table.ref).toEqual({ kind: 'named', schema: 'public', name: 'Events' });
    expect(p.ifNotExists).toBe(true);
    expect(p.columns?.map((c) => [c.name, String(c.type), c.nullable, c.comment ?? null])).toEqual([
      ['id', 'Int64', false, 'key'],
      ['tags', 'List<Utf8>', true, null],
      ['attrs', String(new arrow.Map_(new arrow.Field('entries', new arrow.Struct([new arrow.Field('key', new arrow.Utf8(), false), new arrow.Field('value', new arrow.Int32(), true)]), false))), true, null],
      ['price', 'Decimal[10e+2]', true, null],
      ['ts', 'Timestamp<MICROSECOND, UTC>', true, null],
      ['local', 'Timestamp<MICROSECOND>', true, null],
      ['p', 'Struct<{a:Int32, b:List<List<Int32>>}>', true, null],
      ['d', 'Date32<DAY>', true, null],
    ]);
    expect((p.columns?.[6]?.type as arrow.Struct).children[0]?.nullable).toBe(false);
    expect(p.partitionedBy.map((c) => c.name)).toEqual(['d']);
    expect(p.location).toBe('/tmp/x');
    expect(p.properties).toEqual({ 'delta.enableDeletionVectors': 'true', 'delta.appendOnly': 'false' });
    expect(p.comment).toBe('events');
  });

  it('reads PostgreSQL types and CREATE OR REPLACE TABLE … AS SELECT', async () => {
    const p = await parse('CREATE TABLE t (a int4, b double precision, c character varying(20), d timestamp with time zone, e timestamp without time zone, f int[], g numeric(5,1))');
    if (p.kind !== 'createTable') throw new Error(p.kind);
    expect(p.columns?.map((c) => String(c.type))).toEqual(['Int32', 'Float64', 'Utf8', 'Timestamp<MICROSECOND, UTC>', 'Timestamp<MICROSECOND>', 'List<Int32>', 'Decimal[5e+1]']);
    const ctas = await parse('CREATE OR REPLACE TABLE t USING DELTA AS SELECT 1 AS x');
    if (ctas.kind !== 'createTable') throw new Error(ctas.kind);
    expect(ctas.replace).toBe(true);
    expect(ctas.query?.targetList?.length).toBe(1);
    const existing = await parse("CREATE TABLE t USING DELTA LOCATION '/data/t'");
    expect(existing).toMatchObject({ kind: 'createTable', location: '/data/t' });
  });

  it('points at an unknown type and at a misplaced token', async () => {
    const e = await error('CREATE TABLE t (a INTT)');
    expect([e.sqlstate, e.message, e.position]).toEqual(['42704', 'type "INTT" does not exist', 19]);
    const s = await error('CREATE TABLE t (a INT) PARTITIONED (a)');
    expect([s.sqlstate, s.message, s.position]).toEqual(['42601', 'syntax error at or near "PARTITIONED"', 24]);
    const k = await error('CREATE TABLE t (a INT, PRIMARY KEY (a))');
    expect([k.sqlstate, k.message, k.position]).toEqual(['0A000', 'unsupported feature: table constraint PRIMARY (Delta tables have NOT NULL only)', 24]);
    const d = await error('CREATE TABLE t (a INT, A STRING)');
    expect([d.sqlstate, d.position]).toEqual(['42701', 24]);
  });
});

describe('DML', () => {
  it('reads INSERT OVERWRITE … PARTITION and WITH SCHEMA EVOLUTION', async () => {
    const p = await parse("INSERT WITH SCHEMA EVOLUTION OVERWRITE TABLE t PARTITION (d = '2024-01-01') SELECT * FROM s");
    expect(p).toMatchObject({ kind: 'insert', overwrite: true, schemaEvolution: true });
    if (p.kind !== 'insert') throw new Error(p.kind);
    expect(p.partition.map((x) => x.name)).toEqual(['d']);
    const q = await parse('INSERT INTO t (a, b) VALUES (1, 2), (3, 4)');
    if (q.kind !== 'insert') throw new Error(q.kind);
    expect(q.columns?.map((c) => c.name)).toEqual(['a', 'b']);
    expect(q.query.valuesLists?.length).toBe(2);
  });

  it('reads MERGE with Delta clauses, UPDATE SET * and INSERT *', async () => {
    const p = await parse(`MERGE INTO target t USING (SELECT * FROM src) s ON t.id = s.id
      WHEN MATCHED AND s.op = 'D' THEN DELETE
      WHEN MATCHED AND CASE WHEN s.x > 1 THEN true ELSE false END THEN UPDATE SET t.v = s.v, w = 1
      WHEN MATCHED THEN UPDATE SET *
      WHEN NOT MATCHED AND s.op <> 'D' THEN INSERT *
      WHEN NOT MATCHED THEN INSERT (id, v) VALUES (s.id, coalesce(s.v, 0))
      WHEN NOT MATCHED BY SOURCE THEN DELETE`);
    if (p.kind !== 'merge') throw new Error(p.kind);
    expect(p.alias).toBe('t');
    expect(p.clauses.map((c) => [c.match, c.action.kind, c.condition !== undefined])).toEqual([
      ['matched', 'delete', true], ['matched', 'update', true], ['matched', 'updateStar', false],
      ['notMatched', 'insertStar', true], ['notMatched', 'insert', false], ['notMatchedBySource', 'delete', false],
    ]);
    const update = p.clauses[1]?.action;
    expect(update?.kind === 'update' ? update.set.map((a) => a.column) : []).toEqual(['v', 'w']);
  });

  it('refuses INSERT in a WHEN MATCHED clause, at the INSERT', async () => {
    const e = await error('MERGE INTO t USING s ON t.a = s.a WHEN MATCHED THEN INSERT *');
    expect([e.sqlstate, e.message, e.position]).toEqual(['42601', 'INSERT is not allowed in a WHEN MATCHED clause', 53]);
  });

  it('keeps expression positions in the original text', async () => {
    const e = await error('DELETE FROM t WHERE a = = 1');
    expect([e.sqlstate, e.position]).toEqual(['42601', 25]);
    const m = await error('MERGE INTO t USING s ON t.a = s.a WHEN MATCHED THEN UPDATE SET a = )');
    expect([m.sqlstate, m.position]).toEqual(['42601', 68]);
  });
});

describe('Delta commands', () => {
  it('reads RESTORE, OPTIMIZE, VACUUM and DESCRIBE DETAIL', async () => {
    expect(await parse('RESTORE TABLE t TO VERSION AS OF 3')).toMatchObject({ kind: 'restore', target: { kind: 'version', version: 3 } });
    expect(await parse('RESTORE t VERSION AS OF 2')).toMatchObject({ kind: 'restore', target: { kind: 'version', version: 2 } });
    expect(await parse("RESTORE TABLE t TO TIMESTAMP AS OF '2024-01-01'")).toMatchObject({ kind: 'restore', target: { kind: 'timestamp', text: '2024-01-01' } });
    const o = await parse("OPTIMIZE events WHERE d >= '2024-01-01' ZORDER BY (a, b)");
    expect(o).toMatchObject({ kind: 'optimize' });
    if (o.kind === 'optimize') expect(o.zOrderBy.map((z) => z.name)).toEqual(['a', 'b']);
    expect(await parse('VACUUM t RETAIN 0 HOURS DRY RUN')).toMatchObject({ kind: 'vacuum', retainHours: 0, dryRun: true });
    expect(await parse('DESCRIBE DETAIL delta.`/tmp/t`')).toMatchObject({ kind: 'describeDetail', table: { ref: { kind: 'path', path: '/tmp/t' } } });
  });
});
