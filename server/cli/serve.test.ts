import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as arrow from 'apache-arrow';
import { parquetMetadata } from 'hyparquet';
import pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeSample } from '../../storage/scan/flat-parquet/testing/generate.js';
import { BIN, CORPUS, ensureBuilt, runCli } from '../testing/cli.js';

// `deltasql serve` as a user runs it: the real bin, a real port, a real client, then SIGTERM.

beforeAll(() => ensureBuilt());

/** Starts `deltasql serve` over `warehouse`; answers the child and its PostgreSQL port. */
async function serve(warehouse: string): Promise<{ child: ReturnType<typeof spawn>; port: number }> {
  const child = spawn(process.execPath, [BIN, 'serve', '--warehouse', warehouse, '--pg-port', '0', '--http-port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  const deadline = Date.now() + 30_000;
  while (!stdout.includes('\n') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  const port = /PostgreSQL on 127\.0\.0\.1:(\d+)/.exec(stdout)?.[1];
  if (port === undefined) throw new Error(`deltasql serve did not start: ${stdout}`);
  return { child, port: Number(port) };
}

/**
 * A one-file Delta table `broken` whose second row group has a garbled data page (parquet-wasm
 * panics on it, which ends the decode worker reading it).
 */
function brokenTable(root: string): void {
  const table = join(root, 'broken');
  mkdirSync(join(table, '_delta_log'), { recursive: true });
  const file = join(table, 'part-0.parquet');
  const k = Array.from({ length: 12_000 }, (_, i) => BigInt(i < 4_000 ? i % 10 : i * 31));
  const s = Array.from({ length: 12_000 }, (_, i) => `v${i % 20}`);
  writeSample(file, new arrow.Table({ k: arrow.vectorFromArray(k, new arrow.Int64()), s: arrow.vectorFromArray(s, new arrow.Utf8()) }), { rowGroupRows: 4_000 });
  const bytes = readFileSync(file);
  const md = parquetMetadata(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length)).row_groups[1]?.columns[1]?.meta_data;
  if (md === undefined) throw new Error('no column chunk metadata');
  bytes.fill(0xff, Number(md.data_page_offset), Number(md.data_page_offset) + 6);
  writeFileSync(file, bytes);
  const fields = [{ name: 'k', type: 'long', nullable: true, metadata: {} }, { name: 's', type: 'string', nullable: true, metadata: {} }];
  const actions = [
    { protocol: { minReaderVersion: 1, minWriterVersion: 2 } },
    { metaData: { id: 'broken', format: { provider: 'parquet', options: {} }, schemaString: JSON.stringify({ type: 'struct', fields }), partitionColumns: [], configuration: {}, createdTime: 0 } },
    { add: { path: 'part-0.parquet', partitionValues: {}, size: statSync(file).size, modificationTime: 0, dataChange: true } },
  ];
  writeFileSync(join(table, '_delta_log', '00000000000000000000.json'), actions.map((a) => JSON.stringify(a)).join('\n') + '\n');
}

describe('deltasql serve', () => {
  it('prints its addresses, answers PostgreSQL and HTTP clients, and stops cleanly on SIGTERM', async () => {
    const child = spawn(process.execPath, [BIN, 'serve', '--warehouse', CORPUS, '--pg-port', '0', '--http-port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const deadline = Date.now() + 30_000;
    while (!stdout.includes('\n') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const match = /^deltasql serving .*: PostgreSQL on 127\.0\.0\.1:(\d+) \(trust, loopback only\), HTTP on http:\/\/127\.0\.0\.1:(\d+)\/ \(loopback only\)\n$/.exec(stdout);
    expect(match, stdout).not.toBeNull();
    const client = new pg.Client({ host: '127.0.0.1', port: Number(match![1]), user: 'u', database: 'd' });
    await client.connect();
    expect((await client.query('SELECT count(*) AS n FROM simple_table')).rows).toEqual([{ n: '3' }]);
    await client.end();
    const http = await fetch(`http://127.0.0.1:${match![2]}/v1/query`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ sql: 'SELECT count(*) AS n FROM simple_table' }) });
    expect(await http.json()).toEqual({ columns: [{ name: 'n', type: 'int8' }], rows: [[3]], rowCount: 1 });
    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
  }, 60_000);

  it('with --users, takes those users\' passwords over PostgreSQL (SCRAM) and HTTP Basic', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'deltasql-users-'));
    writeFileSync(join(dir, 'users'), '# who may connect\nana:s3cret\n');
    const child = spawn(process.execPath, [BIN, 'serve', '--warehouse', CORPUS, '--pg-port', '0', '--http-port', '0', '--users', join(dir, 'users')], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      let stdout = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      const deadline = Date.now() + 30_000;
      while (!stdout.includes('\n') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      const match = /PostgreSQL on 127\.0\.0\.1:(\d+) \(password\), HTTP on http:\/\/127\.0\.0\.1:(\d+)\/ \(users' passwords\)\n$/.exec(stdout);
      expect(match, stdout).not.toBeNull();
      const client = new pg.Client({ host: '127.0.0.1', port: Number(match![1]), user: 'ana', password: 's3cret', database: 'd' });
      await client.connect();
      expect((await client.query('SELECT current_user AS u')).rows).toEqual([{ u: 'ana' }]);
      await client.end();
      const url = `http://127.0.0.1:${match![2]}/v1/query`;
      const body = JSON.stringify({ sql: 'SELECT count(*) AS n FROM simple_table' });
      const ok = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Basic ' + Buffer.from('ana:s3cret').toString('base64') }, body });
      expect(await ok.json()).toEqual({ columns: [{ name: 'n', type: 'int8' }], rows: [[3]], rowCount: 1 });
      // Loopback is no longer enough once passwords are configured.
      expect((await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body })).status).toBe(401);
    } finally {
      child.kill('SIGTERM');
      await once(child, 'exit');
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('answers a query over a corrupt data file with XX001 and keeps serving every client after it', async () => {
    const root = mkdtempSync(join(tmpdir(), 'deltasql-broken-'));
    brokenTable(root);
    const { child, port } = await serve(root);
    const clients: pg.Client[] = [];
    const connect = async () => {
      // A query stuck on a dead worker fails the test in 15 s rather than at the test's timeout.
      const client = new pg.Client({ host: '127.0.0.1', port, user: 'u', database: 'd', query_timeout: 15_000 });
      client.on('error', () => undefined); // the server stopping under a failed assertion
      clients.push(client);
      await client.connect();
      return client;
    };
    const simple = `SELECT count(*) AS n, sum(id) AS total FROM delta.\`${join(CORPUS, 'simple_table')}\``;
    try {
      const first = await connect();
      const other = await connect();
      for (let round = 0; round < 2; round++) {
        await expect(first.query('SELECT k, s FROM broken')).rejects.toMatchObject({ code: 'XX001', message: expect.stringContaining('undecodable Parquet data (decoder worker failed: unreachable)') });
        // Each read lands on a decode worker in turn: the replaced one answers like the others, on both connections.
        for (let i = 0; i < 4; i++) {
          expect((await (i % 2 === 0 ? first : other).query(simple)).rows).toEqual([{ n: '3', total: '21' }]);
          expect((await other.query('SELECT count(*) AS n, max(k) AS top FROM broken WHERE k < 10')).rows).toEqual([{ n: '4000', top: '9' }]);
        }
      }
    } finally {
      await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
      child.kill('SIGTERM');
      await once(child, 'exit');
      rmSync(root, { recursive: true, force: true });
    }
  }, 60_000);

  it('refuses bad options with one line and exit status 2', async () => {
    const r = await runCli(['serve', '--warehouse', CORPUS, '--pg-port', 'x']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('ERROR:  --pg-port must be a port number, not "x" (see "deltasql --help")\n');
    const http = await runCli(['serve', '--warehouse', CORPUS, '--http-port', '70000']);
    expect(http.code).toBe(2);
    expect(http.stderr).toBe('ERROR:  --http-port must be a port number, not "70000" (see "deltasql --help")\n');
    const both = await runCli(['serve', '--warehouse', CORPUS, '--password', 'a', '--users', '/nope']);
    expect(both.code).toBe(2);
    expect(both.stderr).toBe('ERROR:  --password and --users cannot be used together (see "deltasql --help")\n');
  });
});
