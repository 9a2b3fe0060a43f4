import type * as arrow from 'apache-arrow';
import { SqlError } from '../../common/sql-error.js';
import { Session } from '../../server/session.js';
import { tuneV8 } from '../../server/v8-tuning.js';
import { Warehouse } from '../../storage/warehouse.js';
import { childMain } from '../lib/child.js';
import { collectGarbage, elapsedMs, peakRssMiB, summarise, timeOnce } from '../lib/measure.js';
import { arrowColumns, digestColumns, type ResultDigest } from './digest.js';
import type { EngineQueryResult, OursJob } from './job.js';

/**
 * Child-process entry: one query through our real path — `new Session(new Warehouse(dir))`,
 * `execute`, every result batch drained — in a process of its own, so "cold" is the first
 * execution in a fresh process and the peak RSS is this query's.
 *
 * 1. warm-up (untimed): the same SQL over the tiny copies of the tables in another warehouse, so
 *    V8 has compiled the engine and the decode workers have started, as in a running server;
 * 2. cold: the first execution over the real tables (log read, files opened and decoded);
 * 3. hot: the same statement again on the same session, `runs` times back to back after one
 *    garbage collection (the warehouse's column cache now holds the decoded columns); best of
 *    them is the hot figure.
 */

interface Answer {
  readonly schema: arrow.Schema;
  readonly batches: arrow.RecordBatch[];
}

async function run(session: Session, sql: string): Promise<Answer> {
  const result = await session.execute(sql);
  const batches: arrow.RecordBatch[] = [];
  for await (const batch of result.batches) batches.push(batch);
  return { schema: result.schema, batches };
}

function digestOf(answer: Answer, ordered: boolean): ResultDigest {
  return digestColumns(
    answer.schema.fields.map((f) => f.name),
    arrowColumns(answer.schema, answer.batches),
    ordered,
  );
}

// The V8 tuning the `deltasql` binary runs with (server/v8-tuning.ts).
tuneV8();

await childMain(async (job: OursJob): Promise<EngineQueryResult> => {
  const { sql, ordered } = job.query;
  let phase: 'warm-up' | 'cold' | 'hot' = 'warm-up';
  try {
    await run(new Session(new Warehouse(job.warmupWarehouse)), sql);

    phase = 'cold';
    const warehouse = new Warehouse(job.warehouse);
    const session = new Session(warehouse);
    const cold = await timeOnce(() => run(session, sql));
    const digest = digestOf(cold.value, ordered);
    const cacheAfterCold = warehouse.cache.bytesUsed;

    phase = 'hot';
    collectGarbage();
    const times: number[] = [];
    let last: Answer | undefined;
    const start = process.hrtime.bigint();
    for (let i = 0; i < job.runs && (i === 0 || elapsedMs(start) < job.hotBudgetMs); i++) {
      last = undefined; // the previous answer is garbage before the next run, as in a server
      const { ms, value } = await timeOnce(() => run(session, sql), false);
      times.push(ms);
      last = value;
    }
    const hotDigest = digestOf(last as Answer, ordered);
    return {
      status: 'ok',
      coldMs: cold.ms,
      hot: summarise(times),
      digest,
      hotDigest,
      peakRssMiB: peakRssMiB(),
      info: {
        cacheMiB: warehouse.cache.bytesUsed / 2 ** 20,
        cacheMiBAfterCold: cacheAfterCold / 2 ** 20,
        cacheBudgetMiB: warehouse.cache.budgetBytes / 2 ** 20,
        cacheHits: warehouse.cache.stats.hits,
        cacheMisses: warehouse.cache.stats.misses,
      },
    };
  } catch (err) {
    const e = err instanceof SqlError ? err : SqlError.from(err);
    return { status: 'refused', phase, sqlstate: e.sqlstate, message: e.message, peakRssMiB: peakRssMiB() };
  }
});
