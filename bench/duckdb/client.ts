import { join } from 'node:path';
import { runChild } from '../lib/child.js';
import { DIST_BENCH_DIR } from '../lib/paths.js';
import type { DuckDBJob, DuckDBJobResult } from './job.js';

export type { DuckDBJob, DuckDBJobResult, DuckDBQuery, DuckDBQueryResult } from './job.js';

/** Times DuckDB queries in a child process (DuckDB from npm, a dev dependency of the bench only). */
export function runDuckDB(job: DuckDBJob): Promise<DuckDBJobResult> {
  return runChild<DuckDBJobResult>(join(DIST_BENCH_DIR, 'duckdb', 'worker.js'), job);
}

/** `read_parquet([...])` over the given files. */
export function readParquet(files: readonly string[]): string {
  return `read_parquet([${files.map((f) => `'${f.replaceAll("'", "''")}'`).join(', ')}])`;
}
