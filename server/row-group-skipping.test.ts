/**
 * Row-group skipping from Parquet footers (storage/scan/row-groups.ts), end to end: a real Delta
 * table whose one data file DuckDB wrote with 5 row groups of ≤2,048 rows (ids 0–9,999 in
 * order) and whose add action carries no stats, so no file is skipped and every saving comes
 * from the footer. EXPLAIN ANALYZE shows the row groups kept; each answer is checked against
 * DuckDB over the same file.
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { mkdirSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Warehouse } from '../storage/warehouse.js';
import { jsonRows } from './encode/index.js';
import { Session } from './session.js';

const root = mkdtempSync(join(tmpdir(), 'deltasql-row-groups-'));
const file = join(root, 'events', 'part-00000.snappy.parquet');
let duck: DuckDBConnection;
let session: Session;

beforeAll(async () => {
  mkdirSync(join(root, 'events', '_delta_log'), { recursive: true });
  duck = await (await DuckDBInstance.create(':memory:')).connect();
  await duck.run(
    `COPY (SELECT i::BIGINT AS id, (DATE '2020-01-01' + i::INT) AS day, 'k' || (i % 7) AS name, ` +
      `TIMESTAMP '2020-01-01' + i * INTERVAL 1 SECOND AS ts, CASE WHEN i % 10 = 0 THEN NULL ELSE (i * 1.5)::DOUBLE END AS x FROM range(10000) t(i)) ` +
      `TO '${file}' (FORMAT parquet, COMPRESSION snappy, ROW_GROUP_SIZE 2048)`,
  );
  const fields = [['id', 'long'], ['day', 'date'], ['name', 'string'], ['ts', 'timestamp'], ['x', 'double']].map(([name, type]) => ({ name, type, nullable: true, metadata: {} }));
  const actions = [
    { protocol: { minReaderVersion: 1, minWriterVersion: 2 } },
    { metaData: { id: 'row-groups', format: { provider: 'parquet', options: {} }, schemaString: JSON.stringify({ type: 'struct', fields }), partitionColumns: [], configuration: {}, createdTime: 0 } },
    { add: { path: 'part-00000.snappy.parquet', partitionValues: {}, size: statSync(file).size, modificationTime: 0, dataChange: true } },
  ];
  writeFileSync(join(root, 'events', '_delta_log', '00000000000000000000.json'), actions.map((a) => JSON.stringify(a)).join('\n') + '\n');
  await duck.run(`CREATE VIEW events AS SELECT * FROM read_parquet('${file}')`);
  session = new Session(new Warehouse(root));
});

afterAll(() => duck?.closeSync());

async function rows(sql: string): Promise<unknown[][]> {
  const result = await session.execute(sql);
  const out: unknown[][] = [];
  for await (const batch of result.batches) for (const row of jsonRows(batch)) out.push(row);
  return out;
}

/** The Scan line of EXPLAIN ANALYZE, timings taken out. */
async function scanLine(sql: string): Promise<string> {
  const lines = (await rows(`EXPLAIN ANALYZE ${sql}`)).map((r) => String(r[0]).replace(/ time=[\d.]+ ms/g, ''));
  return (lines.find((l) => l.trim().startsWith('Scan:')) ?? '').trim();
}

async function duckdb(sql: string): Promise<unknown[][]> {
  const reader = await duck.runAndReadAll(sql);
  return reader.getRowsJS().map((r) => r.map((v) => (typeof v === 'bigint' ? Number(v) : v)));
}

describe('row-group skipping from Parquet footers', () => {
  it('the file has 5 row groups', async () => {
    expect(await duckdb(`SELECT count(DISTINCT row_group_id) FROM parquet_metadata('${file}')`)).toEqual([[5]]);
  });

  it.each([
    ['an int8 range inside one row group', 'id >= 5000 AND id < 6000', 1, 1000],
    ['a date bound', "day > DATE '2040-01-01'", 2, 2694],
    ['a timestamp bound', "ts < TIMESTAMP '2020-01-01 00:00:10'", 1, 10],
    ['equality on a double (NULLs in every group)', 'x = 16.5', 1, 1],
    ['a string every group spans (none skipped)', "name = 'k3'", 5, 1429],
  ])('%s: %s reads %i of 5 row groups', async (_, where, kept, count) => {
    const sql = `SELECT count(*) AS n FROM events WHERE ${where}`;
    expect(await scanLine(sql)).toContain(`row_groups=${kept}/5 skipped_by_stats=${5 - kept}`);
    expect(await rows(sql)).toEqual(await duckdb(sql));
    expect(await rows(sql)).toEqual([[count]]);
  });

  it('prunes the whole file when no row group can match, and answers alike from the column cache', async () => {
    const none = 'SELECT count(*) AS n, max(id) AS hi FROM events WHERE id > 20000';
    expect(await scanLine(none)).toContain('row_groups=0/5 skipped_by_stats=5');
    expect(await rows(none)).toEqual([[0, null]]);
    const some = 'SELECT count(*) AS n, min(id) AS lo, max(id) AS hi FROM events WHERE id BETWEEN 2040 AND 2050';
    const first = await rows(some);
    expect(first).toEqual(await duckdb(some));
    expect(await rows(some)).toEqual(first); // second run: the chunks of row groups 0 and 1 from the cache
  });

  it('skips row groups by a hash join’s runtime filter too', async () => {
    const join = 'SELECT e.id, e.name FROM events e JOIN (VALUES (9000), (9100)) v(id) ON e.id = v.id';
    expect(await scanLine(join)).toContain('row_groups=1/5 skipped_by_stats=4');
    expect(await rows(`${join} ORDER BY e.id`)).toEqual([[9000, 'k5'], [9100, 'k0']]);
  });
});
