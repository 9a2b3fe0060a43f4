import { FUNDAMENTALS, PRICES } from '../generate/datasets.js';

/**
 * The queries of issue 4's benchmark over PRODUCT.md job 1's tables (`prices`, `fundamentals`).
 * Each is written once, in SQL both engines read the same way: we run it against a Warehouse
 * whose folders are the tables, DuckDB against views of the same names over `read_parquet`.
 *
 * Answers are compared as digests (`digest.ts`), which ignore row order unless `ordered`; each
 * query therefore has a unique answer (ORDER BY … LIMIT breaks ties down to the key).
 */
export interface BenchQuery {
  /** Short name: the first column of the report. */
  readonly name: string;
  readonly sql: string;
  /** The answer's row order is part of it (ORDER BY): digests then weigh values by position. */
  readonly ordered: boolean;
  /**
   * Rows the answer must have, checked on DuckDB's answer so the benchmark is known to do the
   * work it claims (the join must find every fundamentals row's price row).
   */
  readonly expectRows?: number;
}

export const BENCH_QUERIES: readonly BenchQuery[] = [
  { name: 'count', ordered: false, expectRows: 1, sql: 'SELECT count(*) AS n FROM prices' },
  {
    name: 'sum/avg/min/max',
    ordered: false,
    expectRows: 1,
    sql: 'SELECT sum(volume) AS volume, avg(close) AS avg_close, min(low) AS low, max(high) AS high FROM prices',
  },
  {
    name: 'group by ticker',
    ordered: false,
    expectRows: PRICES.tickers,
    sql: 'SELECT ticker, avg(close) AS avg_close FROM prices GROUP BY ticker',
  },
  {
    name: 'filtered aggregate',
    ordered: false,
    expectRows: 1,
    // Neither predicate prunes a file or row group: every row is filtered, as in a selective dashboard query.
    sql: 'SELECT count(*) AS n, avg(close - open) AS avg_gain, max(volume) AS max_volume FROM prices WHERE close > open AND volume > 2500000',
  },
  {
    name: 'join P/E',
    ordered: false,
    expectRows: FUNDAMENTALS.tickers * FUNDAMENTALS.quarters,
    sql:
      'SELECT p.date, p.ticker, p.close, f.eps_basic_net, p.close / f.eps_basic_net AS pe ' +
      'FROM prices p JOIN fundamentals f ON p.ticker = f.ticker AND p.date = f.date',
  },
  {
    name: 'dense_rank = 1',
    ordered: false,
    sql:
      'SELECT ticker, date, close FROM (' +
      'SELECT ticker, date, close, dense_rank() OVER (PARTITION BY ticker ORDER BY close DESC) AS rk FROM prices' +
      ') ranked WHERE rk = 1',
  },
  { name: 'count distinct', ordered: false, expectRows: 1, sql: 'SELECT count(DISTINCT ticker) AS tickers FROM prices' },
  {
    name: 'order by limit 10',
    ordered: true,
    expectRows: 10,
    sql: 'SELECT date, ticker, close, volume FROM prices ORDER BY volume DESC, date, ticker LIMIT 10',
  },
];
