import { mkdir, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PricesSpec } from './datasets.js';
import { commitText, dataFileName, logFileName, metaData, PRICE_COLUMNS, uuidFrom, type AddFile } from './delta-log.js';
import { openDuckDB, sqlString } from './duckdb.js';

const CREATED = Date.UTC(2024, 0, 1);
const FILE_NAME_SEED = 'prices';

/**
 * The stock-analysis table of PRODUCT.md job 1: `date, ticker, open, high, low, close, volume`,
 * `spec.tickers` tickers over `spec.days` weekdays from 1950-01-02, in `spec.files` snappy
 * Parquet files of consecutive date ranges (sorted by date, ticker), written by DuckDB and
 * committed as one Delta commit with Spark-style per-file stats.
 *
 * Prices random-walk: each ticker's close is a start price times exp(cumulative daily returns),
 * the returns uniform in ±1.5% from a hash of (ticker, day) — deterministic whatever the thread
 * count, so regenerated data is identical.
 */
export async function generatePrices(spec: PricesSpec, dir: string): Promise<void> {
  const logDir = join(dir, '_delta_log');
  await mkdir(logDir, { recursive: true });
  const db = await openDuckDB();
  try {
    const daysPerFile = Math.ceil(spec.days / spec.files);
    // uniform(a, b…) in [0, 1) from a hash of its arguments.
    const u = (...args: string[]) => `((hash(${args.join(', ')}) % 1000000)::DOUBLE / 1000000.0)`;
    await db.run(`
      CREATE TABLE prices AS
      WITH tickers AS (
        SELECT range AS t,
               chr((65 + range % 26)::INTEGER) || chr((65 + (range // 26) % 26)::INTEGER) || chr((65 + (range // 676) % 26)::INTEGER) AS ticker,
               10 + (hash(range, 'start') % 490)::DOUBLE AS start_price
        FROM range(${spec.tickers})
      ),
      walk AS (
        SELECT d.range AS day, t.ticker, t.t,
               t.start_price * exp(sum((${u('t.t', 'd.range')} - 0.5) * 0.03) OVER (PARTITION BY t.t ORDER BY d.range)) AS close
        FROM range(${spec.days}) d, tickers t
      ),
      bars AS (
        SELECT day, ticker, close,
               close * (1 + (${u('t', 'day', "'open'")} - 0.5) * 0.01) AS open,
               ${u('t', 'day', "'high'")} * 0.01 AS up,
               ${u('t', 'day', "'low'")} * 0.01 AS down,
               (10000 + hash(t, day, 'volume') % 5000000)::BIGINT AS volume
        FROM walk
      )
      SELECT (day // ${daysPerFile})::INTEGER AS file_no,
             DATE '1950-01-02' + ((day // 5) * 7 + day % 5)::INTEGER AS date,
             ticker,
             round(open, 2) AS open,
             round(greatest(open, close) * (1 + up), 2) AS high,
             round(least(open, close) * (1 - down), 2) AS low,
             round(close, 2) AS close,
             volume
      FROM bars`);

    const adds: AddFile[] = [];
    for (let f = 0; f < spec.files; f++) {
      const path = dataFileName(f, FILE_NAME_SEED);
      await db.run(
        `COPY (SELECT date, ticker, open, high, low, close, volume FROM prices WHERE file_no = ${f} ORDER BY date, ticker) ` +
          `TO ${sqlString(join(dir, path))} (FORMAT parquet, COMPRESSION snappy, ROW_GROUP_SIZE ${spec.rowGroupSize})`,
      );
      adds.push({ path, partitionValues: {}, size: (await stat(join(dir, path))).size, modificationTime: CREATED, dataChange: true, stats: await fileStats(db, f) });
    }
    const commit = join(logDir, logFileName(0, 'json'));
    await writeFile(
      commit,
      commitText({ timestamp: CREATED, operation: 'CREATE TABLE AS SELECT', mode: 'ErrorIfExists', adds, metaData: metaData(uuidFrom(`${FILE_NAME_SEED}-table`), PRICE_COLUMNS, CREATED) }),
    );
    await utimes(commit, CREATED / 1000, CREATED / 1000);
  } finally {
    db.closeSync();
  }
}

/** Spark's stats JSON for one file, computed by DuckDB (which prints dates as `YYYY-MM-DD`). */
async function fileStats(db: Awaited<ReturnType<typeof openDuckDB>>, fileNo: number): Promise<string> {
  const agg = (fn: 'min' | 'max') => `json_object(${PRICE_COLUMNS.map((c) => `'${c.name}', ${fn}(${c.name})`).join(', ')})`;
  const nulls = `json_object(${PRICE_COLUMNS.map((c) => `'${c.name}', count(*) - count(${c.name})`).join(', ')})`;
  const reader = await db.runAndReadAll(
    `SELECT json_object('numRecords', count(*), 'minValues', ${agg('min')}, 'maxValues', ${agg('max')}, 'nullCount', ${nulls})::VARCHAR AS stats ` +
      `FROM prices WHERE file_no = ${fileNo}`,
  );
  return String(reader.getRowObjectsJson()[0]?.stats);
}
