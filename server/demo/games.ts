import type { RecordBatch } from 'apache-arrow';
import { date, float64, int32, recordBatch, struct, structTypeOf, timestamp, utf8, utf8Picks } from './columns.js';
import { DATE, DOUBLE, INT, MS_PER_DAY, STRING, TICK_MS, TIMESTAMP, field, type DemoDataset } from './dataset.js';
import { seeded } from './random.js';

/**
 * Job 4, mobile game events: `events` partitioned by `eventDate`, with an `eventParams` struct
 * (device_id, amount for purchases, app_version, level). Step 0 loads the last
 * `INITIAL_DAYS` days; each later step adds the last tick's events — events per hour, bookings per
 * hour (`sum(eventParams.amount)` over purchases) and daily active users
 * (`count(DISTINCT eventParams.device_id)`) move as they land.
 */
const INITIAL_DAYS = 3;
const EVENTS_PER_DAY = 10_000;
const EVENTS_PER_TICK = 60;
const DEVICES = 1_500;
const EVENT_NAMES = ['login', 'level_up', 'ad_view', 'purchase', 'logout'] as const;
const EVENT_WEIGHTS = [30, 20, 25, 5, 20];
const PURCHASE = EVENT_NAMES.indexOf('purchase');
const PRICES = [0.99, 4.99, 9.99, 19.99, 49.99] as const;
const APP_VERSIONS = ['2.3.0', '2.4.0', '2.4.1'] as const;

const events = {
  name: 'events',
  description: 'Mobile game events partitioned by eventDate (job 4)',
  partitionColumns: ['eventDate'],
  schema: {
    kind: 'struct' as const,
    fields: [
      field('eventName', STRING),
      field('eventTime', TIMESTAMP),
      field('eventDate', DATE),
      field('eventParams', {
        kind: 'struct',
        fields: [field('device_id', STRING), field('amount', DOUBLE), field('app_version', STRING), field('level', INT)],
      }),
    ],
  },
};

export const games: DemoDataset = {
  name: 'games',
  tables: [events],
  rows(step, now) {
    const span = step === 0 ? INITIAL_DAYS * MS_PER_DAY : TICK_MS;
    const count = step === 0 ? INITIAL_DAYS * EVENTS_PER_DAY : EVENTS_PER_TICK;
    const r = seeded('games', step);
    const name = new Uint8Array(count);
    const time = new BigInt64Array(count);
    const day = new Int32Array(count);
    const device: string[] = [];
    const amount = new Float64Array(count);
    const hasAmount = new Uint8Array(count);
    const version = new Uint8Array(count);
    const level = new Int32Array(count);
    for (let i = 0; i < count; i++) {
      const millis = Math.floor(now - span * r.next());
      name[i] = r.weighted(EVENT_WEIGHTS);
      time[i] = BigInt(millis) * 1000n;
      day[i] = Math.floor(millis / MS_PER_DAY);
      device.push(`dev-${String(r.int(DEVICES)).padStart(4, '0')}`);
      if (name[i] === PURCHASE) {
        amount[i] = PRICES[r.int(PRICES.length)] as number;
        hasAmount[i] = 1;
      }
      version[i] = r.int(APP_VERSIONS.length);
      level[i] = 1 + r.int(60);
    }
    const params = struct(structTypeOf(events.schema, 'eventParams'), [utf8(device), float64(amount, hasAmount), utf8Picks(APP_VERSIONS, version), int32(level)]);
    return new Map<string, RecordBatch>([['events', recordBatch(events.schema, [utf8Picks(EVENT_NAMES, name), timestamp(time), date(day), params])]]);
  },
};
