import { dirname, join } from 'node:path';
import { startHttpServer } from '../../server/http/index.js';
import { Warehouse } from '../../storage/warehouse.js';
import { PRICES } from '../generate/datasets.js';
import { ensureDataset } from '../generate/ensure.js';
import { check } from '../lib/check.js';
import { runChild } from '../lib/child.js';
import { peakRssMiB, summarise } from '../lib/measure.js';
import { DIST_BENCH_DIR } from '../lib/paths.js';
import { mib, ms, printTable, rowsPerSecond, type Cell } from '../lib/report.js';
import type { ClientJob, ClientRun } from './http-stream-client.js';
import type { BenchSection } from './section.js';

const DEFAULT_RUNS = 1;

/**
 * Issue 6's streaming figure: `SELECT * FROM prices` (10 million rows × 7 columns) through
 * `POST /v1/query` over a real loopback socket, as NDJSON and as Arrow IPC. The server runs in
 * this process; the client (http-stream-client.ts) in a child process reads every byte and
 * counts the rows, so the figure is the server's: scan, encode, write with backpressure.
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
    const client = join(DIST_BENCH_DIR, 'sections', 'http-stream-client.js');
    try {
      const rows: Cell[][] = [];
      for (const [label, format] of [['NDJSON', 'ndjson'], ['Arrow IPC', 'arrow']] as const) {
        const job: ClientJob = { port: server.port, sql, format, runs };
        const results = await runChild<ClientRun[]>(client, job);
        for (const r of results) check(r.rows === totalRows, `${label}: the client got ${r.rows} rows, expected ${totalRows}`);
        const timing = summarise(results.map((r) => r.ms));
        const bytes = results[0]?.bytes ?? 0;
        rows.push([
          label,
          ms(timing.bestMs),
          ms(timing.medianMs),
          rowsPerSecond(totalRows, timing.bestMs),
          mib(bytes / 2 ** 20),
          `${(bytes / 2 ** 20 / (timing.bestMs / 1000)).toFixed(0)} MiB/s`,
        ]);
      }
      printTable({
        title: `HTTP streaming: ${sql}, ${totalRows.toLocaleString('en-US')} rows × 7 columns over loopback, best and median of ${runs}`,
        headers: ['format', 'best', 'median', 'rows/s (best)', 'body', 'throughput'],
        rows,
        notes: [
          'Server in this process; the client in a child process reads every byte and counts rows (newlines; Arrow record batches).',
          'Includes scanning the Parquet files (column cache warm after the first format), encoding, and writing with backpressure.',
          `peak RSS of the server process: ${mib(peakRssMiB())}.`,
        ],
      });
    } finally {
      await server.close();
    }
  },
};
