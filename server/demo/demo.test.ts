import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Warehouse } from '../../storage/warehouse.js';
import { jsonRows } from '../encode/index.js';
import { Session } from '../session.js';
import { createDemoWarehouse, growDemoWarehouse } from './warehouse.js';

/** The demo warehouse behind `npm start`: PRODUCT.md's four jobs, created and grown through the Delta write path. */
describe('the demo warehouse', () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'deltasql-demo-')), 'warehouse');
  const now = Date.UTC(2026, 10, 25, 12, 0, 0);
  let created: string[];
  let session: Session;

  async function rows(sql: string): Promise<unknown[][]> {
    const out: unknown[][] = [];
    for await (const batch of (await session.execute(sql)).batches) out.push(...jsonRows(batch));
    return out;
  }

  beforeAll(async () => {
    created = await createDemoWarehouse(dir, now);
    session = new Session(new Warehouse(dir));
  });

  it('creates the six tables of the four jobs, each a Delta table at version 0', async () => {
    expect(created).toEqual(['prices', 'fundamentals', 'variants', 'impressions', 'conversions', 'events']);
    for (const name of created) expect(readdirSync(join(dir, name, '_delta_log'))).toContain('00000000000000000000.json');
    expect(await rows('SELECT count(*) FROM prices')).toEqual([[5000]]);
    expect(await rows('SELECT count(*) FROM fundamentals')).toEqual([[70]]);
    expect(await rows('SELECT count(DISTINCT sampleId), count(*) FROM variants')).toEqual([[20, 8000]]);
    expect(await rows('SELECT count(*) FROM impressions')).toEqual([[24000]]);
    expect(await rows('SELECT count(*) FROM events')).toEqual([[30000]]);
  });

  it('partitions the game events by day and stamps them within the last three days', async () => {
    const days = readdirSync(join(dir, 'events')).filter((f) => f.startsWith('eventDate=')).sort();
    expect(days).toEqual(['eventDate=2026-11-22', 'eventDate=2026-11-23', 'eventDate=2026-11-24', 'eventDate=2026-11-25']);
    expect(await rows("SELECT min(eventTime) >= TIMESTAMPTZ '2026-11-22 12:00:00+00', max(eventTime) <= TIMESTAMPTZ '2026-11-25 12:00:00+00' FROM events")).toEqual([[true, true]]);
    // only purchases carry an amount
    expect(await rows("SELECT count(*) FROM events WHERE (eventName = 'purchase') <> (eventParams.amount IS NOT NULL)")).toEqual([[0]]);
  });

  it('gives every conversion an earlier impression of the same user and advertiser (last-touch attribution finds one)', async () => {
    const [[conversions]] = (await rows('SELECT count(*) FROM conversions')) as [[number]];
    expect(conversions).toBeGreaterThan(1500);
    const attributed = await rows(
      'SELECT count(*) FROM (SELECT c.uid, dense_rank() OVER (PARTITION BY c.uid, c.advertiser, c.convTimestamp ORDER BY i.impTimestamp DESC) AS r ' +
        'FROM conversions c JOIN impressions i ON c.uid = i.uid AND c.advertiser = i.advertiser AND i.impTimestamp < c.convTimestamp) WHERE r = 1',
    );
    expect(attributed[0]?.[0]).toBeGreaterThanOrEqual(conversions);
  });

  it('prices each quarter-end at a P/E between 12 and 40', async () => {
    const [[low, high, n]] = (await rows('SELECT min(p.close / f.eps_basic_net), max(p.close / f.eps_basic_net), count(*) FROM prices p JOIN fundamentals f ON p.ticker = f.ticker AND p.date = f.date')) as [[number, number, number]];
    expect(n).toBe(70);
    expect(low).toBeGreaterThan(11.5);
    expect(high).toBeLessThan(40.5);
  });

  it('keeps an existing warehouse on a second run, and grows it one step per tick', async () => {
    expect(await createDemoWarehouse(dir, now)).toEqual([]);
    expect(await growDemoWarehouse(dir, now + 10_000)).toBe(1);
    expect(await growDemoWarehouse(dir, now + 20_000)).toBe(2);
    expect(JSON.parse(readFileSync(join(dir, '.deltasql-demo.json'), 'utf8'))).toEqual({ step: 2 });
    expect(await rows('SELECT count(*), count(DISTINCT date) FROM prices')).toEqual([[5020, 502]]);
    expect(await rows('SELECT count(DISTINCT sampleId) FROM variants')).toEqual([[22]]);
    expect(await rows('SELECT count(*) FROM events')).toEqual([[30120]]);
    expect(await rows("SELECT max(eventTime) > TIMESTAMPTZ '2026-11-25 12:00:00+00' FROM events")).toEqual([[true]]);
    // each step is one commit per growing table: prices went from version 0 to 2
    expect(await rows('SELECT count(*) FROM prices VERSION AS OF 1')).toEqual([[5010]]);
  });
});
