import type { RecordBatch } from 'apache-arrow';
import { date, float64, int64, recordBatch, utf8Picks } from './columns.js';
import { DATE, DOUBLE, LONG, STRING, field, type DemoDataset } from './dataset.js';
import { seeded } from './random.js';

/**
 * Job 1, streaming stock analysis: daily `prices` and quarterly `fundamentals` per ticker.
 * Step 0 loads `INITIAL_DAYS` trading days; each later step is the next trading day (and, at
 * each quarter's end, the quarter's fundamentals). Prices are a deterministic function of
 * (ticker, trading day) — a drift, a slow cycle and daily noise — so any step can be generated
 * without the ones before it.
 */
const TICKERS = ['AAPL', 'MSFT', 'GOOG', 'AMZN', 'NVDA', 'META', 'TSLA', 'JPM', 'V', 'XOM'] as const;
const BASE_PRICE = [185, 375, 140, 150, 490, 350, 245, 170, 260, 100] as const;
const INITIAL_DAYS = 500;
/** 2022-01-03, a Monday: trading day 0. */
const FIRST_DAY = 18995;
const DAYS_PER_QUARTER = 63;

const prices = {
  name: 'prices',
  description: 'Daily prices per ticker (job 1: streaming stock analysis); one trading day lands per demo tick',
  schema: {
    kind: 'struct' as const,
    fields: [field('ticker', STRING), field('date', DATE), field('open', DOUBLE), field('high', DOUBLE), field('low', DOUBLE), field('close', DOUBLE), field('volume', LONG)],
  },
};

const fundamentals = {
  name: 'fundamentals',
  description: 'Quarterly fundamentals per ticker: earnings per share and revenue (job 1)',
  schema: {
    kind: 'struct' as const,
    fields: [field('ticker', STRING), field('date', DATE), field('eps_basic_net', DOUBLE), field('revenue', DOUBLE), field('shares_outstanding', LONG)],
  },
};

export const stocks: DemoDataset = {
  name: 'stocks',
  tables: [prices, fundamentals],
  rows(step) {
    const first = step === 0 ? 0 : INITIAL_DAYS + step - 1;
    const count = step === 0 ? INITIAL_DAYS : 1;
    const out = new Map<string, RecordBatch>([['prices', priceRows(first, count)]]);
    const quarterEnds: number[] = [];
    for (let d = first; d < first + count; d++) if ((d + 1) % DAYS_PER_QUARTER === 0) quarterEnds.push(d);
    if (quarterEnds.length > 0) out.set('fundamentals', fundamentalRows(quarterEnds));
    return out;
  },
};

/** The calendar day (days since the epoch) of trading day `n`: weekdays only. */
function calendarDay(n: number): number {
  return FIRST_DAY + Math.floor(n / 5) * 7 + (n % 5);
}

function closeOf(ticker: number, day: number): number {
  const r = seeded(`close-${ticker}`, day);
  const base = BASE_PRICE[ticker] as number;
  return base * Math.exp(0.0004 * day) * (1 + 0.15 * Math.sin(day / 40 + ticker)) * (1 + 0.015 * r.normal());
}

function priceRows(firstDay: number, days: number): RecordBatch {
  const n = days * TICKERS.length;
  const ticker = new Uint8Array(n);
  const dates = new Int32Array(n);
  const open = new Float64Array(n);
  const high = new Float64Array(n);
  const low = new Float64Array(n);
  const close = new Float64Array(n);
  const volume = new BigInt64Array(n);
  let i = 0;
  for (let d = firstDay; d < firstDay + days; d++) {
    for (let t = 0; t < TICKERS.length; t++, i++) {
      const r = seeded(`day-${t}`, d);
      const c = closeOf(t, d);
      const o = d === 0 ? c : closeOf(t, d - 1) * (1 + 0.004 * r.normal());
      ticker[i] = t;
      dates[i] = calendarDay(d);
      open[i] = round2(o);
      close[i] = round2(c);
      high[i] = round2(Math.max(o, c) * (1 + 0.01 * r.next()));
      low[i] = round2(Math.min(o, c) * (1 - 0.01 * r.next()));
      volume[i] = BigInt(Math.round(2e7 * (0.5 + r.next())));
    }
  }
  return recordBatch(prices.schema, [utf8Picks(TICKERS, ticker), date(dates), float64(open), float64(high), float64(low), float64(close), int64(volume)]);
}

function fundamentalRows(quarterEndDays: readonly number[]): RecordBatch {
  const n = quarterEndDays.length * TICKERS.length;
  const ticker = new Uint8Array(n);
  const dates = new Int32Array(n);
  const eps = new Float64Array(n);
  const revenue = new Float64Array(n);
  const shares = new BigInt64Array(n);
  let i = 0;
  for (const d of quarterEndDays) {
    for (let t = 0; t < TICKERS.length; t++, i++) {
      const r = seeded(`quarter-${t}`, d);
      // a price/earnings ratio (close / eps_basic_net) between 12 and 40, so the P/E view has something to say
      const pe = 12 + 28 * r.next();
      ticker[i] = t;
      dates[i] = calendarDay(d);
      eps[i] = round2(closeOf(t, d) / pe);
      revenue[i] = Math.round(5e9 + 9e10 * r.next());
      shares[i] = BigInt(Math.round(1e9 + 1.5e10 * r.next()));
    }
  }
  return recordBatch(fundamentals.schema, [utf8Picks(TICKERS, ticker), date(dates), float64(eps), float64(revenue), int64(shares)]);
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
