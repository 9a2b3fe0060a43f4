import * as arrow from 'apache-arrow';
import http from 'node:http';
import { dirname } from 'node:path';
import { startHttpServer } from '../../server/http/index.js';
import { Warehouse } from '../../storage/warehouse.js';
import { PRICES } from '../generate/datasets.js';
import { ensureDataset } from '../generate/ensure.js';
import { check } from '../lib/check.js';
import { measure, peakRssMiB, type Timing } from '../lib/measure.js';
import { mib, ms, printTable, rowsPerSecond, type Cell } from '../lib/report.js';
import type { BenchSection } from './section.js';

const DEFAULT_RUNS = 1;

/**
 * Issue 6's streaming figure: `SELECT * FROM prices` (10 million rows × 7 columns) through
 * `POST /v1/query` over a real loopback socket, as NDJSON and as Arrow IPC, read to the end by a
 * client that counts what it got (newlines for NDJSON; Arrow's own stream reader for IPC).
 */
export const httpStreamSection: BenchSection = {
  name: 'http-stream',
  group: 'http',
  description: 'a 10-million-row result streamed over HTTP as NDJSON and as Arrow IPC: rows/s',
  async run(ctx) {
    const runs = ctx.runs ?? DEFAULT_RUNS;
    const dir = await ensureDataset(PRICES);
    const totalRows = PRICES.tickers * PRICES.days;
    const server = await startHttpServer({ catalog: new Warehouse(dirname(dir)), port: 0 });
    const sql = `SELECT * FROM ${PRICES.name}`;
    try {
      const results: { format: string; timing: Timing; bytes: number }[] = [];
      for (const [format, accept, count] of [
        ['NDJSON', 'application/x-ndjson', countNdjson],
        ['Arrow IPC', 'application/vnd.apache.arrow.stream', countArrow],
      ] as const) {
        let bytes = 0;
        const timing = await measure(
          { runs },
          async () => {
            const got = await count(server.port, sql, accept);
            bytes = got.bytes;
            return got.rows;
          },
          (rows) => check(rows === totalRows, `${format}: the client got ${rows} rows, expected ${totalRows}`),
        );
        results.push({ format, timing, bytes });
      }
      const rows: Cell[][] = results.map((r) => [
        r.format,
        ms(r.timing.bestMs),
        ms(r.timing.medianMs),
        rowsPerSecond(totalRows, r.timing.bestMs),
        mib(r.bytes / 2 ** 20),
        `${((r.bytes / 2 ** 20) / (r.timing.bestMs / 1000)).toFixed(0)} MiB/s`,
      ]);
      printTable({
        title: `HTTP streaming: ${sql}, ${totalRows.toLocaleString('en-US')} rows × 7 columns over loopback, best and median of ${runs}`,
        headers: ['format', 'best', 'median', 'rows/s (best)', 'body', 'throughput'],
        rows,
        notes: [
          'Server and client in this one process (the client only counts: newlines, or Arrow record batches), so both share its main thread.',
          'Includes scanning the Parquet files (column cache warm after the first format) and encoding; backpressure on, one batch in flight.',
          `peak RSS of the process: ${mib(peakRssMiB())}.`,
        ],
      });
    } finally {
      await server.close();
    }
  },
};

/** POSTs the query and hands the response body (a Node stream) to `read`. */
function post(port: number, sql: string, accept: string): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    const request = http.request({ host: '127.0.0.1', port, path: '/v1/query', method: 'POST', headers: { 'content-type': 'application/json', accept } }, (response) => {
      if (response.statusCode !== 200) reject(new Error(`HTTP ${response.statusCode}`));
      else resolve(response);
    });
    request.on('error', reject);
    request.end(JSON.stringify({ sql }));
  });
}

async function countNdjson(port: number, sql: string, accept: string): Promise<{ rows: number; bytes: number }> {
  let rows = 0;
  let bytes = 0;
  for await (const chunk of await post(port, sql, accept)) {
    const buffer = chunk as Buffer;
    bytes += buffer.length;
    for (let at = buffer.indexOf(10); at >= 0; at = buffer.indexOf(10, at + 1)) rows++;
  }
  return { rows, bytes };
}

async function countArrow(port: number, sql: string, accept: string): Promise<{ rows: number; bytes: number }> {
  let bytes = 0;
  const response = await post(port, sql, accept);
  async function* counted(): AsyncGenerator<Uint8Array> {
    for await (const chunk of response) {
      bytes += (chunk as Buffer).length;
      yield chunk as Buffer;
    }
  }
  let rows = 0;
  const reader = await arrow.RecordBatchReader.from(counted());
  for await (const batch of reader) rows += batch.numRows;
  return { rows, bytes };
}
