import type * as arrow from 'apache-arrow';
import { availableParallelism } from 'node:os';
import { LocalObjectStore } from '../../storage/object-store/local.js';
import { dataFilePath, scanSnapshot } from '../../storage/scan/scan.js';
import type { Snapshot } from '../../storage/snapshot/snapshot.js';
import { DeltaTable } from '../../storage/table.js';
import { readParquet, runDuckDB, type DuckDBQueryResult } from '../duckdb/client.js';
import { PRICES } from '../generate/datasets.js';
import { PRICE_COLUMNS } from '../generate/delta-log.js';
import { ensureDataset } from '../generate/ensure.js';
import { check } from '../lib/check.js';
import { measure, peakRssMiB, type Timing } from '../lib/measure.js';
import { mib, ms, printTable, ratio, rowsPerSecond, type Cell } from '../lib/report.js';
import type { BenchSection } from './section.js';

const DEFAULT_RUNS = 5;
const ALL_COLUMNS = PRICE_COLUMNS.map((c) => c.name);

/**
 * Full scan of the 10-million-row prices table: our `scanSnapshot` (every column, and one)
 * against DuckDB's `read_parquet` over the same files, with DuckDB's default thread count and
 * with one thread. Ours decodes Parquet on its worker pool (DELTASQL_DECODE_THREADS, one per core).
 */
export const scanSection: BenchSection = {
  name: 'scan',
  group: 'storage',
  description: 'full scan of a 10-million-row table: scanSnapshot vs DuckDB read_parquet over the same files',
  async run(ctx) {
    const runs = ctx.runs ?? DEFAULT_RUNS;
    const dir = await ensureDataset(PRICES);
    const store = new LocalObjectStore();
    const snapshot = await new DeltaTable(store, dir, PRICES.name).latest();
    const totalRows = PRICES.tickers * PRICES.days;
    check(snapshot.files.length === PRICES.files, `prices has ${snapshot.files.length} files, expected ${PRICES.files}`);
    const files = snapshot.files.map((f) => dataFilePath(snapshot.tableRoot, f.path));
    const totalBytes = snapshot.files.reduce((n, f) => n + f.size, 0);

    // ── ours (first, so our peak RSS is ours alone; DuckDB runs in a child process anyway) ──
    // An untimed pass per projection warms up (wasm compile, page cache) and checks the answer.
    const closeSum = await sumColumn(store, snapshot, 'close');
    const countRows = (columns: readonly string[]) => async () => {
      let rows = 0;
      for await (const batch of scanSnapshot(store, snapshot, { columns })) rows += batch.numRows;
      return rows;
    };
    const expectRows = (rows: number) => check(rows === totalRows, `our scan returned ${rows} rows, expected ${totalRows}`);
    const oursAll = await measure({ warmup: 1, runs }, countRows(ALL_COLUMNS), expectRows);
    const oursOne = await measure({ runs }, countRows(['close']), expectRows);
    const ourRss = peakRssMiB();

    // ── DuckDB ──
    const source = readParquet(files);
    const aggregate =
      `SELECT count(*) AS n, max(date) AS max_date, max(ticker) AS max_ticker, sum(open) AS open, sum(high) AS high, ` +
      `sum(low) AS low, sum(close) AS close, sum(volume) AS volume FROM ${source}`;
    const duck = await runDuckDB({
      threads: ['default', 1],
      warmup: 1,
      runs,
      queries: [
        { label: 'select-all', sql: `SELECT * FROM ${source}`, mode: 'stream' },
        { label: 'aggregate-all', sql: aggregate, mode: 'value' },
        { label: 'select-close', sql: `SELECT close FROM ${source}`, mode: 'stream' },
      ],
    });
    const duckDefaultThreads = Math.max(...duck.results.map((r) => r.threads));
    for (const r of duck.results) {
      if (r.label === 'aggregate-all') {
        check(Number(r.value?.n) === totalRows, `DuckDB counted ${String(r.value?.n)} rows`);
        const theirs = Number(r.value?.close);
        check(Math.abs(theirs - closeSum) <= 1e-9 * Math.abs(theirs), `sum(close) differs: ours ${closeSum}, DuckDB ${theirs}`);
      } else {
        check(r.rows === totalRows, `DuckDB ${r.label} streamed ${r.rows} rows, expected ${totalRows}`);
      }
    }
    const duckRow = (label: string, threads: number): DuckDBQueryResult => {
      const r = duck.results.find((x) => x.label === label && x.threads === threads);
      check(r !== undefined, `no DuckDB result for ${label} at ${threads} threads`);
      return r;
    };

    const row = (reader: string, columns: number, threads: number, t: Timing, ours?: Timing): Cell[] => [
      reader,
      columns,
      threads,
      ms(t.bestMs),
      ms(t.medianMs),
      rowsPerSecond(totalRows, t.bestMs),
      ours ? ratio(t.bestMs, ours.bestMs) : '',
    ];
    const threadCounts = [...new Set([duckDefaultThreads, 1])];
    const ourThreads = Number(process.env.DELTASQL_DECODE_THREADS ?? availableParallelism());
    const rows: Cell[][] = [row('deltasql scanSnapshot → Arrow batches', 7, ourThreads, oursAll)];
    for (const threads of threadCounts) rows.push(row('DuckDB SELECT * streamed (fetchChunk)', 7, threads, duckRow('select-all', threads).timing, oursAll));
    for (const threads of threadCounts) rows.push(row('DuckDB sum/max of every column', 7, threads, duckRow('aggregate-all', threads).timing, oursAll));
    rows.push(row('deltasql scanSnapshot → Arrow batches', 1, ourThreads, oursOne));
    for (const threads of threadCounts) rows.push(row('DuckDB SELECT close streamed', 1, threads, duckRow('select-close', threads).timing, oursOne));

    printTable({
      title:
        `Full scan: ${PRICES.name}, ${totalRows.toLocaleString('en-US')} rows × ${ALL_COLUMNS.length} columns, ` +
        `${files.length} snappy Parquet files (${mib(totalBytes / 2 ** 20)}), best and median of ${runs}`,
      headers: ['reader', 'columns', 'threads', 'best', 'median', 'rows/s (best)', 'ours ÷ DuckDB'],
      rows,
      notes: [
        'ours ÷ DuckDB = our rows/s over DuckDB\'s on the same columns (1.00× = parity, 0.25× = DuckDB 4× faster).',
        'Primary comparison: DuckDB `SELECT *` pulled through the node API chunk by chunk, values left in DuckDB vectors —',
        '  every column decoded and handed to the caller, the same work as our scan, which hands over Arrow batches.',
        'The sum/max row (count, max(date), max(ticker), sum of open/high/low/close/volume) also decodes every column but',
        '  keeps the data inside DuckDB: its best case, no hand-off to JS.',
        `DuckDB ${duck.version}, default threads = ${duckDefaultThreads} (nproc = ${availableParallelism()}); ours decodes on ${ourThreads} worker threads and assembles batches on the main thread.`,
        `Checked: both sides see ${totalRows.toLocaleString('en-US')} rows; sum(close) agrees (${closeSum.toFixed(2)}). Warm OS page cache; footers re-read every run.`,
        `peak RSS: ours ${mib(ourRss)} (this process), DuckDB's child process ${mib(duck.peakRssMiB)}.`,
      ],
    });
  },
};

/** Σ column over the whole table, as a cross-check against DuckDB (also the warm-up pass). */
async function sumColumn(store: LocalObjectStore, snapshot: Snapshot, column: string): Promise<number> {
  let sum = 0;
  for await (const batch of scanSnapshot(store, snapshot, { columns: [column] })) {
    for (const data of (batch.getChildAt(0) as arrow.Vector<arrow.Float64>).data) {
      const values = data.values;
      for (let i = 0; i < data.length; i++) sum += values[i] as number;
    }
  }
  return sum;
}
