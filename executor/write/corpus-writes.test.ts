import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Session } from '../../server/session.js';
import { Warehouse } from '../../storage/warehouse.js';
import { canon, ourRows } from '../../storage/write/testing/our-rows.js';
import { readRows, replay } from '../../storage/write/testing/protocol-reader.js';
import { runSql, type StatementResult } from './testing/run-sql.js';

/**
 * Writes through SQL into copies of corpus tables written by Spark (partitioned with a NULL
 * partition, column mapping `name` with nested types, deletion vectors): the result is read
 * back by deltasql and by the protocol-only reader + DuckDB, which must agree.
 */
const CORPUS = process.env.DELTA_CORPUS ?? resolve(import.meta.dirname, '../../../shared/delta-corpus');

let dir: string;
let warehouse: Warehouse;
let session: Session;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'deltasql-corpus-writes-'));
  warehouse = new Warehouse(dir);
  session = new Session(warehouse);
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function copy(table: string, as: string): Promise<void> {
  await cp(join(CORPUS, table), join(dir, as), { recursive: true });
}

const run = (sql: string): Promise<StatementResult> => runSql(session, sql);

/** Rows by both readers, on `columns` (default all); the count of rows. */
async function agreeWithDuckDb(name: string, columns?: readonly string[]): Promise<number> {
  const table = await warehouse.openTable({ kind: 'named', name });
  const pick = (rows: Record<string, string | null>[]) => (columns === undefined ? rows : rows.map((r) => Object.fromEntries(columns.map((c) => [c, r[c] ?? null]))));
  const independent = canon(pick(await readRows(table.root, await replay(table.root))));
  expect(independent).toEqual(canon(pick(await ourRows(warehouse.store, await table.latest()))));
  return independent.length;
}

describe('writes into corpus tables', () => {
  it('partitioned (with a NULL partition): UPDATE moves rows across partitions, DELETE, INSERT, MERGE', async () => {
    await copy('basic_partitioned', 'bp');
    const before = (await run('SELECT count(*) FROM bp')).rows[0]?.[0] as bigint;
    expect((await run("UPDATE bp SET letter = 'z', number = number * 10 WHERE letter = 'a' AND number = 1")).tag).toBe('UPDATE 1');
    expect((await run('DELETE FROM bp WHERE letter IS NULL')).tag).toBe('DELETE 1');
    expect((await run("INSERT INTO bp VALUES ('q', 42, 4.2)")).tag).toBe('INSERT 0 1');
    expect((await run("MERGE INTO bp USING (SELECT 'b' AS letter, 7 AS n) s ON bp.letter = s.letter WHEN MATCHED THEN UPDATE SET number = s.n")).tag).toBe('MERGE 1');
    expect((await run("SELECT letter, number FROM bp WHERE letter IN ('z', 'q', 'b') ORDER BY letter")).rows).toEqual([['b', 7n], ['q', 42n], ['z', 10n]]);
    expect(await agreeWithDuckDb('bp')).toBe(Number(before));
  });

  it('column mapping `name` with nested types: UPDATE, DELETE, INSERT keep physical names', async () => {
    await copy('table-with-columnmapping-mode-name', 'cm');
    const before = Number((await run('SELECT count(*) FROM cm')).rows[0]?.[0]);
    expect((await run("UPDATE cm SET StringType = 'changed' WHERE IntegerType = 1")).tag).toBe('UPDATE 1');
    expect((await run('DELETE FROM cm WHERE IntegerType = 2')).tag).toBe('DELETE 1');
    expect((await run("INSERT INTO cm (ByteType, IntegerType, StringType) VALUES (9, 9, 'nine')")).tag).toBe('INSERT 0 1');
    expect((await run('SELECT IntegerType, StringType, ByteType FROM cm WHERE IntegerType IN (1, 9) ORDER BY 1')).rows).toEqual([[1, 'changed', 1], [9, 'nine', 9]]);
    // Top-level columns: the two test readers render binary and nested-mapped values differently.
    expect(await agreeWithDuckDb('cm', ['ByteType', 'ShortType', 'IntegerType', 'LongType', 'StringType', 'decimal', 'BooleanType', 'DateType', 'TimestampType'])).toBe(before);
  });

  it('a table with deletion vectors: DELETE merges into the existing DV', async () => {
    await copy('table-with-dv-small', 'dv');
    const values = (await run('SELECT value FROM dv ORDER BY value')).rows.map((r) => r[0]);
    expect((await run('DELETE FROM dv WHERE value = 4')).tag).toBe('DELETE 1');
    expect((await run('SELECT value FROM dv ORDER BY value')).rows.map((r) => r[0])).toEqual(values.filter((v) => v !== 4));
    expect(await agreeWithDuckDb('dv')).toBe(values.length - 1);
  });
});
