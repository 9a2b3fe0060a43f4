import { resolve } from 'node:path';
import { TICK_MS } from '../demo/dataset.js';
import { createDemoWarehouse, keepGrowing } from '../demo/warehouse.js';
import { encodeTable } from '../encode/index.js';
import { Session } from '../session.js';
import { Warehouse } from '../../storage/warehouse.js';
import { formatError, writeAll } from './output.js';
import { startServers, untilSignal } from './serve.js';

/**
 * What `npm start` runs (PRODUCT.md "Start"): creates the demo warehouse with the four jobs'
 * datasets (or reuses it), defines the jobs' views as global temporary views (`global_temp.*`,
 * visible to every client), prints one query of each job with its answer, then serves
 * PostgreSQL and HTTP over the warehouse while a new step lands in every growing table each tick,
 * until Ctrl-C.
 */
export const DEMO_VIEWS: readonly { readonly name: string; readonly sql: string }[] = [
  {
    name: 'price_earnings',
    sql: 'SELECT p.ticker, p.date, p.close, f.eps_basic_net, round(p.close / f.eps_basic_net, 2) AS pe_ratio FROM prices p JOIN fundamentals f ON p.ticker = f.ticker AND p.date = f.date',
  },
  {
    name: 'last_touch_attribution',
    sql:
      'SELECT uid, advertiser, campaign, impTimestamp, convTimestamp, conversionValue FROM (' +
      'SELECT c.uid, c.advertiser, i.campaign, i.impTimestamp, c.convTimestamp, c.conversionValue, ' +
      'dense_rank() OVER (PARTITION BY c.uid, c.advertiser, c.convTimestamp ORDER BY i.impTimestamp DESC) AS touch ' +
      'FROM conversions c JOIN impressions i ON c.uid = i.uid AND c.advertiser = i.advertiser AND i.impTimestamp < c.convTimestamp) WHERE touch = 1',
  },
  {
    name: 'events_per_hour',
    sql: "SELECT window.start AS hour, count(*) AS events, sum(eventParams.amount) FILTER (WHERE eventName = 'purchase') AS bookings FROM events GROUP BY window(eventTime, '60 minutes')",
  },
];

/** One query per job, printed with its answer when the demo starts. */
export const DEMO_QUERIES: readonly string[] = [
  'SELECT ticker, round(avg(close), 2) AS avg_close, max(date) AS latest FROM prices GROUP BY ticker ORDER BY ticker LIMIT 5',
  'SELECT ticker, date, close, pe_ratio FROM global_temp.price_earnings ORDER BY date DESC, ticker LIMIT 3',
  'SELECT count(*) AS rows_at_version_0 FROM prices VERSION AS OF 0',
  "SELECT referenceAllele AS ref, alternateAllele AS alt, count(*) AS snvs FROM variants WHERE length(referenceAllele) = 1 AND length(alternateAllele) = 1 GROUP BY 1, 2 ORDER BY snvs DESC LIMIT 4",
  'SELECT advertiser, count(*) AS conversions, round(sum(conversionValue), 2) AS value FROM global_temp.last_touch_attribution GROUP BY advertiser ORDER BY value DESC LIMIT 4',
  'SELECT eventDate, count(DISTINCT eventParams.device_id) AS daily_active_users FROM events GROUP BY eventDate ORDER BY eventDate',
];

export interface DemoOptions {
  /** The demo warehouse folder (created when missing). */
  readonly warehouse: string;
  readonly pgPort: number;
  /** `undefined`: no HTTP. */
  readonly httpPort?: number;
  readonly host: string;
  /** Milliseconds between two growth steps. */
  readonly tickMs?: number;
  readonly password?: string;
  readonly httpToken?: string;
}

export async function runDemo(options: DemoOptions, out: NodeJS.WritableStream, err: NodeJS.WritableStream): Promise<void> {
  const dir = resolve(options.warehouse);
  const say = (text: string) => writeAll(once(text), out);
  await say(`deltasql demo: creating the demo warehouse in ${dir} …\n`);
  const created = await createDemoWarehouse(dir);
  await say(created.length === 0 ? 'reusing the tables already there\n\n' : `created ${created.join(', ')}\n\n`);

  const session = new Session(new Warehouse(dir));
  for (const view of DEMO_VIEWS) await drain(session, `CREATE OR REPLACE GLOBAL TEMPORARY VIEW ${view.name} AS ${view.sql}`);
  for (const sql of DEMO_QUERIES) {
    await say(`deltasql> ${sql};\n`);
    try {
      await writeAll(encodeTable(await session.execute(sql)), out);
    } catch (error) {
      await writeAll(once(formatError(error) + '\n'), err);
    }
    await say('\n');
  }

  const { pgPort, host, httpPort, password, httpToken } = options;
  const servers = await startServers({
    warehouse: dir, pgPort, host,
    ...(httpPort === undefined ? {} : { httpPort }), ...(password === undefined ? {} : { password }), ...(httpToken === undefined ? {} : { httpToken }),
  });
  const tickMs = options.tickMs ?? TICK_MS;
  await say(
    `serving ${servers.banner}\n` +
      `  psql:    psql -h ${options.host} -p ${servers.pg.port} -U demo demo   (then \\dt, \\dv global_temp.*, SELECT * FROM global_temp.price_earnings …)\n` +
      (servers.http === undefined ? '' : `  console: http://${options.host}:${servers.http.port}/\n`) +
      `every ${tickMs / 1000} s a new trading day, sample, and the last seconds of impressions, conversions and game events land; Ctrl-C stops.\n`,
  );
  const stop = new AbortController();
  const growing = keepGrowing(dir, tickMs, stop.signal, (error) => void writeAll(once(`demo: a growth step failed: ${formatError(error)}\n`), err));
  await untilSignal();
  stop.abort();
  await growing;
  await servers.close();
}

async function drain(session: Session, sql: string): Promise<void> {
  for await (const _ of (await session.execute(sql)).batches);
}

async function* once(text: string): AsyncGenerator<string> {
  yield text;
}
