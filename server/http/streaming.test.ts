import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CORPUS_DIR } from '../../storage/testing/corpus.js';
import { Warehouse } from '../../storage/warehouse.js';
import { eventually, metric } from '../testing/http.js';
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
  // TODO(#4): a CPU-bound operator (the nested-loop join of
  // `… CROSS JOIN … CROSS JOIN … WHERE a.id + b.id > c.id`, ~10 s) never yields to the event
  // loop, so the socket's close is only seen, and the statement aborted, once that work is done;
  // the server cannot even answer /metrics meanwhile. Turn this on when operators yield.
  it.todo('stops a CPU-bound statement within a second of the client leaving');
});
