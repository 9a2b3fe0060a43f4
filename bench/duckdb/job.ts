import type { Timing } from '../lib/measure.js';

/** What the bench asks of DuckDB (`client.ts` → `worker.ts`, as JSON between processes). */

export interface DuckDBQuery {
  readonly label: string;
  readonly sql: string;
  /**
   * `stream`: the result is pulled chunk by chunk through the node API (`fetchChunk`) and its
   * rows counted, values left in DuckDB's vectors, as our scan leaves them in Arrow batches.
   * `value`: the result is one small row, returned as JSON (an aggregate).
   */
  readonly mode: 'stream' | 'value';
  /** Run once, untimed, before this query's runs (e.g. load the table a MERGE writes into). */
  readonly setup?: string;
}

export interface DuckDBJob {
  readonly threads: readonly (number | 'default')[];
  readonly queries: readonly DuckDBQuery[];
  readonly warmup: number;
  readonly runs: number;
}

export interface DuckDBQueryResult {
  readonly label: string;
  /** DuckDB's `threads` setting during the runs. */
  readonly threads: number;
  readonly rows: number;
  readonly value?: Record<string, unknown>;
  readonly timing: Timing;
}

export interface DuckDBJobResult {
  readonly version: string;
  readonly results: readonly DuckDBQueryResult[];
  readonly peakRssMiB: number;
}
