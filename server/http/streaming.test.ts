import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CORPUS_DIR } from '../../storage/testing/corpus.js';
import { Warehouse } from '../../storage/warehouse.js';
import { eventually, metric, postQuery } from '../testing/http.js';
import { startHttpServer, type RunningHttpServer } from './index.js';

/**
 * Backpressure and cancellation over a real socket: a result of 216 million rows (the corpus's
 * 600-row table cross-joined with itself three times; far more than memory could hold as text)
 * read by a client that stops reading, then goes away.
 */

const HUGE = 'SELECT a.id, b.name, c.salary FROM "parsed-stats" a CROSS JOIN "parsed-stats" b CROSS JOIN "parsed-stats" c';

let server: RunningHttpServer;
beforeAll(async () => {
  server = await startHttpServer({ catalog: new Warehouse(CORPUS_DIR), port: 0 });
});
afterAll(() => server.close());

const pulled = async () => (await metric(server, 'deltasql_result_rows_total')) ?? 0;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts the query with a raw http client and resolves with the response once the first bytes arrived. */
function startSlowRead(accept: string): Promise<{ request: http.ClientRequest; response: http.IncomingMessage; received: () => number }> {
  return new Promise((resolve, reject) => {
    const request = http.request({ host: '127.0.0.1', port: server.port, path: '/v1/query', method: 'POST', headers: { 'content-type': 'application/json', accept } }, (response) => {
      let bytes = 0;
      response.once('data', (chunk: Buffer) => {
        bytes += chunk.length;
        response.pause(); // the slow reader: reads nothing more for now
        resolve({ request, response, received: () => bytes });
      });
      response.on('data', (chunk: Buffer) => (bytes += chunk.length));
    });
    request.on('error', reject);
    request.end(JSON.stringify({ sql: HUGE }));
  });
}

describe.each([
  ['ndjson', 'application/x-ndjson'],
  ['arrow', 'application/vnd.apache.arrow.stream'],
])('a slow %s reader', (_name, accept) => {
  it('holds the engine back: the server stops pulling batches, then stops the statement when the client leaves', async () => {
    const before = await pulled();
    const errorsBefore = (await metric(server, 'deltasql_query_errors_total{class="57"}')) ?? 0;
    const { request, response, received } = await startSlowRead(accept);
    await sleep(1500);
    const first = (await pulled()) - before;
    await sleep(1000);
    const second = (await pulled()) - before;
    // Stalled: nothing more was pulled while nobody read (socket buffers and one batch in flight).
    expect(second).toBe(first);
    // And far behind the 216M-row result: a few batches of 65,536 rows at most.
    expect(second).toBeLessThan(1_000_000);
    expect(await metric(server, 'deltasql_active_queries')).toBe(1);

    // Reading again resumes the stream.
    let more = 0;
    response.on('data', (chunk: Buffer) => (more += chunk.length));
    response.resume();
    expect(await eventually(async () => (await pulled()) - before > second, 10_000)).toBe(true);
    expect(received() + more).toBeGreaterThan(0);

    // The client goes away: the statement is cancelled (57014) and nothing keeps running.
    request.destroy();
    expect(await eventually(async () => (await metric(server, 'deltasql_active_queries')) === 0)).toBe(true);
    expect(await metric(server, 'deltasql_query_errors_total{class="57"}')).toBe(errorsBefore + 1);
    const stopped = await pulled();
    await sleep(500);
    expect(await pulled()).toBe(stopped);
  });
});

describe('a client that leaves before the first row', () => {
  // 216 million pair evaluations that never match: no row reaches the client for ~10 s, all of it
  // in-memory work inside the nested-loop joins (no I/O to wait on).
  const CPU_BOUND = 'SELECT count(*) FROM "parsed-stats" a CROSS JOIN "parsed-stats" b CROSS JOIN "parsed-stats" c WHERE a.id + b.id < c.id - 100000';

  it('stops a CPU-bound statement within a second of the client leaving, serving others meanwhile', async () => {
    const errorsBefore = (await metric(server, 'deltasql_query_errors_total{class="57"}')) ?? 0;
    await (await postQuery(server, 'SELECT count(*) FROM "parsed-stats"')).text(); // the snapshot is loaded: no I/O left to wait on
    const request = http.request({ host: '127.0.0.1', port: server.port, path: '/v1/query', method: 'POST', headers: { 'content-type': 'application/json' } });
    request.on('error', () => {});
    request.end(JSON.stringify({ sql: CPU_BOUND }));
    expect(await eventually(async () => (await metric(server, 'deltasql_active_queries')) === 1)).toBe(true);
    await sleep(500);

    // Another client is served while the statement computes (it would run for ~10 s). (Its
    // latency here says little: this test's own client shares the server's event loop.)
    const other = await (await fetch(`http://127.0.0.1:${server.port}/v1/query`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ sql: 'SELECT 1 AS one' }) })).json();
    expect(other).toMatchObject({ rows: [[1]] });
    expect(await metric(server, 'deltasql_active_queries')).toBe(1);

    // The client leaves: the statement is cancelled (57014) within a second.
    const left = performance.now();
    request.destroy();
    expect(await eventually(async () => (await metric(server, 'deltasql_active_queries')) === 0, 1000)).toBe(true);
    expect(performance.now() - left).toBeLessThan(1000);
    expect(await metric(server, 'deltasql_query_errors_total{class="57"}')).toBe(errorsBefore + 1);
  });
});
