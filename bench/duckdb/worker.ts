import { DuckDBInstance, version } from '@duckdb/node-api';
import { childMain } from '../lib/child.js';
import { collectGarbage, measure, peakRssMiB } from '../lib/measure.js';
import type { DuckDBJob, DuckDBJobResult, DuckDBQueryResult } from './job.js';

/**
 * Child-process entry (see `client.ts`): times DuckDB queries on an in-memory instance per
 * thread count, in a process of its own so DuckDB's memory and threads stay out of ours.
 */

await childMain(async (job: DuckDBJob): Promise<DuckDBJobResult> => {
  const results: DuckDBQueryResult[] = [];
  for (const threads of job.threads) {
    const instance = await DuckDBInstance.create(':memory:', threads === 'default' ? {} : { threads: String(threads) });
    const db = await instance.connect();
    const setting = Number((await db.runAndReadAll(`SELECT current_setting('threads') AS t`)).getRowObjectsJson()[0]?.t);
    for (const query of job.queries) {
      let rows = 0;
      let value: Record<string, unknown> | undefined;
      if (query.setup !== undefined) await db.run(query.setup);
      const timing = await measure({ warmup: job.warmup, runs: job.runs }, async () => {
        if (query.mode === 'value') {
          const reader = await db.runAndReadAll(query.sql);
          value = reader.getRowObjectsJson()[0] as Record<string, unknown>;
          rows = reader.currentRowCount;
          return;
        }
        const result = await db.stream(query.sql);
        let n = 0;
        for (;;) {
          const chunk = await result.fetchChunk();
          if (!chunk || chunk.rowCount === 0) break;
          n += chunk.rowCount;
        }
        rows = n;
      });
      results.push({ label: query.label, threads: setting, rows, ...(value ? { value } : {}), timing });
      collectGarbage();
    }
    db.closeSync();
    instance.closeSync();
  }
  return { version: version(), results, peakRssMiB: peakRssMiB() };
});
