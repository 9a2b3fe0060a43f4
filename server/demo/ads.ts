import type { RecordBatch } from 'apache-arrow';
import { float64, recordBatch, timestamp, utf8, utf8Picks } from './columns.js';
import { DOUBLE, STRING, TIMESTAMP, TICK_MS, field, type DemoDataset } from './dataset.js';
import { seeded } from './random.js';

/**
 * Job 3, real-time ad attribution: `impressions` and `conversions` stream in. Step 0 loads the
 * last `INITIAL_HOURS` hours; each later step adds the last tick's rows. Every conversion
 * follows an impression of the same user and advertiser, so last-touch attribution
 * (`impTimestamp < convTimestamp`, `dense_rank() … = 1`) finds a match for each.
 */
const INITIAL_HOURS = 48;
const IMPRESSIONS_PER_HOUR = 500;
const IMPRESSIONS_PER_TICK = 40;
const CONVERSION_RATE = 0.08;
const USERS = 2_000;
const ADVERTISERS = ['Acme', 'Globex', 'Initech', 'Umbrella', 'Hooli', 'Stark', 'Wayne', 'Wonka'] as const;
const CAMPAIGNS = ['search', 'social', 'video', 'display', 'email'] as const;

const impressions = {
  name: 'impressions',
  description: 'Ad impressions (job 3: real-time ad attribution)',
  schema: { kind: 'struct' as const, fields: [field('uid', STRING), field('advertiser', STRING), field('campaign', STRING), field('impTimestamp', TIMESTAMP)] },
};

const conversions = {
  name: 'conversions',
  description: 'Conversions, each after an impression of the same user and advertiser (job 3)',
  schema: { kind: 'struct' as const, fields: [field('uid', STRING), field('advertiser', STRING), field('convTimestamp', TIMESTAMP), field('conversionValue', DOUBLE)] },
};

export const ads: DemoDataset = {
  name: 'ads',
  tables: [impressions, conversions],
  rows(step, now) {
    const span = step === 0 ? INITIAL_HOURS * 3_600_000 : TICK_MS;
    const count = step === 0 ? INITIAL_HOURS * IMPRESSIONS_PER_HOUR : IMPRESSIONS_PER_TICK;
    const r = seeded('ads', step);
    const user = new Int32Array(count);
    const advertiser = new Uint8Array(count);
    const campaign = new Uint8Array(count);
    const impMillis = new Float64Array(count);
    for (let i = 0; i < count; i++) {
      user[i] = r.int(USERS);
      advertiser[i] = r.int(ADVERTISERS.length);
      campaign[i] = r.int(CAMPAIGNS.length);
      impMillis[i] = now - span * r.next();
    }
    const converted: number[] = [];
    for (let i = 0; i < count; i++) if (r.next() < CONVERSION_RATE) converted.push(i);
    const convMillis = converted.map((i) => (impMillis[i] as number) + (now - (impMillis[i] as number)) * r.next());
    const values = Float64Array.from(converted, () => Math.round((5 + 195 * r.next()) * 100) / 100);
    const uids = Array.from(user, (u) => `u${String(u).padStart(5, '0')}`);
    return new Map<string, RecordBatch>([
      ['impressions', recordBatch(impressions.schema, [utf8(uids), utf8Picks(ADVERTISERS, advertiser), utf8Picks(CAMPAIGNS, campaign), timestamp(micros(impMillis))])],
      [
        'conversions',
        recordBatch(conversions.schema, [
          utf8(converted.map((i) => uids[i] as string)),
          utf8(converted.map((i) => ADVERTISERS[advertiser[i] as number] as string)),
          timestamp(micros(convMillis)),
          float64(values),
        ]),
      ],
    ]);
  },
};

function micros(millis: ArrayLike<number>): BigInt64Array {
  return BigInt64Array.from(Array.from(millis), (ms) => BigInt(Math.floor(ms)) * 1000n);
}
