import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyCorpusTable, CORPUS_DIR, corpusPath, corpusTable, corpusTables } from '../../storage/testing/corpus.js';
import { Warehouse } from '../../storage/warehouse.js';
import { metric, postQuery } from '../testing/http.js';
import { startHttpServer, type RunningHttpServer } from './index.js';

/** The table browser, history, caching with ETags, health, metrics and access control, over real HTTP. */

let server: RunningHttpServer;
let base: string;
beforeAll(async () => {
  server = await startHttpServer({ catalog: new Warehouse(CORPUS_DIR), port: 0 });
  base = `http://127.0.0.1:${server.port}`;
});
afterAll(() => server.close());

/** Bytes of the live Parquet files of a table whose every file is live (basic_partitioned only appends). */
function parquetBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && entry.name.endsWith('.parquet') && !entry.parentPath.includes('_delta_log')) total += statSync(join(entry.parentPath, entry.name)).size;
  }
  return total;
}

describe('GET /v1/tables', () => {
  it('lists every corpus table with its columns, and the unreadable one with its error', async () => {
    const { tables } = await (await fetch(`${base}/v1/tables`)).json();
    expect(tables).toHaveLength(corpusTables().length);
    expect(tables.find((t: { name: string }) => t.name === 'basic_partitioned')).toEqual({
      schema: 'public',
      name: 'basic_partitioned',
      version: 1,
      columns: [
        { name: 'letter', type: 'text', deltaType: 'string', nullable: true },
        { name: 'number', type: 'int8', deltaType: 'long', nullable: true },
        { name: 'a_float', type: 'float8', deltaType: 'double', nullable: true },
      ],
      partitionColumns: ['letter'],
    });
    const unsupported = tables.find((t: { name: string }) => t.name === 'simple_table_features');
    expect(unsupported.error.code).toBe('0A000');
  });

  it('describes one table: version, files, rows, size, partitioning', async () => {
    const detail = await (await fetch(`${base}/v1/tables/basic_partitioned`)).json();
    const manifest = corpusTable('basic_partitioned');
    expect(detail).toMatchObject({
      name: 'basic_partitioned',
      version: 1,
      partitionColumns: ['letter'],
      files: manifest.versions.at(-1)!.numFiles,
      rowCount: manifest.versions.at(-1)!.rowCount,
      sizeBytes: parquetBytes(corpusPath('basic_partitioned')),
      protocol: { minReaderVersion: 1, minWriterVersion: 2 },
    });
  });

  it('counts rows net of deletion vectors', async () => {
    const detail = await (await fetch(`${base}/v1/tables/table-with-dv-small`)).json();
    expect(detail.rowCount).toBe(corpusTable('table-with-dv-small').expected.rowCount);
  });

  it('answers 404 42P01 for an unknown table', async () => {
    const response = await fetch(`${base}/v1/tables/nope`);
    expect(response.status).toBe(404);
    expect((await response.json()).error).toMatchObject({ code: '42P01', message: 'relation "nope" does not exist' });
  });

  it('gives the history newest first, limited on request', async () => {
    const { history } = await (await fetch(`${base}/v1/tables/cdc_ict_table/history?limit=3`)).json();
    expect(history.map((h: { version: number }) => h.version)).toEqual([3, 2, 1]);
    expect(history[2]).toMatchObject({ operation: 'WRITE', timestamp: '2023-05-12T06:50:06.883Z', operationParameters: { mode: 'Append' } });
    const bad = await fetch(`${base}/v1/tables/cdc_ict_table/history?limit=0`);
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.code).toBe('22023');
  });
});

describe('GET /v1/query with ETags', () => {
  it('answers 304 until a table the query reads gains a commit; time travel keeps its tag', async () => {
    const table = copyCorpusTable('simple_table');
    const local = await startHttpServer({ catalog: new Warehouse(dirname(table)), port: 0 });
    try {
      const get = (sql: string, etag?: string) =>
        fetch(`http://127.0.0.1:${local.port}/v1/query?sql=${encodeURIComponent(sql)}`, { headers: etag ? { 'if-none-match': etag } : {} });
      const latest = 'SELECT count(*) AS n FROM simple_table';
      const rows = corpusTable('simple_table').versions.at(-1)!.rowCount;
      const pinned = 'SELECT count(*) AS n FROM simple_table VERSION AS OF 2';

      const first = await get(latest);
      expect(first.status).toBe(200);
      expect(await first.json()).toMatchObject({ rows: [[rows]] });
      const tag = first.headers.get('etag')!;
      expect(tag).toMatch(/^"[\w-]+"$/);
      const pinnedTag = (await get(pinned)).headers.get('etag')!;
      // POST answers carry the same tag, so a client may poll with GET after a POST.
      expect((await postQuery(local, latest)).headers.get('etag')).toBe(tag);

      const again = await get(latest, tag);
      expect(again.status).toBe(304);
      expect(await again.text()).toBe('');
      expect((await get(latest, `"other", ${tag}`)).status).toBe(304);
      // HEAD gives the tag without running the statement.
      const head = await fetch(`http://127.0.0.1:${local.port}/v1/query?sql=${encodeURIComponent(latest)}`, { method: 'HEAD' });
      expect(head.status).toBe(200);
      expect(head.headers.get('etag')).toBe(tag);

      // A new commit (version 5, commitInfo only) lands.
      writeFileSync(join(table, '_delta_log', '00000000000000000005.json'), JSON.stringify({ commitInfo: { timestamp: Date.now(), operation: 'SET TBLPROPERTIES', operationParameters: {} } }) + '\n');
      const changed = await get(latest, tag);
      expect(changed.status).toBe(200);
      expect(changed.headers.get('etag')).not.toBe(tag);
      expect(await changed.json()).toMatchObject({ rows: [[rows]] });
      // VERSION AS OF 2 still reads version 2: same tag, still 304.
      expect((await get(pinned, pinnedTag)).status).toBe(304);
    } finally {
      await local.close();
    }
  });

  it('differs by format and refuses statements that write (405 25006)', async () => {
    const sql = encodeURIComponent('SELECT 1 AS x');
    const json = await fetch(`${base}/v1/query?sql=${sql}`);
    const csv = await fetch(`${base}/v1/query?sql=${sql}`, { headers: { accept: 'text/csv' } });
    expect(await csv.text()).toBe('x\r\n1\r\n');
    expect(csv.headers.get('etag')).not.toBe(json.headers.get('etag'));
    const write = await fetch(`${base}/v1/query?sql=${encodeURIComponent('DROP VIEW IF EXISTS v')}`);
    expect(write.status).toBe(405);
    expect(write.headers.get('allow')).toBe('POST');
    expect((await write.json()).error.code).toBe('25006');
    const missing = await fetch(`${base}/v1/query`);
    expect(missing.status).toBe(400);
  });
});

describe('health and metrics', () => {
  it('answers /healthz', async () => {
    expect(await (await fetch(`${base}/healthz`)).json()).toEqual({ status: 'ok' });
  });

  it('exposes Prometheus counters that move with the queries', async () => {
    const response = await fetch(`${base}/metrics`);
    expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = await response.text();
    for (const family of ['deltasql_queries_total', 'deltasql_query_errors_total', 'deltasql_query_duration_seconds', 'deltasql_scan_bytes_total', 'deltasql_column_cache_hits_total']) {
      expect(text).toContain(`# TYPE ${family} `);
    }
    const queries = (await metric(server, 'deltasql_queries_total{format="ndjson"}')) ?? 0;
    const count = (await metric(server, 'deltasql_query_duration_seconds_count')) ?? 0;
    const bytes = (await metric(server, 'deltasql_scan_bytes_total')) ?? 0;
    const hits = (await metric(server, 'deltasql_column_cache_hits_total')) ?? 0;
    await (await postQuery(server, 'SELECT * FROM basic_partitioned', 'application/x-ndjson')).text();
    await (await postQuery(server, 'SELECT * FROM basic_partitioned', 'application/x-ndjson')).text();
    expect(await metric(server, 'deltasql_queries_total{format="ndjson"}')).toBe(queries + 2);
    expect(await metric(server, 'deltasql_query_duration_seconds_count')).toBe(count + 2);
    expect(await metric(server, 'deltasql_query_duration_seconds_bucket{le="+Inf"}')).toBe(count + 2);
    expect(await metric(server, 'deltasql_scan_bytes_total')).toBeGreaterThan(bytes);
    expect(await metric(server, 'deltasql_column_cache_hits_total')).toBeGreaterThan(hits); // the second read hit the cache
  });
});

describe('access', () => {
  const external = () => {
    return Object.values(networkInterfaces()).flat().find((a) => a && !a.internal && a.family === 'IPv4')?.address;
  };

  it('serves loopback only when started without a token (403 28000 otherwise)', async () => {
    const address = external();
    if (!address) return; // a machine with no other interface cannot reach us from elsewhere
    const open = await startHttpServer({ catalog: new Warehouse(CORPUS_DIR), host: '0.0.0.0', port: 0 });
    try {
      const remote = await fetch(`http://${address}:${open.port}/healthz`);
      expect(remote.status).toBe(403);
      expect((await remote.json()).error.code).toBe('28000');
      expect((await fetch(`http://127.0.0.1:${open.port}/healthz`)).status).toBe(200);
    } finally {
      await open.close();
    }
  });

  it('requires the bearer token when started with one, from anywhere', async () => {
    const locked = await startHttpServer({ catalog: new Warehouse(CORPUS_DIR), host: '0.0.0.0', port: 0, token: 's3cret' });
    try {
      const host = external() ?? '127.0.0.1';
      const none = await postQuery(locked, 'SELECT 1');
      expect(none.status).toBe(401);
      expect((await none.json()).error.code).toBe('28000');
      expect((await postQuery(locked, 'SELECT 1', undefined, {}, { authorization: 'Bearer wrong' })).status).toBe(401);
      const ok = await fetch(`http://${host}:${locked.port}/v1/query`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer s3cret' },
        body: JSON.stringify({ sql: 'SELECT 1 AS x' }),
      });
      expect(ok.status).toBe(200);
      expect((await ok.json()).rows).toEqual([[1]]);
      // The console page itself loads without the token (it asks for it).
      expect((await fetch(`http://${host}:${locked.port}/`)).status).toBe(200);
    } finally {
      await locked.close();
    }
  });

  it('accepts HTTP Basic auth with the users file\'s users and passwords, and the bearer token too, from anywhere', async () => {
    const users = new Map([['alice', 'wonder:land'], ['bob', 'builder']]);
    const locked = await startHttpServer({ catalog: new Warehouse(CORPUS_DIR), host: '0.0.0.0', port: 0, token: 't0ken', auth: { users } });
    try {
      const host = external() ?? '127.0.0.1';
      const basic = (user: string, password: string) => ({ authorization: 'Basic ' + Buffer.from(`${user}:${password}`).toString('base64') });
      const query = (headers: Record<string, string>) => fetch(`http://${host}:${locked.port}/v1/query`, {
        method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ sql: 'SELECT current_user AS u, count(*) AS n FROM simple_table' }),
      });
      const alice = await query(basic('alice', 'wonder:land')); // a password may hold a colon
      expect(alice.status).toBe(200);
      expect((await alice.json()).rows).toEqual([['alice', 3]]);
      expect((await (await query(basic('bob', 'builder'))).json()).rows).toEqual([['bob', 3]]);
      const token = await query({ authorization: 'Bearer t0ken' });
      expect(token.status).toBe(200);
      const missing = { code: '28000', message: 'a valid "Authorization: Basic" (a user of --users) or "Bearer <token>" header is required' };
      const cases: [Record<string, string>, object][] = [
        [basic('alice', 'wrong'), { code: '28P01', message: 'password authentication failed for user "alice"' }],
        [basic('mallory', 'builder'), { code: '28P01', message: 'password authentication failed for user "mallory"' }],
        [{ authorization: 'Basic !!!' }, missing],
        [{ authorization: 'Bearer wrong' }, missing],
        [{}, missing],
      ];
      for (const [headers, error] of cases) {
        const refused = await query(headers);
        expect(refused.status).toBe(401);
        expect(refused.headers.get('www-authenticate')).toBe('Basic realm="deltasql", charset="UTF-8"');
        expect(await refused.json()).toEqual({ error });
      }
    } finally {
      await locked.close();
    }
  });
});
