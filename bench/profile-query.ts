import { Session } from '../server/session.js';
import { tuneV8 } from '../server/v8-tuning.js';
import { Warehouse } from '../storage/warehouse.js';

/**
 * `[PROFILE_WARMUP=bench/data/tiny] node dist/bench/profile-query.js <warehouse> <runs> <sql>`: one session, the SQL run `runs`
 * times, each run's wall time printed — the first is cold, the rest hot (column cache). Meant
 * for `node --cpu-prof` while working on one query of the benchmark.
 */
// As the `deltasql` binary runs (server/v8-tuning.ts).
tuneV8();
const [dir = 'bench/data', runsText = '5', sql = 'SELECT count(*) FROM prices'] = process.argv.slice(2);
// PROFILE_WARMUP=<warehouse>: run the SQL there first, untimed, as the benchmark's cold run does (JIT, workers started).
if (process.env.PROFILE_WARMUP) for await (const _ of (await new Session(new Warehouse(process.env.PROFILE_WARMUP)).execute(sql)).batches);
const session = new Session(new Warehouse(dir));
for (let i = 0; i < Number(runsText); i++) {
  const start = process.hrtime.bigint();
  const result = await session.execute(sql);
  let rows = 0;
  const explain = /^\s*explain\b/i.test(sql);
  for await (const batch of result.batches) {
    rows += batch.numRows;
    if (explain) for (const row of batch.toArray()) console.log(Object.values(row as object).join(' | '));
  }
  console.log(`run ${i}: ${(Number(process.hrtime.bigint() - start) / 1e6).toFixed(1)} ms, ${rows} rows`);
}
process.exit(0);
