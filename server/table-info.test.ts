/**
 * Spark's table information commands — DESCRIBE [TABLE] [EXTENDED], SHOW COLUMNS, SHOW
 * TBLPROPERTIES, SHOW PARTITIONS — against a listening server over the corpus, through
 * node-postgres and psql; expected values from the corpus MANIFEST (written by Spark and delta-rs).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Warehouse } from '../storage/warehouse.js';
import { startPgServer, type PgServer } from './pgwire/server.js';
import { runPsql } from './pgwire/testing/psql.js';
import { CORPUS } from './testing/cli.js';

interface ManifestTable {
  readonly name: string;
  readonly schema: readonly { readonly name: string; readonly type: string }[];
  readonly partitionColumns: readonly string[];
  readonly configuration: Readonly<Record<string, string>>;
  readonly protocol: { readonly minReaderVersion: number; readonly minWriterVersion: number };
}

const manifest = JSON.parse(readFileSync(join(CORPUS, 'MANIFEST.json'), 'utf8')) as { tables: ManifestTable[] };
const table = (name: string) => manifest.tables.find((t) => t.name === name) as ManifestTable;
/** The MANIFEST's Delta type names in Spark's DDL spelling. */
const spark = (type: string) => type.replace(/\binteger\b/g, 'int').replace(/\blong\b/g, 'bigint').replace(/\bbyte\b/g, 'tinyint').replace(/\bshort\b/g, 'smallint');

let server: PgServer;
let client: pg.Client;

beforeAll(async () => {
  server = await startPgServer({ catalog: new Warehouse(CORPUS), port: 0 });
  client = new pg.Client({ host: '127.0.0.1', port: server.port, user: 'tester', database: 'warehouse' });
  await client.connect();
});

afterAll(async () => {
  await client?.end();
  await server?.close();
});

async function rows(sql: string): Promise<unknown[][]> {
  return (await client.query({ text: sql, rowMode: 'array' })).rows as unknown[][];
}

describe('DESCRIBE', () => {
  it('lists columns with Spark type names, then the partition columns', async () => {
    const t = table('basic_partitioned');
    expect(await rows('DESCRIBE basic_partitioned')).toEqual([
      ...t.schema.map((c) => [c.name, spark(c.type), null]),
      ['', '', ''],
      ['# Partition Information', '', ''],
      ['# col_name', 'data_type', 'comment'],
      ['letter', 'string', null],
    ]);
  });

  it('spells nested and decimal types as Spark does, under column mapping', async () => {
    const t = table('table-with-columnmapping-mode-name');
    const got = await rows('DESC TABLE "table-with-columnmapping-mode-name"');
    expect(got).toEqual(t.schema.map((c) => [c.name, spark(c.type), null]));
    expect(got.find((r) => r[0] === 'array_of_map_of_arrays')?.[1]).toBe('array<map<int,array<int>>>');
  });

  it('EXTENDED adds the table details', async () => {
    const got = await rows('DESCRIBE TABLE EXTENDED simple_table');
    const details = Object.fromEntries(got.slice(got.findIndex((r) => r[0] === '# Detailed Table Information') + 1).map((r) => [r[0], r[1]]));
    expect(details).toMatchObject({ Name: 'simple_table', Location: join(CORPUS, 'simple_table'), Provider: 'delta', Version: '4' });
  });

  it('answers 42P01 with the position of an unknown table', async () => {
    await expect(client.query('DESCRIBE nope')).rejects.toMatchObject({ code: '42P01', position: '10' });
  });
});

describe('SHOW', () => {
  it('COLUMNS IN / FROM a table', async () => {
    const names = table('simple_table').schema.map((c) => [c.name]);
    expect(await rows('SHOW COLUMNS IN simple_table')).toEqual(names);
    expect(await rows('SHOW COLUMNS FROM simple_table')).toEqual(names);
  });

  it('TBLPROPERTIES: the configuration and the protocol versions, by key', async () => {
    const t = table('table-with-columnmapping-mode-name');
    const want = [...Object.entries(t.configuration), ['delta.minReaderVersion', String(t.protocol.minReaderVersion)], ['delta.minWriterVersion', String(t.protocol.minWriterVersion)]].sort((a, b) => String(a[0]).localeCompare(String(b[0])));
    expect(await rows('SHOW TBLPROPERTIES "table-with-columnmapping-mode-name"')).toEqual(want);
  });

  it('PARTITIONS: each live partition once, in value order, NULL last', async () => {
    expect(await rows('SHOW PARTITIONS basic_partitioned')).toEqual([['a'], ['b'], ['c'], ['e'], [null]]);
    const got = await rows('SHOW PARTITIONS "partition-type-primitives"');
    expect(got).toHaveLength(16);
    expect(got[0]).toEqual(['2020', 'false', '2023-01-01', 'A']);
    await expect(client.query('SHOW PARTITIONS simple_table')).rejects.toMatchObject({ code: '42809', message: 'SHOW PARTITIONS is not allowed on a table that is not partitioned: simple_table' });
  });

  it('TABLES: each table (namespace default) and each session view (temporary), by name; LIKE with * and |', async () => {
    const tables = await rows('SHOW TABLES');
    const names = tables.map((r) => r[1]);
    expect(names).toEqual([...names].sort());
    // Every corpus table this server reads (simple_table_features needs a reader feature it refuses).
    expect(names).toEqual(manifest.tables.map((t) => t.name).filter((n) => n !== 'simple_table_features').sort());
    expect(tables.every((r) => r[0] === 'default' && r[2] === false)).toBe(true);
    expect(await rows('SHOW TABLES IN default')).toEqual(tables);
    // By name in code-unit order, as the list above ('-' before '_').
    expect(await rows("SHOW TABLES LIKE 'basic*|SIMPLE_TABLE'")).toEqual([['default', 'basic-with-inserts-deletes-checkpoint', false], ['default', 'basic_partitioned', false], ['default', 'simple_table', false]]);
    await client.query('CREATE TEMPORARY VIEW recent AS SELECT * FROM simple_table WHERE id > 5');
    expect(await rows("SHOW TABLES LIKE 'rec*'")).toEqual([['', 'recent', true]]);
    expect(await rows('SHOW SCHEMAS')).toEqual([['default']]);
    await expect(client.query('SHOW TABLES IN')).rejects.toMatchObject({ code: '42601' });
    // A command missing its table is a syntax error, not PostgreSQL's unknown setting.
    await expect(client.query('SHOW PARTITIONS')).rejects.toMatchObject({ code: '42601', position: '16' });
    await expect(client.query('SHOW COLUMNS')).rejects.toMatchObject({ code: '42601' });
  });

  it('USE default is accepted, another schema is 3F000', async () => {
    expect((await client.query('USE default')).command).toBe('USE');
    expect((await client.query('USE SCHEMA public')).command).toBe('USE');
    await expect(client.query('USE DATABASE sales')).rejects.toMatchObject({ code: '3F000', message: 'schema "sales" does not exist', position: '14' });
  });

  it('works from psql', async () => {
    const run = await runPsql(server.port, ['-A', '-t', '-F', ',', '-c', 'DESCRIBE simple_table']);
    expect(run.stderr).toBe('');
    expect(run.stdout.trim()).toBe('id,bigint,');
  });
});
