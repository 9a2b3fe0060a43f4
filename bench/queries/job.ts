import type { Timing } from '../lib/measure.js';
import type { ResultDigest } from './digest.js';
import type { BenchQuery } from './queries.js';

/**
 * What the query benchmark asks of its child processes, as JSON between them: one query per
 * fresh process on our side (`ours-worker.ts`), every query in one process on DuckDB's side
 * (`duckdb-worker.ts`, a fresh DuckDB instance per query).
 */
export interface QueryJob {
  readonly query: BenchQuery;
  /** Timed repetitions after the cold run (best of them is the hot figure). */
  readonly runs: number;
  /** Hot runs stop early once they have taken this long (at least one always runs). */
  readonly hotBudgetMs: number;
}

export interface OursJob extends QueryJob {
  /** The warehouse holding `prices` and `fundamentals`. */
  readonly warehouse: string;
  /** The same tables, tiny: the untimed warm-up run before the cold one. */
  readonly warmupWarehouse: string;
}

export interface DuckDBQueriesJob {
  readonly queries: readonly BenchQuery[];
  readonly runs: number;
  readonly hotBudgetMs: number;
  /** Per view name, the Parquet files it reads: the real tables and the tiny warm-up ones. */
  readonly tables: Readonly<Record<string, readonly string[]>>;
  readonly warmupTables: Readonly<Record<string, readonly string[]>>;
}

/** One engine's figures for one query, or why it gave none. */
export type EngineQueryResult =
  | {
      readonly status: 'ok';
      readonly coldMs: number;
      readonly hot: Timing;
      /** The cold run's answer, and the last hot run's (they must agree with each other too). */
      readonly digest: ResultDigest;
      readonly hotDigest: ResultDigest;
      readonly peakRssMiB: number;
      /** Engine notes for the report (our cache use, DuckDB's thread count). */
      readonly info: Readonly<Record<string, number>>;
    }
  | {
      readonly status: 'refused';
      /** Where it failed: the warm-up over the tiny tables, the cold run or a hot run. */
      readonly phase: 'warm-up' | 'cold' | 'hot';
      readonly sqlstate: string;
      readonly message: string;
      readonly peakRssMiB: number;
    };

export interface DuckDBQueriesResult {
  readonly version: string;
  readonly threads: number;
  readonly results: readonly EngineQueryResult[];
  readonly peakRssMiB: number;
}
