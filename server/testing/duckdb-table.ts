/**
 * Test support for scans checked against DuckDB: a Delta table `events` over Parquet files that
 * DuckDB wrote (`<root>/data/part-k.parquet`), a listening server on its warehouse, and the same
 * query run three ways — ours through node-postgres, DuckDB's over the files, and our EXPLAIN
 * ANALYZE's scan line.
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { Warehouse } from '../../storage/warehouse.js';
import { startPgServer, type PgServer } from '../pgwire/server.js';

export interface DuckTable {
  readonly root: string;
  readonly server: PgServer;
  readonly files: readonly string[];
  /** Ours: every value as text (`NULL`, dates as YYYY-MM-DD). */
  ours(sql: string): Promise<string[][]>;
  /** DuckDB's answer over the same files (`events` read as read_parquet of them). */
  duckdb(sql: string): Promise<string[][]>;
  /** EXPLAIN ANALYZE's scan line (timings cut), and how many rows the scan produced. */
  scanLine(sql: string): Promise<{ text: string; rows: number }>;
  close(): Promise<void>;
}

/**
 * Writes `selects.length` files with DuckDB's `COPY (select) TO … (FORMAT parquet, options)`,
 * then a Delta table `events` of `columns` (Delta type names) over them, and serves it.
 */
export async function duckTable(prefix: string, selects: readonly string[], options: string, columns: readonly (readonly [string, string])[]): Promise<DuckTable> {
  const root = mkdtempSync(join(tmpdir(), prefix));
  mkdirSync(join(root, 'data'));
  const duck: DuckDBConnection = await (await DuckDBInstance.create(':memory:')).connect();
  const files: string[] = [];
  for (const [k, select] of selects.entries()) {
    const file = join(root, 'data', `part-${k}.parquet`);
    await duck.run(`COPY (${select}) TO '${file}' (FORMAT parquet, ${options})`);
    files.push(file);
  }
  mkdirSync(join(root, 'events', '_delta_log'), { recursive: true });
  const fields = columns.map(([name, type]) => ({ name, type, nullable: true, metadata: {} }));
  const actions: object[] = [
    { protocol: { minReaderVersion: 1, minWriterVersion: 2 } },
    { metaData: { id: 'events', format: { provider: 'parquet', options: {} }, schemaString: JSON.stringify({ type: 'struct', fields }), partitionColumns: [], configuration: {}, createdTime: 0 } },
    ...files.map((file, k) => ({ add: { path: `../data/part-${k}.parquet`, partitionValues: {}, size: statSync(file).size, modificationTime: 0, dataChange: true } })),
  ];
  writeFileSync(join(root, 'events', '_delta_log', '00000000000000000000.json'), actions.map((a) => JSON.stringify(a)).join('\n') + '\n');
  const server = await startPgServer({ catalog: new Warehouse(root), port: 0 });
  const client = new pg.Client({ host: '127.0.0.1', port: server.port, user: 'tester', database: 'warehouse' });
  await client.connect();

  const ours = async (sql: string): Promise<string[][]> => {
    const result = await client.query({ text: sql, rowMode: 'array' });
    return (result.rows as unknown[][]).map((row) => row.map((v) => (v === null ? 'NULL' : v instanceof Date ? v.toISOString().slice(0, 10) : String(v))));
  };
  return {
    root,
    server,
    files,
    ours,
    duckdb: async (sql) => {
      const text = sql.replace(/\bevents\b/g, `read_parquet([${files.map((f) => `'${f}'`).join(', ')}])`);
      return (await duck.runAndReadAll(text)).getRows().map((row) => row.map((v) => (v === null ? 'NULL' : String(v))));
    },
    scanLine: async (sql) => {
      const lines = (await ours(`EXPLAIN ANALYZE ${sql}`)).map((r) => String(r[0]).trim());
      const line = lines.find((l) => l.startsWith('Scan:')) ?? '';
      return { text: line.replace(/ \(rows=\d+ time=[\d.]+ ms\)/, ''), rows: Number(/rows=(\d+)/.exec(line)?.[1]) };
    },
    close: async () => {
      await client.end();
      await server.close();
      duck.closeSync();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/**
 * A DuckTable made before a test file's tests and closed after them: its query functions, and
 * `table()` for its server and root.
 */
export function duckTableForTests(make: () => Promise<DuckTable>): {
  table: () => DuckTable;
  ours: DuckTable['ours'];
  duckdb: DuckTable['duckdb'];
  scanLine: DuckTable['scanLine'];
} {
  let made: DuckTable | undefined;
  beforeAll(async () => {
    made = await make();
  });
  afterAll(async () => {
    await made?.close();
  });
  const table = (): DuckTable => {
    if (made === undefined) throw new Error('the DuckDB table is made before the tests run');
    return made;
  };
  return { table, ours: (sql) => table().ours(sql), duckdb: (sql) => table().duckdb(sql), scanLine: (sql) => table().scanLine(sql) };
}
