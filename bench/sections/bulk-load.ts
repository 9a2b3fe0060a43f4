import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { generatedChunks, rawCopyIn } from '../../server/pgwire/testing/copy-in-client.js';
import { runPsql } from '../../server/pgwire/testing/psql.js';
import { RawClient } from '../../server/pgwire/testing/raw-client.js';
import { runDuckDB } from '../duckdb/client.js';
import { PRICES } from '../generate/datasets.js';
import { ensureDataset } from '../generate/ensure.js';
import { check } from '../lib/check.js';
import { measure } from '../lib/measure.js';
import { DATA_DIR, REPO_ROOT } from '../lib/paths.js';
import { ms, printTable, ratio, rowsPerSecond } from '../lib/report.js';
import { serverPort } from './pgwire-load.js';
import type { BenchSection } from './section.js';

const DEFAULT_RUNS = 3;
/** MERGE rewrites the whole 10-million-row table: fewer runs by default. */
const DEFAULT_MERGE_RUNS = 2;
const ROWS = 2_000_000;
const PRICE_ROWS = PRICES.tickers * PRICES.days;

/** One bench row as CSV, the shape of the `write` section's rows (long, double, string, int). */
const csvLine = (i: number): string => `${i},${i * 0.5},name${i % 1000},${i % 10}\n`;
const COLUMNS = 'id BIGINT, v DOUBLE, s STRING, p INT';
const DUCK_CSV_COLUMNS = "columns={'id': 'BIGINT', 'v': 'DOUBLE', 's': 'VARCHAR', 'p': 'INTEGER'}";

/** The 1% of prices rows a MERGE changes: `volume % 100 = 0` picks 100,040 rows spread over every file. */
const mergeSql = (table: string): string => `MERGE INTO ${table} t USING (SELECT date, ticker, close * 1.01 AS close FROM ${table} WHERE volume % 100 = 0) s
  ON t.date = s.date AND t.ticker = s.ticker WHEN MATCHED THEN UPDATE SET close = s.close`;
const MERGED_ROWS = 100_040;

/**
 * `bulk-load`: bulk writes through the real server (`deltasql serve`, its own process) over the
 * PostgreSQL protocol: 2 million CSV rows by `COPY … FROM STDIN` (raw CopyData messages in
 * 64 KB chunks, as pg-copy-streams sends them) and by psql's `\copy` from a file, the same rows
 * by `INSERT … SELECT`, and a MERGE of 1% changed rows (100,040) into the 10-million-row prices
 * table (a copy of bench/data/prices). Beside DuckDB on the same data: read_csv → Parquet and
 * → a table, read_parquet → Parquet, and `MERGE INTO` an in-memory copy of prices (plus
 * writing it back out as Parquet, which the Delta MERGE does as part of its work).
 */
export const bulkLoadSection: BenchSection = {
  name: 'bulk-load',
  group: 'write',
  description: 'COPY FROM STDIN / psql \\copy / INSERT … SELECT of 2M rows and MERGE of 1% into 10M rows over the wire, vs DuckDB',
  async run(ctx) {
    const runs = ctx.runs ?? DEFAULT_RUNS;
    const mergeRuns = ctx.runs ?? DEFAULT_MERGE_RUNS;
    const pricesDir = await ensureDataset(PRICES);
    const work = join(DATA_DIR, 'bulk-load-scratch');
    rmSync(work, { recursive: true, force: true });
    const warehouse = join(work, 'warehouse');
    mkdirSync(warehouse, { recursive: true });
    let copies = 0;
    /** A fresh copy of prices per MERGE run: after one MERGE the changed rows sit in one new file, and a second MERGE would rewrite only that. */
    const freshPrices = (): string => {
      const name = `prices_${copies++}`;
      cpSync(pricesDir, join(warehouse, name), { recursive: true, filter: (src) => !src.endsWith('_bench_marker.json') });
      return name;
    };
    // The load's bytes, built once outside the timings (and as a file for psql and DuckDB).
    const chunks = [...generatedChunks(ROWS, csvLine)];
    const csvFile = join(work, 'load.csv');
    writeFileSync(csvFile, Buffer.concat(chunks));
    const csvBytes = chunks.reduce((n, c) => n + c.length, 0);

    const server = spawn(process.execPath, [join(REPO_ROOT, 'dist', 'server', 'cli', 'main.js'), 'serve', '--warehouse', warehouse, '--pg-port', '0', '--http-port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let copyTiming, psqlTiming, insertTiming, mergeTiming;
    let source = '';
    try {
      const port = await serverPort(server.stdout);
      const client = new pg.Client({ host: '127.0.0.1', port, user: 'bench', database: 'warehouse' });
      await client.connect();
      let n = 0;
      const freshTable = async (): Promise<string> => {
        const name = `load_${n++}`;
        await client.query(`CREATE TABLE ${name} (${COLUMNS}) USING DELTA`);
        return name;
      };

      // ── COPY FROM STDIN, raw CopyData ──
      const raw = await RawClient.started(port);
      let table = '';
      copyTiming = await measure({ warmup: 1, runs }, async () => {
        const result = await rawCopyIn(raw, `COPY ${table} FROM STDIN (FORMAT csv)`, chunks);
        check(result.rows === ROWS, `COPY loaded ${JSON.stringify(result.error ?? result.rows)}`);
      }, undefined, async () => (table = await freshTable()));
      raw.end();
      source = 'load_0';

      // ── psql \copy from a file ──
      psqlTiming = await measure({ warmup: 1, runs }, async () => {
        const r = await runPsql(port, ['-c', `\\copy ${table} FROM '${csvFile}' WITH (FORMAT csv)`], { user: 'bench' });
        check(r.stdout === `COPY ${ROWS}\n`, `psql \\copy: ${r.stdout}${r.stderr}`);
      }, undefined, async () => (table = await freshTable()));

      // ── INSERT … SELECT ──
      insertTiming = await measure({ warmup: 1, runs }, async () => {
        const r = await client.query(`INSERT INTO ${table} SELECT * FROM ${source}`);
        check(r.rowCount === ROWS, `INSERT … SELECT wrote ${r.rowCount}`);
      }, undefined, async () => (table = await freshTable()));

      // ── MERGE 1% into 10M rows, each run into a fresh copy of the table ──
      let prices = '';
      mergeTiming = await measure({ warmup: 0, runs: mergeRuns }, async () => {
        const r = await client.query(mergeSql(prices));
        check(r.rowCount === MERGED_ROWS, `MERGE changed ${r.rowCount}`);
      }, undefined, async () => (prices = freshPrices()));
      const count = await client.query(`SELECT count(*)::int AS n, sum(CASE WHEN volume % 100 = 0 THEN 1 ELSE 0 END)::int AS changed FROM ${prices}`);
      check(count.rows[0]?.n === PRICE_ROWS && count.rows[0]?.changed === MERGED_ROWS, `prices has ${JSON.stringify(count.rows[0])} rows after MERGE`);
      await client.end();
    } finally {
      server.kill();
    }

    const sourceFiles = readdirSync(join(warehouse, source)).filter((f) => f.endsWith('.parquet')).map((f) => `'${join(warehouse, source, f)}'`);
    const readCsv = `read_csv('${csvFile}', header = false, ${DUCK_CSV_COLUMNS})`;
    const duck = await runDuckDB({
      threads: [1, 'default'],
      warmup: 1,
      runs,
      queries: [
        { label: 'csv-parquet', sql: `COPY (SELECT * FROM ${readCsv}) TO '${join(work, 'duck-load.parquet')}' (FORMAT parquet, COMPRESSION snappy)`, mode: 'value' },
        { label: 'csv-table', sql: `CREATE OR REPLACE TABLE loaded AS SELECT * FROM ${readCsv}`, mode: 'value' },
        { label: 'insert-select', sql: `COPY (SELECT * FROM read_parquet([${sourceFiles.join(', ')}])) TO '${join(work, 'duck-insert.parquet')}' (FORMAT parquet, COMPRESSION snappy)`, mode: 'value' },
        { label: 'merge', setup: `CREATE OR REPLACE TABLE prices AS SELECT * FROM read_parquet('${pricesDir}/*.parquet')`, sql: mergeSql('prices'), mode: 'value' },
        { label: 'merge-write', sql: `COPY prices TO '${join(work, 'duck-prices.parquet')}' (FORMAT parquet, COMPRESSION snappy)`, mode: 'value' },
      ],
    });
    const best = (label: string, threads: number): number => duck.results.find((r) => r.label === label && (threads === 1 ? r.threads === 1 : r.threads !== 1))?.timing.bestMs ?? NaN;
    const mergeRow = duck.results.find((r) => r.label === 'merge');
    check(mergeRow?.value === undefined || Number(Object.values(mergeRow.value)[0]) === MERGED_ROWS, `DuckDB MERGE: ${JSON.stringify(mergeRow?.value)}`);
    const mergeAndWrite = (threads: number): number => best('merge', threads) + best('merge-write', threads);

    printTable({
      title: `Bulk loads over the wire: ${ROWS.toLocaleString('en-US')} rows (${(csvBytes / 1e6).toFixed(0)} MB CSV), MERGE of ${MERGED_ROWS.toLocaleString('en-US')} rows into ${PRICE_ROWS.toLocaleString('en-US')} (best of ${runs}; MERGE best of ${mergeRuns})`,
      headers: ['operation', 'deltasql', 'rows/s', 'DuckDB equivalent', 'DuckDB 1 thread', 'DuckDB default', 'vs DuckDB 1 thread'],
      rows: [
        ['COPY FROM STDIN (CopyData, CSV)', ms(copyTiming.bestMs), rowsPerSecond(ROWS, copyTiming.bestMs), 'read_csv → Parquet', ms(best('csv-parquet', 1)), ms(best('csv-parquet', 0)), ratio(copyTiming.bestMs, best('csv-parquet', 1))],
        ['psql \\copy FROM file', ms(psqlTiming.bestMs), rowsPerSecond(ROWS, psqlTiming.bestMs), 'read_csv → table', ms(best('csv-table', 1)), ms(best('csv-table', 0)), ratio(psqlTiming.bestMs, best('csv-table', 1))],
        ['INSERT … SELECT', ms(insertTiming.bestMs), rowsPerSecond(ROWS, insertTiming.bestMs), 'read_parquet → Parquet', ms(best('insert-select', 1)), ms(best('insert-select', 0)), ratio(insertTiming.bestMs, best('insert-select', 1))],
        ['MERGE 1% into 10M rows', ms(mergeTiming.bestMs), rowsPerSecond(PRICE_ROWS, mergeTiming.bestMs), 'MERGE INTO (in memory)', ms(best('merge', 1)), ms(best('merge', 0)), ratio(mergeTiming.bestMs, best('merge', 1))],
        ['', '', '', 'MERGE + COPY TO Parquet', ms(mergeAndWrite(1)), ms(mergeAndWrite(0)), ratio(mergeTiming.bestMs, mergeAndWrite(1))],
      ],
      notes: [
        'deltasql: `deltasql serve` in its own process; each load lands in a fresh Delta table as snappy Parquet + add.stats + one commit. MERGE rows/s counts the table rows (every file holds changed rows, so all are rewritten).',
        `DuckDB ${duck.version}: in a child process, on the same CSV file / Parquet files; no Delta log, no stats.`,
      ],
    });
    rmSync(work, { recursive: true, force: true });
  },
};
