import * as arrow from 'apache-arrow';
import { SqlError } from '../../common/sql-error.js';
import { validityProps } from '../../common/arrow/bitmap.js';

/**
 * Intervals: PostgreSQL's three-part value (months, days, microseconds), stored as Arrow's
 * `Interval(MONTH_DAY_NANO)` — per row four Int32 words: months, days, and the nanoseconds as a
 * little-endian int64 (we keep whole microseconds × 1000). Months and days stay separate because
 * their length depends on the date they are added to (`'2021-01-31' + 1 month` is Feb 28).
 */

export const INTERVAL = new arrow.IntervalMonthDayNano();

export interface IntervalValue {
  readonly months: number;
  readonly days: number;
  readonly micros: bigint;
}

export const MICROS_PER_SECOND = 1_000_000n;
export const MICROS_PER_MINUTE = 60_000_000n;
export const MICROS_PER_HOUR = 3_600_000_000n;

/** The interval columns of a Data: `months`/`days` as Int32 views, `nanos` as a BigInt64 view. */
export function intervalParts(data: arrow.Data): { months: Int32Array; nanos: BigInt64Array } {
  const words = data.values as Int32Array;
  return { months: words, nanos: new BigInt64Array(words.buffer, words.byteOffset, words.length >> 1) };
}

/** Row i of interval parts (months at word 4i, days at 4i+1, nanos at int64 2i+1). */
export function intervalAt(parts: { months: Int32Array; nanos: BigInt64Array }, i: number): IntervalValue {
  return { months: parts.months[4 * i], days: parts.months[4 * i + 1], micros: parts.nanos[2 * i + 1] / 1000n };
}

/**
 * Each row's span in nanoseconds as PostgreSQL orders intervals (`interval_cmp_value`): a month
 * counts as 30 days and a day as 24 hours, so `'1 month' = '30 days'`.
 */
export function intervalSpans(data: arrow.Data): BigInt64Array {
  const parts = intervalParts(data);
  const out = new BigInt64Array(data.length);
  const nanosPerDay = 86_400_000_000_000n;
  for (let i = 0; i < data.length; i++) {
    out[i] = (BigInt(parts.months[4 * i] as number) * 30n + BigInt(parts.months[4 * i + 1] as number)) * nanosPerDay + (parts.nanos[2 * i + 1] as bigint);
  }
  return out;
}

/** Builds an interval Data from parallel arrays. */
export function intervalData(months: ArrayLike<number>, days: ArrayLike<number>, micros: ArrayLike<bigint>, valid: Uint8Array | null): arrow.Data {
  const length = months.length;
  const words = new Int32Array(length * 4);
  const nanos = new BigInt64Array(words.buffer);
  for (let i = 0; i < length; i++) {
    words[4 * i] = months[i];
    words[4 * i + 1] = days[i];
    nanos[2 * i + 1] = micros[i] * 1000n;
  }
  return arrow.makeData({ type: INTERVAL, length, ...validityProps(valid), data: words } as never);
}

const UNITS: Record<string, { months?: number; days?: number; micros?: bigint }> = {};
const define = (names: string[], unit: { months?: number; days?: number; micros?: bigint }) => { for (const n of names) UNITS[n] = unit; };
define(['microsecond', 'microseconds', 'us', 'usec', 'usecs'], { micros: 1n });
define(['millisecond', 'milliseconds', 'ms', 'msec', 'msecs'], { micros: 1000n });
define(['second', 'seconds', 's', 'sec', 'secs'], { micros: MICROS_PER_SECOND });
define(['minute', 'minutes', 'm', 'min', 'mins'], { micros: MICROS_PER_MINUTE });
define(['hour', 'hours', 'h', 'hr', 'hrs'], { micros: MICROS_PER_HOUR });
define(['day', 'days', 'd'], { days: 1 });
define(['week', 'weeks', 'w'], { days: 7 });
define(['month', 'months', 'mon', 'mons'], { months: 1 });
define(['year', 'years', 'y', 'yr', 'yrs'], { months: 12 });
define(['decade', 'decades'], { months: 120 });
define(['century', 'centuries'], { months: 1200 });
define(['millennium', 'millennia'], { months: 12000 });

/**
 * Parses PostgreSQL's and Spark's interval text: `'3 hours'`, `'1 day 2 hours 30 minutes'`,
 * `'60 minutes'`, `'-1 day'`, `'1.5 hours'`, `'1 day 01:30:00'`, `'01:30'`, `'interval 3 hours'`,
 * `'@ 1 hour ago'`. `unit` (from `INTERVAL '3' HOUR`) names the unit of a bare number.
 * Undefined when the text is not an interval.
 */
export function parseInterval(text: string, unit?: string): IntervalValue | undefined {
  let months = 0;
  let days = 0;
  let micros = 0n;
  let s = text.trim().toLowerCase().replace(/^interval\s+/, '').replace(/^@\s*/, '');
  let negate = false;
  if (/\sago$/.test(s)) {
    negate = true;
    s = s.replace(/\s+ago$/, '');
  }
  if (s === '') return undefined;
  const tokens = s.match(/[+-]?(\d+(\.\d*)?|\.\d+)(:\d+(:\d+(\.\d+)?)?)?|[a-z]+/g);
  if (tokens === null || tokens.join('').length !== s.replace(/[\s,]+/g, '').length) return undefined;
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k];
    if (t.includes(':')) {
      const negative = t.startsWith('-');
      const [h, m, sec = '0'] = t.replace(/^[+-]/, '').split(':');
      if (Number(m) > 59 || Number(sec) >= 60) return undefined;
      const [whole, frac = ''] = sec.split('.');
      const v = BigInt(h) * MICROS_PER_HOUR + BigInt(m) * MICROS_PER_MINUTE + BigInt(whole) * MICROS_PER_SECOND + BigInt((frac + '000000').slice(0, 6));
      micros += negative ? -v : v;
      continue;
    }
    if (!/^[+-]?[\d.]/.test(t)) return undefined;
    const next = tokens[k + 1];
    const name = next !== undefined && /^[a-z]/.test(next) ? next : unit?.toLowerCase();
    if (next !== undefined && /^[a-z]/.test(next)) k++;
    if (name === undefined) {
      // A bare number is seconds (PostgreSQL: `'90'::interval` is 00:01:30).
      micros += BigInt(Math.round(Number(t) * 1e6));
      continue;
    }
    const u = UNITS[name];
    if (u === undefined) return undefined;
    const n = Number(t);
    if (!Number.isFinite(n)) return undefined;
    if (u.micros !== undefined) micros += BigInt(Math.round(n * Number(u.micros)));
    else if (u.days !== undefined) {
      // Fractional days spill into time (PostgreSQL: '1.5 days' is 1 day 12:00:00).
      const whole = Math.trunc(n * u.days);
      days += whole;
      micros += BigInt(Math.round((n * u.days - whole) * 86_400_000_000));
    } else if (u.months !== undefined) {
      const whole = Math.trunc(n * u.months);
      months += whole;
      days += Math.round((n * u.months - whole) * 30);
    }
  }
  if (negate) return { months: -months, days: -days, micros: -micros };
  return { months, days, micros };
}

/** Like parseInterval, with PostgreSQL's `22007` error for bad text. */
export function parseIntervalOrThrow(text: string, unit?: string): IntervalValue {
  const v = parseInterval(text, unit);
  if (v === undefined) throw new SqlError('22007', `invalid input syntax for type interval: "${text}"`);
  return v;
}

/**
 * PostgreSQL's interval output (`1 year 2 mons 3 days 04:05:06.5`, `-1 days +02:00:00`,
 * `00:00:00`): each part signed, and a positive part after a negative one marked `+`
 * (PostgreSQL's EncodeInterval, IntervalStyle postgres).
 */
export function formatInterval(v: IntervalValue): string {
  const parts: string[] = [];
  let negativeBefore = false;
  const add = (value: number, unit: string) => {
    if (value === 0) return;
    parts.push(`${negativeBefore && value > 0 ? '+' : ''}${value} ${unit}${value === 1 ? '' : 's'}`);
    negativeBefore = value < 0;
  };
  add(Math.trunc(v.months / 12), 'year');
  add(v.months % 12, 'mon');
  add(v.days, 'day');
  if (v.micros !== 0n || parts.length === 0) {
    const negative = v.micros < 0n;
    const m = negative ? -v.micros : v.micros;
    const h = m / MICROS_PER_HOUR;
    const min = (m / MICROS_PER_MINUTE) % 60n;
    const sec = (m / MICROS_PER_SECOND) % 60n;
    const frac = m % MICROS_PER_SECOND;
    const time = `${String(h).padStart(2, '0')}:${String(min).padStart(2, '0')}:${String(sec).padStart(2, '0')}${frac === 0n ? '' : '.' + String(frac).padStart(6, '0').replace(/0+$/, '')}`;
    parts.push(negative ? `-${time}` : negativeBefore ? `+${time}` : time);
  }
  return parts.join(' ');
}

/** A fixed-length interval (no months, days as 24 hours) in microseconds, or `22023` (window durations). */
export function fixedDurationMicros(v: IntervalValue, what: string): bigint {
  if (v.months !== 0) throw SqlError.invalidParameter(`${what} must not include months or years (months have no fixed length)`);
  return BigInt(v.days) * 86_400_000_000n + v.micros;
}
