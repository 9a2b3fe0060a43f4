import { execFileSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ensureBuilt } from '../../server/testing/cli.js';
import { duckTable } from '../../server/testing/duckdb-table.js';
import { CORPUS_DIR } from '../testing/corpus.js';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

describe('decoding in worker threads', () => {
  it('reads the corpus through the compiled worker pool with the same rows as on one thread', () => {
    ensureBuilt(); // rebuilds only when a source is newer than dist: never under the CLI tests' feet
    const script = `
      import { Warehouse } from './dist/storage/warehouse.js';
      import { DecodePool } from './dist/storage/scan/decode-pool.js';
      const table = process.argv[1];
      const w = new Warehouse(${JSON.stringify(CORPUS_DIR)});
      const source = await w.resolveTable({ kind: 'named', name: table });
      let rows = 0, sum = 0n;
      for await (const b of source.scan({ columns: source.schema.fields.map((f) => f.name) })) {
        rows += b.numRows;
        const ids = b.getChild('id');
        for (let i = 0; ids && i < b.numRows; i++) sum += BigInt(ids.get(i) ?? 0);
      }
      console.log(JSON.stringify({ workers: DecodePool.shared() !== undefined, rows, sum: String(sum) }));
    `;
    const run = (threads: string, table: string) =>
      JSON.parse(execFileSync('node', ['--input-type=module', '-e', script, table], { cwd: repo, env: { ...process.env, DELTASQL_DECODE_THREADS: threads } }).toString()) as { workers: boolean; rows: number; sum: string };
    for (const table of ['basic-with-inserts-deletes-checkpoint', 'kernel-pagination-v2-checkpoint-parquet', 'dv-partitioned-with-checkpoint']) {
      const pooled = run('2', table);
      const single = run('0', table);
      expect(pooled.workers).toBe(true);
      expect(single.workers).toBe(false);
      expect(pooled).toEqual({ ...single, workers: true });
      expect(pooled.rows).toBeGreaterThan(0);
    }
  });

  it('streams many batches per file with read-ahead, and a scan stopped early leaves the workers usable', () => {
    // Batches of 3 rows: every file is many batches, so the workers queue batches ahead; the
    // first scan stops after one batch (as LIMIT does), closing files with reads still queued.
    const script = `
      import { Warehouse } from './dist/storage/warehouse.js';
      const w = new Warehouse(${JSON.stringify(CORPUS_DIR)});
      const source = await w.resolveTable({ kind: 'named', name: 'parsed-stats' });
      for await (const b of source.scan({ columns: ['id'], batchSize: 3 })) break;
      let rows = 0, sum = 0n, batches = 0;
      for await (const b of source.scan({ columns: ['id'], batchSize: 3 })) {
        batches++;
        rows += b.numRows;
        const ids = b.getChild('id');
        for (let i = 0; i < b.numRows; i++) sum += BigInt(ids.get(i) ?? 0);
      }
      console.log(JSON.stringify({ rows, sum: String(sum), batches }));
    `;
    const run = (threads: string) => JSON.parse(execFileSync('node', ['--input-type=module', '-e', script], { cwd: repo, env: { ...process.env, DELTASQL_DECODE_THREADS: threads } }).toString()) as unknown;
    // parsed-stats: 6 files of 100 rows (34 batches each, past the 16 queued ahead), ids 1–600.
    const pooled = run('2');
    expect(pooled).toEqual(run('0'));
    expect(pooled).toEqual({ rows: 600, sum: '180300', batches: 204 });
  });

  it('reuses chunk buffers across row groups and files without one row group seeing another\'s bytes', async () => {
    // Many small row groups, uncompressed (pages are read where they lie in the chunk's buffer) and
    // snappy, several columns: each worker takes its chunk buffers back after every row group
    // (flat-parquet/buffer-pool.ts). The rows equal parquet-wasm's and DuckDB's.
    ensureBuilt();
    const select = (k: number) => `SELECT i AS id, 'name-' || (i * 7 % 101) AS name, (i * 0.5)::DOUBLE AS x, DATE '2020-01-01' + (i % 400)::INTEGER AS d FROM range(${k * 20_000}, ${(k + 1) * 20_000}) t(i)`;
    const columns: [string, string][] = [['id', 'long'], ['name', 'string'], ['x', 'double'], ['d', 'date']];
    for (const compression of ['uncompressed', 'snappy']) {
      const table = await duckTable('pool-reuse-', [select(0), select(1), select(2)], `COMPRESSION '${compression}', ROW_GROUP_SIZE 2048`, columns);
      try {
        const script = `
          import { Warehouse } from './dist/storage/warehouse.js';
          import { DecodePool } from './dist/storage/scan/decode-pool.js';
          // Count the worker replies that carry parquet-wasm's batches: a flat decode of bytes
          // another read overwrote would decline to parquet-wasm rather than answer wrong rows.
          let wasm = 0;
          const request = DecodePool.prototype.request;
          DecodePool.prototype.request = function (...args) {
            return request.apply(this, args).then((reply) => (reply.kind === 'batch' && wasm++, reply));
          };
          const source = await new Warehouse(process.argv[1]).resolveTable({ kind: 'named', name: 'events' });
          let rows = 0, ids = 0, x = 0, names = 0, days = 0;
          for await (const b of source.scan({ columns: ['id', 'name', 'x', 'd'] })) {
            rows += b.numRows;
            const [id, name, xs, d] = ['id', 'name', 'x', 'd'].map((c) => b.getChild(c).toArray());
            for (let i = 0; i < b.numRows; i++) { ids += Number(id[i]) * (i + 1) % 1000003; x += xs[i]; days += d[i] / 86400000 % 7; names += b.getChild('name').get(i).length; }
          }
          console.log(JSON.stringify({ rows, ids, x, names, days, wasm }));
        `;
        const run = (fast: string) => JSON.parse(execFileSync('node', ['--input-type=module', '-e', script, table.root], { cwd: repo, env: { ...process.env, DELTASQL_DECODE_THREADS: '2', DELTASQL_FAST_PARQUET: fast } }).toString()) as Record<string, number>;
        const { wasm, ...flat } = run('1');
        const { wasm: all, ...reference } = run('0');
        expect(flat, compression).toEqual(reference);
        expect([wasm, all > 0]).toEqual([0, true]);
        expect(flat.rows).toBe(60_000);
        const [[x, names]] = (await table.duckdb("SELECT sum(x), sum(length(name)) FROM events")) as [[string, string]];
        expect([flat.x, flat.names]).toEqual([Number(x), Number(names)]);
      } finally {
        await table.close();
      }
    }
  });

  it('hands flat-decoded columns from the workers as raw buffers with the values parquet-wasm gives', () => {
    // Every column of these tables through the worker pool, with the flat decoder and without:
    // the rows (and the batch sizes) are the same; the flat run got raw batches from the workers.
    ensureBuilt();
    const script = `
      import { Warehouse } from './dist/storage/warehouse.js';
      import { DecodePool } from './dist/storage/scan/decode-pool.js';
      // Count the worker replies that carry raw flat-decoded batches.
      let raw = 0;
      const request = DecodePool.prototype.request;
      DecodePool.prototype.request = function (...args) {
        return request.apply(this, args).then((reply) => (reply.kind === 'raw' && raw++, reply));
      };
      const w = new Warehouse(${JSON.stringify(CORPUS_DIR)});
      const out = {};
      for (const table of process.argv[1].split(',')) {
        const source = await w.resolveTable({ kind: 'named', name: table });
        const rows = [];
        const sizes = [];
        for await (const b of source.scan({ columns: source.schema.fields.map((f) => f.name), batchSize: 7 })) {
          sizes.push(b.numRows);
          for (const row of b.toArray()) rows.push(JSON.stringify(row, (_k, v) => (typeof v === 'bigint' ? String(v) + 'n' : v)));
        }
        out[table] = { rows, sizes };
      }
      console.log(JSON.stringify({ workers: DecodePool.shared() !== undefined, raw, out }));
    `;
    const tables = ['data-reader-primitives', 'parquet-all-types', 'partition-type-primitives', 'basic-with-inserts-deletes-checkpoint', 'table-with-dv-small', 'data-reader-timestamp_ntz'];
    const run = (fast: string) =>
      JSON.parse(execFileSync('node', ['--input-type=module', '-e', script, tables.join(',')], { cwd: repo, env: { ...process.env, DELTASQL_DECODE_THREADS: '2', DELTASQL_FAST_PARQUET: fast } }).toString()) as { workers: boolean; raw: number; out: Record<string, { rows: string[]; sizes: number[] }> };
    const flat = run('1');
    const wasm = run('0');
    expect(flat.workers).toBe(true);
    expect(flat.raw).toBeGreaterThan(10);
    expect(wasm.raw).toBe(0);
    for (const table of tables) {
      expect(flat.out[table]?.rows.length, table).toBeGreaterThan(0);
      expect(flat.out[table], table).toEqual(wasm.out[table]);
    }
  });
});
