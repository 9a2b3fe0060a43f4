import * as arrow from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalRows, CORPUS_DIR, corpusTable } from '../../storage/testing/corpus.js';
import { Warehouse } from '../../storage/warehouse.js';
import { metric, postQuery, readUntilCut } from '../testing/http.js';
import { startHttpServer, type RunningHttpServer } from './index.js';

/** `POST /v1/query` over a real socket against the corpus: every format, and every error path. */

let server: RunningHttpServer;
beforeAll(async () => {
  server = await startHttpServer({ catalog: new Warehouse(CORPUS_DIR), port: 0 });
});
afterAll(() => server.close());

/** Every Delta type, nested ones included, in 200 rows. */
const TYPES_SQL = 'SELECT * FROM "parquet-all-types"';
/** 360,000 rows whose second batch (k = 100000) divides by zero: an error once streaming began. */
const FAILS_LATE = 'SELECT k, 1 / (k - 100000) AS r FROM (SELECT x.id * 600 + y.id AS k FROM "parsed-stats" x CROSS JOIN "parsed-stats" y ORDER BY k) s';

describe('formats', () => {
  it('answers the JSON document of PRODUCT.md by default', async () => {
    const response = await postQuery(server, 'SELECT letter, number, a_float FROM basic_partitioned ORDER BY number');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(response.headers.get('x-deltasql-command')).toBe('SELECT');
    expect(await response.json()).toEqual({
      columns: [
        { name: 'letter', type: 'text' },
        { name: 'number', type: 'int8' },
        { name: 'a_float', type: 'float8' },
      ],
      rows: [['a', 1, 1.1], ['b', 2, 2.2], ['c', 3, 3.3], ['a', 4, 4.4], ['e', 5, 5.5], [null, 6, 6.6]],
      rowCount: 6,
    });
  });

  it.each(['data-reader-primitives', 'kernel-timestamp-INT96', 'parquet-all-types', 'table-with-columnmapping-mode-name'])(
    'answers %s with the rows and value encoding of MANIFEST.json',
    async (name) => {
      const body = await (await postQuery(server, `SELECT * FROM "${name}"`)).json();
      const expected = corpusTable(name).expected;
      const names: string[] = body.columns.map((c: { name: string }) => c.name);
      const rows = body.rows.map((row: unknown[]) => Object.fromEntries(row.map((v, i) => [names[i], v])));
      expect(body.rowCount).toBe(expected.rowCount);
      if (expected.rows) expect(canonicalRows(rows)).toEqual(canonicalRows(expected.rows));
      else expect(canonicalRows(rows).slice(0, expected.firstRowsSorted!.length)).toEqual(canonicalRows(expected.firstRowsSorted!));
    },
  );

  it('streams NDJSON, one object per row', async () => {
    const response = await postQuery(server, 'SELECT letter, number FROM basic_partitioned ORDER BY number LIMIT 3', 'application/x-ndjson');
    expect(response.headers.get('content-type')).toBe('application/x-ndjson; charset=utf-8');
    expect(await response.text()).toBe('{"letter":"a","number":1}\n{"letter":"b","number":2}\n{"letter":"c","number":3}\n');
  });

  it('streams CSV with a header and PostgreSQL text values', async () => {
    const response = await postQuery(server, 'SELECT letter, number, a_float FROM basic_partitioned ORDER BY number DESC LIMIT 2', 'text/csv');
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(await response.text()).toBe('letter,number,a_float\r\n,6,6.6\r\ne,5,5.5\r\n');
  });

  it('streams Arrow IPC that apache-arrow decodes to the same values as the JSON', async () => {
    const json = await (await postQuery(server, TYPES_SQL)).json();
    const response = await postQuery(server, TYPES_SQL, 'application/vnd.apache.arrow.stream');
    expect(response.headers.get('content-type')).toBe('application/vnd.apache.arrow.stream');
    const table = arrow.tableFromIPC(new Uint8Array(await response.arrayBuffer()));
    expect(table.schema.fields.map((f) => f.name)).toEqual(json.columns.map((c: { name: string }) => c.name));
    expect(table.numRows).toBe(json.rowCount);
    // Re-encode what Arrow decoded with PRODUCT.md's rules and compare with the JSON document.
    const { encodeJson } = await import('../encode/index.js');
    let text = '';
    for await (const chunk of encodeJson({ schema: table.schema, batches: (async function* () { yield* table.batches; })() })) text += chunk;
    expect(JSON.parse(text)).toEqual(json);
    // And spot-check raw Arrow values.
    expect(table.numCols).toBe(json.columns.length);
  });

  it('sends one Arrow record batch per engine batch over a large result', async () => {
    const response = await postQuery(server, 'SELECT x.id, y.name FROM "parsed-stats" x CROSS JOIN "parsed-stats" y', 'application/vnd.apache.arrow.stream');
    const table = arrow.tableFromIPC(new Uint8Array(await response.arrayBuffer()));
    expect(table.numRows).toBe(360_000);
    expect(table.batches.length).toBeGreaterThan(1);
    const ndjson = await (await postQuery(server, 'SELECT count(*) AS n, sum(x.id) AS s FROM "parsed-stats" x CROSS JOIN "parsed-stats" y')).json();
    let sum = 0n;
    for (const batch of table.batches) for (const v of batch.getChild('id')!.data[0]!.values as BigInt64Array) sum += v;
    expect(ndjson.rows[0]).toEqual([360_000, String(sum)]); // sum(int8) is numeric: an exact string
  });

  it('honours q-values in Accept and falls back to JSON for unknown types', async () => {
    const csv = await postQuery(server, 'SELECT 1 AS x', 'application/json;q=0.5, text/csv');
    expect(await csv.text()).toBe('x\r\n1\r\n');
    const other = await postQuery(server, 'SELECT 1 AS x', 'text/html');
    expect(await other.json()).toEqual({ columns: [{ name: 'x', type: 'int4' }], rows: [[1]], rowCount: 1 });
  });
});

describe('errors before the answer starts', () => {
  it.each([
    ['SELEC 1', 400, '42601', 1],
    ['SELECT nope FROM basic_partitioned', 400, '42703', 8],
    ['SELECT * FROM no_such_table', 404, '42P01', 15],
    ['SELECT 1 / 0', 400, '22012', undefined],
    ['SELECT * FROM simple_table_features', 400, '0A000', 15],
  ])('%s → %i %s', async (sql, status, code, position) => {
    const response = await postQuery(server, sql);
    expect(response.status).toBe(status);
    const body = await response.json();
    expect(body.error.code).toBe(code);
    expect(body.error.position).toBe(position);
    expect(typeof body.error.message).toBe('string');
  });

  it('answers 503 53200 when an operator outgrows its memory budget, and the next query runs', async () => {
    process.env.DELTASQL_OPERATOR_MEMORY_MB = '0.0005'; // 512 bytes
    try {
      const response = await postQuery(server, 'SELECT row_number() OVER (ORDER BY "StringType") FROM "parquet-all-types"');
      expect(response.status).toBe(503);
      expect((await response.json()).error).toMatchObject({ code: '53200', message: expect.stringContaining('window') });
    } finally {
      delete process.env.DELTASQL_OPERATOR_MEMORY_MB;
    }
    expect((await postQuery(server, 'SELECT count(*) AS n FROM "parquet-all-types"')).status).toBe(200);
  });

  it('refuses a body without "sql" (400 08P01) and malformed JSON (400)', async () => {
    const noSql = await fetch(`http://127.0.0.1:${server.port}/v1/query`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"SELECT 1"}' });
    expect(noSql.status).toBe(400);
    expect((await noSql.json()).error.code).toBe('08P01');
    const broken = await fetch(`http://127.0.0.1:${server.port}/v1/query`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"sql":' });
    expect(broken.status).toBe(400);
    expect((await broken.json()).error.code).toBe('08P01');
  });

  it('answers 413 with an error body for a body over the limit', async () => {
    const response = await postQuery(server, `SELECT '${'x'.repeat(1024 * 1024)}'`);
    expect(response.status).toBe(413);
    expect((await response.json()).error).toMatchObject({ code: '54000', message: expect.stringMatching(/body/i) });
  });

  it('binds $n parameters from "params": numbers typed, strings taking the type they meet', async () => {
    const response = await postQuery(server, 'SELECT $1::int + 1 AS x, $2 AS s, $3::date + 1 AS d, $4 AS n', undefined, { params: [41, 'text', '2024-02-28', null] });
    expect(response.status).toBe(200);
    expect((await response.json()).rows).toEqual([[42, 'text', '2024-02-29', null]]);
    const filtered = await postQuery(server, 'SELECT count(*) AS n FROM basic_partitioned WHERE letter = $1', undefined, { params: ['a'] });
    expect((await filtered.json()).rows).toEqual([[2]]);
  });

  it('refuses malformed params (08P01) and a missing one (42P02, as PostgreSQL)', async () => {
    const bad = await postQuery(server, 'SELECT 1', undefined, { params: { a: 1 } });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.code).toBe('08P01');
    const missing = await postQuery(server, 'SELECT $2 AS x', undefined, { params: [1] });
    expect(missing.status).toBe(400);
    expect((await missing.json()).error.code).toBe('42P02');
  });
});

describe('errors after streaming began', () => {
  it('json: closes the document with the rows sent, their rowCount, and an "error" member', async () => {
    const response = await postQuery(server, FAILS_LATE);
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.error).toEqual({ code: '22012', message: 'division by zero' });
    expect(body.rowCount).toBe(body.rows.length);
    expect(body.rowCount).toBeGreaterThan(0);
    expect(body.rowCount).toBeLessThan(100_000);
    expect(body.rows[0]).toEqual([601, 0]);
  });

  it('ndjson: ends with an {"error":…} line', async () => {
    const text = await (await postQuery(server, FAILS_LATE, 'application/x-ndjson')).text();
    const lines = text.trimEnd().split('\n');
    expect(JSON.parse(lines.at(-1)!)).toEqual({ error: { code: '22012', message: 'division by zero' } });
    expect(JSON.parse(lines[0]!)).toEqual({ k: 601, r: 0 });
  });

  it('csv: writes an ERROR line, then cuts the transfer', async () => {
    const { bytes, cut } = await readUntilCut(await postQuery(server, FAILS_LATE, 'text/csv'));
    expect(cut).toBe(true);
    const text = Buffer.from(bytes).toString('utf8');
    expect(text.startsWith('k,r\r\n601,0\r\n')).toBe(true);
    expect(text.endsWith('ERROR:  division by zero (SQLSTATE 22012)\r\n')).toBe(true);
  });

  it('arrow: cuts the transfer before the end-of-stream marker', async () => {
    const { bytes, cut } = await readUntilCut(await postQuery(server, FAILS_LATE, 'application/vnd.apache.arrow.stream'));
    expect(cut).toBe(true);
    const tail = Buffer.from(bytes.subarray(bytes.length - 8));
    expect(tail.equals(Buffer.from([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]))).toBe(false);
    // What arrived is whole batches: the first one decodes.
    const reader = arrow.RecordBatchReader.from(bytes);
    const first = reader.next();
    expect(first.done).toBe(false);
    expect((first.value as arrow.RecordBatch).getChild('k')!.get(0)).toBe(601n);
  });

  it('counts failures by SQLSTATE class in /metrics', async () => {
    const before = (await metric(server, 'deltasql_query_errors_total{class="22"}')) ?? 0;
    await (await postQuery(server, 'SELECT 1 / 0')).text();
    expect(await metric(server, 'deltasql_query_errors_total{class="22"}')).toBe(before + 1);
  });
});
