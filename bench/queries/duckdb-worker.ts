import { DuckDBInstance, version, type DuckDBConnection, type DuckDBResultReader } from '@duckdb/node-api';
import { readParquet } from '../duckdb/client.js';
import { childMain } from '../lib/child.js';
import { collectGarbage, elapsedMs, peakRssMiB, summarise, timeOnce } from '../lib/measure.js';
import { canonical, digestColumns, type ResultDigest } from './digest.js';
import type { DuckDBQueriesJob, DuckDBQueriesResult, EngineQueryResult } from './job.js';

/**
 * Child-process entry: DuckDB's side of the query benchmark, in a process of its own (its memory
 * and threads stay out of ours). Per query, a fresh in-memory DuckDB instance at its default
 * thread count, the same steps as ours: the query once over views of the tiny tables (untimed),
 * then over views named like our tables over `read_parquet` of the same files — the first run is
 * the cold figure, `runs` more the hot ones. Every run materialises the whole answer
 * (`runAndReadAll`), as we drain every batch.
 */

async function createViews(db: DuckDBConnection, tables: Readonly<Record<string, readonly string[]>>): Promise<void> {
  for (const [name, files] of Object.entries(tables)) await db.run(`CREATE OR REPLACE VIEW ${name} AS SELECT * FROM ${readParquet(files)}`);
}

function digestOf(result: DuckDBResultReader, ordered: boolean): ResultDigest {
  const columns = result.getColumnsJS().map((values) => values.map(canonical));
  return digestColumns(result.columnNames(), columns, ordered);
}

await childMain(async (job: DuckDBQueriesJob): Promise<DuckDBQueriesResult> => {
  const results: EngineQueryResult[] = [];
  let threads = 0;
  for (const query of job.queries) {
    const instance = await DuckDBInstance.create(':memory:');
    const db = await instance.connect();
    threads = Number((await db.runAndReadAll(`SELECT current_setting('threads') AS t`)).getRowObjectsJson()[0]?.t);
    let phase: 'warm-up' | 'cold' | 'hot' = 'warm-up';
    try {
      await createViews(db, job.warmupTables);
      await db.runAndReadAll(query.sql);

      phase = 'cold';
      await createViews(db, job.tables);
      const cold = await timeOnce(() => db.runAndReadAll(query.sql));
      const digest = digestOf(cold.value, query.ordered);

      phase = 'hot';
      collectGarbage();
      const times: number[] = [];
      let last: DuckDBResultReader | undefined;
      const start = process.hrtime.bigint();
      for (let i = 0; i < job.runs && (i === 0 || elapsedMs(start) < job.hotBudgetMs); i++) {
        last = undefined;
        const { ms, value } = await timeOnce(() => db.runAndReadAll(query.sql), false);
        times.push(ms);
        last = value;
      }
      const hotDigest = digestOf(last as DuckDBResultReader, query.ordered);
      results.push({ status: 'ok', coldMs: cold.ms, hot: summarise(times), digest, hotDigest, peakRssMiB: peakRssMiB(), info: { threads } });
    } catch (err) {
      results.push({ status: 'refused', phase, sqlstate: 'DuckDB', message: err instanceof Error ? err.message : String(err), peakRssMiB: peakRssMiB() });
    } finally {
      db.closeSync();
      instance.closeSync();
    }
  }
  return { version: version(), threads, results, peakRssMiB: peakRssMiB() };
});
