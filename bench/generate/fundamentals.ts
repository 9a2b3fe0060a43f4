import { mkdir, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FundamentalsSpec } from './datasets.js';
import { commitText, dataFileName, logFileName, metaData, uuidFrom, type AddFile, type Column } from './delta-log.js';
import { openDuckDB, sqlString } from './duckdb.js';

const CREATED = Date.UTC(2024, 0, 1);
const FILE_NAME_SEED = 'fundamentals';
const DAY_MS = 86_400_000;
/** `prices.ts` numbers trading days from this Monday, five a week. */
const FIRST_PRICE_DAY = Date.UTC(1950, 0, 2);

/** Quarterly results per ticker: what job 1's view divides `close` by (`close / eps_basic_net`). */
export const FUNDAMENTAL_COLUMNS: readonly Column[] = [
  { name: 'date', type: 'date' },
  { name: 'ticker', type: 'string' },
  { name: 'eps_basic_net', type: 'double' },
  { name: 'eps_diluted_net', type: 'double' },
  { name: 'revenue', type: 'long' },
  { name: 'net_income', type: 'long' },
  { name: 'shares_outstanding', type: 'long' },
];

/**
 * The fundamentals table of PRODUCT.md job 1, written by DuckDB like `prices.ts`: one row per
 * ticker per quarter, dated the last weekday of the quarter — a day the prices table has, so
 * `prices ⋈ fundamentals ON ticker AND date` finds exactly one price row per fundamentals row
 * (the benchmark checks that). Tickers are named exactly as `prices.ts` names them.
 *
 * Values are deterministic hashes of (ticker, quarter): EPS mostly positive, about 5% losses,
 * never 0 (so `close / eps_basic_net` never divides by zero), about 1% NULL (a quarter not yet
 * reported), so the join's P/E exercises NULL propagation.
 */
export async function generateFundamentals(spec: FundamentalsSpec, dir: string): Promise<void> {
  const logDir = join(dir, '_delta_log');
  await mkdir(logDir, { recursive: true });
  const quarterDates = lastQuarterDates(spec.priceDays, spec.quarters);
  const db = await openDuckDB();
  try {
    const u = (...args: string[]) => `((hash(${args.join(', ')}) % 1000000)::DOUBLE / 1000000.0)`;
    const quarterRows = quarterDates.map((d, q) => `(${q}, DATE '${d}')`).join(', ');
    const quartersPerFile = Math.ceil(spec.quarters / spec.files);
    await db.run(`
      CREATE TABLE fundamentals AS
      WITH tickers AS (
        SELECT range AS t,
               chr((65 + range % 26)::INTEGER) || chr((65 + (range // 26) % 26)::INTEGER) || chr((65 + (range // 676) % 26)::INTEGER) AS ticker,
               (1000000 + hash(range, 'shares') % 5000000000)::BIGINT AS shares
        FROM range(${spec.tickers})
      ),
      quarters(q, date) AS (VALUES ${quarterRows}),
      base AS (
        SELECT q.q, q.date, t.t, t.ticker, t.shares,
               (0.05 + ${u('t.t', 'q.q', "'eps'")} * 8) * CASE WHEN ${u('t.t', 'q.q', "'loss'")} < 0.05 THEN -1 ELSE 1 END AS eps,
               ${u('t.t', 'q.q', "'null'")} < 0.01 AS unreported
        FROM tickers t, quarters q
      )
      SELECT (q // ${quartersPerFile})::INTEGER AS file_no,
             date,
             ticker,
             CASE WHEN unreported THEN NULL ELSE round(eps, 2) END AS eps_basic_net,
             CASE WHEN unreported THEN NULL ELSE round(eps * (1 - ${u('t', 'q', "'dilution'")} * 0.05), 2) END AS eps_diluted_net,
             (shares * (2 + ${u('t', 'q', "'revenue'")} * 40))::BIGINT AS revenue,
             (round(eps, 2) * shares)::BIGINT AS net_income,
             shares AS shares_outstanding
      FROM base`);

    const adds: AddFile[] = [];
    for (let f = 0; f < spec.files; f++) {
      const path = dataFileName(f, FILE_NAME_SEED);
      const columns = FUNDAMENTAL_COLUMNS.map((c) => c.name).join(', ');
      await db.run(
        `COPY (SELECT ${columns} FROM fundamentals WHERE file_no = ${f} ORDER BY date, ticker) ` +
          `TO ${sqlString(join(dir, path))} (FORMAT parquet, COMPRESSION snappy)`,
      );
      adds.push({ path, partitionValues: {}, size: (await stat(join(dir, path))).size, modificationTime: CREATED, dataChange: true, stats: await fileStats(db, f) });
    }
    const commit = join(logDir, logFileName(0, 'json'));
    await writeFile(
      commit,
      commitText({ timestamp: CREATED, operation: 'CREATE TABLE AS SELECT', mode: 'ErrorIfExists', adds, metaData: metaData(uuidFrom(`${FILE_NAME_SEED}-table`), FUNDAMENTAL_COLUMNS, CREATED) }),
    );
    await utimes(commit, CREATED / 1000, CREATED / 1000);
  } finally {
    db.closeSync();
  }
}

/**
 * The last weekday of each of the `count` quarters that end on or before the last trading day of
 * a prices table of `priceDays` days (oldest first), as `YYYY-MM-DD`.
 */
export function lastQuarterDates(priceDays: number, count: number): string[] {
  const last = priceDay(priceDays - 1);
  const out: string[] = [];
  const d = new Date(last);
  // Start from the quarter end at or before `last`.
  let year = d.getUTCFullYear();
  let quarter = Math.floor(d.getUTCMonth() / 3); // 0…3
  while (out.length < count) {
    const end = Date.UTC(year, quarter * 3 + 3, 0); // day 0 of the next quarter's month = last day of this quarter
    if (end <= last) {
      const weekday = new Date(end).getUTCDay(); // 0 Sunday … 6 Saturday
      const back = weekday === 0 ? 2 : weekday === 6 ? 1 : 0;
      out.push(new Date(end - back * DAY_MS).toISOString().slice(0, 10));
    }
    if (--quarter < 0) {
      quarter = 3;
      year--;
    }
  }
  if (priceDay(0) > Date.parse(out[out.length - 1] as string)) throw new Error(`bench: ${count} quarters reach before the first price day`);
  return out.reverse();
}

/** Epoch milliseconds of trading day `day` of `prices.ts`: Monday 1950-01-02 plus five weekdays a week. */
function priceDay(day: number): number {
  return FIRST_PRICE_DAY + (Math.floor(day / 5) * 7 + (day % 5)) * DAY_MS;
}

/** Spark's stats JSON for one file, computed by DuckDB (which prints dates as `YYYY-MM-DD`). */
async function fileStats(db: Awaited<ReturnType<typeof openDuckDB>>, fileNo: number): Promise<string> {
  const agg = (fn: 'min' | 'max') => `json_object(${FUNDAMENTAL_COLUMNS.map((c) => `'${c.name}', ${fn}(${c.name})`).join(', ')})`;
  const nulls = `json_object(${FUNDAMENTAL_COLUMNS.map((c) => `'${c.name}', count(*) - count(${c.name})`).join(', ')})`;
  const reader = await db.runAndReadAll(
    `SELECT json_object('numRecords', count(*), 'minValues', ${agg('min')}, 'maxValues', ${agg('max')}, 'nullCount', ${nulls})::VARCHAR AS stats ` +
      `FROM fundamentals WHERE file_no = ${fileNo}`,
  );
  return String(reader.getRowObjectsJson()[0]?.stats);
}
