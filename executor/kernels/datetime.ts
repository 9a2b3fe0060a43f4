import * as arrow from 'apache-arrow';
import { SqlError } from '../../common/sql-error.js';
import { validityBytes } from '../../common/arrow/bitmap.js';
import { civilFromDays, daysFromCivil, parseDate, parseTimestamp } from '../../common/time/datetime.js';
import { writeDecimal } from '../values/decimal.js';
import { compilePattern, formatMicros, parseMicros } from './datetime-format.js';
import { intervalData, intervalParts } from './interval.js';
import { allValid, fixedData, numbers, ownValidity, StrReader, Utf8Builder } from './rows.js';

/**
 * Date and time kernels. A date is days since 1970-01-01 (Int32), a timestamp microseconds since
 * the epoch (BigInt64; UTC for `timestamp`, wall clock for `timestamp_ntz` — the session time
 * zone is UTC, so both compute alike). Calendar fields come from civilFromDays (pure integer
 * arithmetic per row, no `Date`). Each kernel takes a Date or a Timestamp where SQL allows both.
 */

export const MICROS_PER_DAY = 86_400_000_000n;
const MICROS_PER_DAY_N = 86_400_000_000;
const SAFE = Number.MAX_SAFE_INTEGER;

/** days × 86400e6 + µs as a bigint; float math when exact (the common case), bigint otherwise. */
function toMicros(days: number, usOfDay: number): bigint {
  const n = days * MICROS_PER_DAY_N + usOfDay;
  return n >= -SAFE && n <= SAFE ? BigInt(n) : BigInt(days) * MICROS_PER_DAY + BigInt(usOfDay);
}

/** Microseconds of each row (a date is its midnight), as a BigInt64Array. */
function microsOf(data: arrow.Data): BigInt64Array {
  if (data.typeId === arrow.Type.Timestamp) return data.values as BigInt64Array;
  const days = data.values as Int32Array;
  const out = new BigInt64Array(data.length);
  for (let i = 0; i < out.length; i++) out[i] = BigInt(days[i]) * MICROS_PER_DAY;
  return out;
}

/** Day number and microsecond-of-day of each row (floor division, correct before 1970). */
function split(data: arrow.Data): { days: Int32Array; usOfDay: Float64Array } {
  const length = data.length;
  if (data.typeId === arrow.Type.Date) return { days: data.values as Int32Array, usOfDay: new Float64Array(length) };
  const v = data.values as BigInt64Array;
  const days = new Int32Array(length);
  const usOfDay = new Float64Array(length);
  for (let i = 0; i < length; i++) {
    const n = Number(v[i]);
    if (n >= -SAFE && n <= SAFE) {
      // Exact in float64: |µs| ≤ 2^53 covers ±285 years around 1970.
      const d = Math.floor(n / MICROS_PER_DAY_N);
      days[i] = d;
      usOfDay[i] = n - d * MICROS_PER_DAY_N;
      continue;
    }
    let d = v[i] / MICROS_PER_DAY;
    let rest = v[i] - d * MICROS_PER_DAY;
    if (rest < 0n) { d -= 1n; rest += MICROS_PER_DAY; }
    days[i] = Number(d);
    usOfDay[i] = Number(rest);
  }
  return { days, usOfDay };
}

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

function daysInMonth(y: number, m: number): number {
  return m === 2 ? (isLeap(y) ? 29 : 28) : m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

/** ISO 8601 week number and week-year of a day number. */
function isoWeek(days: number): { week: number; year: number } {
  const dow = (((days + 3) % 7) + 7) % 7; // 0 = Monday
  const thursday = days - dow + 3;
  const { year } = civilFromDays(thursday);
  return { week: Math.floor((thursday - daysFromCivil(year, 1, 1)) / 7) + 1, year };
}

// ── fields ──

/** Field names accepted by extract/date_part/date_trunc (PostgreSQL's, with Spark's synonyms). */
export const FIELD_ALIASES: Record<string, string> = {
  year: 'year', years: 'year', y: 'year', yr: 'year', yrs: 'year', yyyy: 'year',
  quarter: 'quarter', qtr: 'quarter',
  month: 'month', months: 'month', mon: 'month', mons: 'month', mm: 'month',
  week: 'week', weeks: 'week', w: 'week', weekofyear: 'week',
  day: 'day', days: 'day', d: 'day', dd: 'day', dayofmonth: 'day',
  hour: 'hour', hours: 'hour', h: 'hour', hr: 'hour', hrs: 'hour',
  minute: 'minute', minutes: 'minute', m: 'minute', min: 'minute', mins: 'minute',
  second: 'second', seconds: 'second', s: 'second', sec: 'second', secs: 'second',
  millisecond: 'milliseconds', milliseconds: 'milliseconds', ms: 'milliseconds', msec: 'milliseconds',
  microsecond: 'microseconds', microseconds: 'microseconds', us: 'microseconds', usec: 'microseconds',
  dow: 'dow', dayofweek: 'dayofweek', isodow: 'isodow', dow_iso: 'isodow', doy: 'doy', dayofyear: 'doy',
  epoch: 'epoch', isoyear: 'isoyear', decade: 'decade', decades: 'decade', century: 'century', centuries: 'century',
  millennium: 'millennium', millennia: 'millennium', julian: 'julian', weekday: 'weekday',
};

/**
 * One calendar field of each row, into `type`: Int32 (Spark's `year()`… and `extract` of whole
 * fields), Float64 (PostgreSQL's `date_part`), or Decimal (`extract(second …)` is numeric(8,6),
 * `milliseconds` (8,3), `epoch` (18,6), as PostgreSQL 14+ prints them).
 *
 * `dow` is 0 = Sunday (PostgreSQL), `dayofweek` 1 = Sunday (Spark), `isodow` 1 = Monday,
 * `weekday` 0 = Monday (Spark); `week` is the ISO week.
 */
export function extractField(x: arrow.Data, field: string, type: arrow.DataType): arrow.Data {
  const length = x.length;
  const valid = validityBytes(x);
  const { days, usOfDay } = split(x);
  // Exact micro-level values for fractional fields.
  if (type.typeId === arrow.Type.Decimal) {
    const out = new Uint32Array(length * 4);
    const scale = (type as arrow.Decimal).scale;
    const micros = field === 'epoch' ? microsOf(x) : undefined;
    for (let i = 0; i < length; i++) {
      if (valid !== null && valid[i] === 0) continue;
      let unscaledMicros: bigint;
      if (micros !== undefined) unscaledMicros = micros[i];
      else unscaledMicros = BigInt(usOfDay[i] % 60_000_000);
      // unscaledMicros is at scale 6; bring it to the type's scale (3 for milliseconds).
      writeDecimal(out, i, field === 'milliseconds' ? unscaledMicros : scale === 6 ? unscaledMicros : unscaledMicros / 10n ** BigInt(6 - scale));
    }
    return fixedData(type, out, valid, length);
  }
  const out = type.typeId === arrow.Type.Float ? new Float64Array(length) : type.typeId === arrow.Type.Int && (type as arrow.Int).bitWidth === 64 ? undefined : new Int32Array(length);
  const values = out ?? new Float64Array(length);
  // Rows sorted or clustered by time repeat the same day: convert each day once.
  let lastDay = NaN;
  let civil = { year: 0, month: 0, day: 0 };
  const civilOf = (d: number) => {
    if (d !== lastDay) {
      lastDay = d;
      civil = civilFromDays(d);
    }
    return civil;
  };
  for (let i = 0; i < length; i++) {
    if (valid !== null && valid[i] === 0) continue;
    const d = days[i];
    const us = usOfDay[i];
    let v: number;
    switch (field) {
      case 'year': v = civilOf(d).year; break;
      case 'month': v = civilOf(d).month; break;
      case 'day': v = civilOf(d).day; break;
      case 'quarter': v = Math.floor((civilOf(d).month - 1) / 3) + 1; break;
      case 'hour': v = Math.floor(us / 3_600_000_000); break;
      case 'minute': v = Math.floor(us / 60_000_000) % 60; break;
      case 'second': v = type.typeId === arrow.Type.Float ? (us % 60_000_000) / 1e6 : Math.floor(us / 1e6) % 60; break;
      case 'milliseconds': v = (us % 60_000_000) / 1000; break;
      case 'microseconds': v = us % 60_000_000; break;
      case 'dow': v = (((d + 4) % 7) + 7) % 7; break;
      case 'dayofweek': v = ((((d + 4) % 7) + 7) % 7) + 1; break;
      case 'isodow': v = ((((d + 3) % 7) + 7) % 7) + 1; break;
      case 'weekday': v = (((d + 3) % 7) + 7) % 7; break;
      case 'doy': v = d - daysFromCivil(civilFromDays(d).year, 1, 1) + 1; break;
      case 'week': v = isoWeek(d).week; break;
      case 'isoyear': v = isoWeek(d).year; break;
      case 'epoch': v = d * 86400 + us / 1e6; break;
      case 'decade': v = Math.floor(civilFromDays(d).year / 10); break;
      case 'century': { const y = civilFromDays(d).year; v = y > 0 ? Math.floor((y + 99) / 100) : -Math.floor((99 - (y - 1)) / 100); break; }
      case 'millennium': { const y = civilFromDays(d).year; v = y > 0 ? Math.floor((y + 999) / 1000) : -Math.floor((999 - (y - 1)) / 1000); break; }
      case 'julian': v = d + 2440588 + us / MICROS_PER_DAY_N; break;
      default: throw SqlError.invalidParameter(`unit "${field}" not recognized for type ${x.typeId === arrow.Type.Date ? 'date' : 'timestamp'}`);
    }
    values[i] = v;
  }
  if (out === undefined) return fixedData(type, BigInt64Array.from(values, (v) => BigInt(v)), valid, length);
  return fixedData(type, out, valid, length);
}

// ── truncation ──

/** Units date_trunc accepts (after FIELD_ALIASES). */
export const TRUNC_UNITS = new Set(['microseconds', 'milliseconds', 'second', 'minute', 'hour', 'day', 'week', 'month', 'quarter', 'year', 'decade', 'century', 'millennium']);

/**
 * `date_trunc(unit, x)` (PostgreSQL, Spark): x rounded down to the unit, as a timestamp of
 * `type`'s kind (a date input becomes its midnight first, as PostgreSQL does). `week` starts on
 * Monday (ISO, both engines). With `type` a Date this is Spark's `trunc(date, unit)`.
 */
export function dateTrunc(x: arrow.Data, unit: string, type: arrow.DataType): arrow.Data {
  const length = x.length;
  const valid = validityBytes(x);
  const { days, usOfDay } = split(x);
  const outDays = new Int32Array(length);
  const outUs = new Float64Array(length);
  for (let i = 0; i < length; i++) {
    let d = days[i];
    let us = usOfDay[i];
    switch (unit) {
      case 'microseconds': break;
      case 'milliseconds': us -= us % 1000; break;
      case 'second': us -= us % 1_000_000; break;
      case 'minute': us -= us % 60_000_000; break;
      case 'hour': us -= us % 3_600_000_000; break;
      case 'day': us = 0; break;
      case 'week': us = 0; d -= (((d + 3) % 7) + 7) % 7; break;
      default: {
        us = 0;
        const c = civilFromDays(d);
        if (unit === 'month') d = daysFromCivil(c.year, c.month, 1);
        else if (unit === 'quarter') d = daysFromCivil(c.year, c.month - ((c.month - 1) % 3), 1);
        else if (unit === 'year') d = daysFromCivil(c.year, 1, 1);
        else if (unit === 'decade') d = daysFromCivil(c.year - (((c.year % 10) + 10) % 10), 1, 1);
        else if (unit === 'century') d = daysFromCivil(Math.floor((c.year - 1) / 100) * 100 + 1, 1, 1);
        else if (unit === 'millennium') d = daysFromCivil(Math.floor((c.year - 1) / 1000) * 1000 + 1, 1, 1);
        else throw SqlError.invalidParameter(`unit "${unit}" not recognized for type timestamp`);
      }
    }
    outDays[i] = d;
    outUs[i] = us;
  }
  if (type.typeId === arrow.Type.Date) return fixedData(type, outDays, valid, length);
  const out = new BigInt64Array(length);
  for (let i = 0; i < length; i++) out[i] = toMicros(outDays[i], outUs[i]);
  return fixedData(type, out, valid, length);
}

// ── window() ──

/**
 * Spark's `window(ts, duration [, slide [, start]])` for tumbling windows (slide = duration):
 * a struct<start, end> per row with `start = ts - ((ts - startOffset) mod duration)` (positive
 * modulo) and `end = start + duration`, both of ts's timestamp type. NULL ts gives a NULL
 * struct. Sliding windows (slide < duration) put a row in several windows — a generator, not a
 * scalar; the binder refuses them (`0A000`).
 */
export function tumblingWindow(ts: arrow.Data, durationMicros: bigint, startMicros: bigint, type: arrow.Struct): arrow.Data {
  const length = ts.length;
  const valid = validityBytes(ts);
  const micros = microsOf(ts);
  const starts = new BigInt64Array(length);
  const ends = new BigInt64Array(length);
  for (let i = 0; i < length; i++) {
    const rem = (micros[i] - startMicros) % durationMicros;
    const s = micros[i] - (rem < 0n ? rem + durationMicros : rem);
    starts[i] = s;
    ends[i] = s + durationMicros;
  }
  const [startField, endField] = type.children;
  const children = [fixedData(startField.type, starts, null, length), fixedData(endField.type, ends, null, length)];
  const nullCount = valid === null ? 0 : valid.reduce((n, v) => n + (v === 0 ? 1 : 0), 0);
  const props = nullCount === 0 ? { nullCount: 0 } : { nullCount, nullBitmap: packValid(valid as Uint8Array) };
  return arrow.makeData({ type, length, ...props, children } as never);
}

function packValid(valid: Uint8Array): Uint8Array {
  const out = new Uint8Array(((valid.length + 63) >> 6) << 3);
  for (let i = 0; i < valid.length; i++) if (valid[i] !== 0) out[i >> 3] |= 1 << (i & 7);
  return out;
}

// ── arithmetic ──

/** Adds months to a day number, clamping the day to the target month's length (both engines). */
function addMonthsToDay(d: number, months: number): number {
  if (months === 0) return d;
  const c = civilFromDays(d);
  const total = c.year * 12 + (c.month - 1) + months;
  const year = Math.floor(total / 12);
  const month = total - year * 12 + 1;
  return daysFromCivil(year, month, Math.min(c.day, daysInMonth(year, month)));
}

/**
 * `timestamp ± interval` (sign ±1): months first (clamped to the month's end), then days, then
 * microseconds — PostgreSQL's order. Also `date ± interval` when the result `type` is a Date
 * (the interval has no time part).
 */
export function addInterval(x: arrow.Data, interval: arrow.Data, sign: 1 | -1, type: arrow.DataType): arrow.Data {
  const length = x.length;
  const valid = allValid([x, interval]);
  const { days, usOfDay } = split(x);
  const parts = intervalParts(interval);
  const outDate = type.typeId === arrow.Type.Date;
  const out = outDate ? new Int32Array(length) : new BigInt64Array(length);
  for (let i = 0; i < length; i++) {
    if (valid !== null && valid[i] === 0) continue;
    const months = parts.months[4 * i] * sign;
    const addDays = parts.months[4 * i + 1] * sign;
    const micros = (parts.nanos[2 * i + 1] / 1000n) * BigInt(sign);
    const d = addMonthsToDay(days[i], months) + addDays;
    if (outDate) (out as Int32Array)[i] = d;
    else (out as BigInt64Array)[i] = toMicros(d, usOfDay[i]) + micros;
  }
  return fixedData(type, out, valid, length);
}

/** `date ± integer` (PostgreSQL), Spark's `date_add(d, n)` / `date_sub(d, n)`. */
export function addDays(args: readonly arrow.Data[], sign: 1 | -1): arrow.Data {
  const [x, n] = args;
  const length = x.length;
  const d = x.values as Int32Array;
  const k = numbers(n);
  const out = new Int32Array(length);
  for (let i = 0; i < length; i++) out[i] = d[i] + sign * k[i];
  return fixedData(new arrow.DateDay(), out, allValid(args), length);
}

/** `date - date` (PostgreSQL, integer days) and Spark's `datediff(end, start)`. */
export function diffDays(args: readonly arrow.Data[]): arrow.Data {
  const [a, b] = args;
  const length = a.length;
  const x = split(a).days;
  const y = split(b).days;
  const out = new Int32Array(length);
  for (let i = 0; i < length; i++) out[i] = x[i] - y[i];
  return fixedData(new arrow.Int32(), out, allValid(args), length);
}

/** `timestamp - timestamp` → interval of days and time (PostgreSQL: `1 day 03:00:00`). */
export function diffTimestamps(args: readonly arrow.Data[]): arrow.Data {
  const [a, b] = args;
  const length = a.length;
  const x = microsOf(a);
  const y = microsOf(b);
  const days = new Int32Array(length);
  const micros = new BigInt64Array(length);
  for (let i = 0; i < length; i++) {
    const diff = x[i] - y[i];
    const d = diff / MICROS_PER_DAY; // truncates: days and time share the sign
    days[i] = Number(d);
    micros[i] = diff - d * MICROS_PER_DAY;
  }
  return intervalData(new Int32Array(length), days, micros, allValid(args));
}

/** The units of Databricks' `timestampadd` / `timestampdiff`: a fixed length in microseconds, or a number of months. */
const UNIT_MICROS: Readonly<Record<string, bigint>> = {
  microsecond: 1n, millisecond: 1_000n, second: 1_000_000n, minute: 60_000_000n, hour: 3_600_000_000n, day: MICROS_PER_DAY, week: 7n * MICROS_PER_DAY,
};
const UNIT_MONTHS: Readonly<Record<string, number>> = { month: 1, quarter: 3, year: 12 };

/** Whether `unit` (any case, singular) is one `timestampadd` / `timestampdiff` take. */
export function isTimestampUnit(unit: string): boolean {
  const u = unit.toLowerCase();
  return UNIT_MICROS[u] !== undefined || UNIT_MONTHS[u] !== undefined;
}

/**
 * Databricks' `timestampadd(unit, n, ts)` (and `dateadd`): months, quarters and years as whole
 * months (the day clamped to the target month's end, as add_months), other units as their exact
 * length. `ts` arrives a timestamp (a date at its midnight).
 */
export function timestampAdd(unit: string, n: arrow.Data, x: arrow.Data, type: arrow.DataType): arrow.Data {
  const length = x.length;
  const valid = allValid([n, x]);
  const k = numbers(n);
  const out = new BigInt64Array(length);
  const months = UNIT_MONTHS[unit.toLowerCase()];
  if (months !== undefined) {
    const { days, usOfDay } = split(x);
    for (let i = 0; i < length; i++) if (valid === null || valid[i] === 1) out[i] = toMicros(addMonthsToDay(days[i], k[i] * months), usOfDay[i]);
  } else {
    const step = UNIT_MICROS[unit.toLowerCase()] as bigint;
    const us = microsOf(x);
    for (let i = 0; i < length; i++) if (valid === null || valid[i] === 1) out[i] = us[i] + BigInt(k[i]) * step;
  }
  return fixedData(type, out, valid, length);
}

/**
 * Databricks' `timestampdiff(unit, start, end)` (and the three-argument `datediff`): whole units
 * from start to end, truncated toward zero — for months, quarters and years the calendar months
 * between them, less one where end's day and time of month come before start's (Java's
 * ChronoUnit.between, which Spark uses).
 */
export function timestampDiff(unit: string, a: arrow.Data, b: arrow.Data): arrow.Data {
  const length = a.length;
  const valid = allValid([a, b]);
  const out = new BigInt64Array(length);
  const months = UNIT_MONTHS[unit.toLowerCase()];
  if (months !== undefined) {
    const start = split(a);
    const end = split(b);
    for (let i = 0; i < length; i++) {
      if (valid !== null && valid[i] === 0) continue;
      const s = civilFromDays(start.days[i]);
      const e = civilFromDays(end.days[i]);
      let diff = e.year * 12 + e.month - (s.year * 12 + s.month);
      // Day of month and time of day decide whether the last month is whole.
      const rest = (e.day - s.day) * MICROS_PER_DAY_N + (end.usOfDay[i] - start.usOfDay[i]);
      if (diff > 0 && rest < 0) diff--;
      else if (diff < 0 && rest > 0) diff++;
      out[i] = BigInt(Math.trunc(diff / months));
    }
  } else {
    const step = UNIT_MICROS[unit.toLowerCase()] as bigint;
    const x = microsOf(a);
    const y = microsOf(b);
    for (let i = 0; i < length; i++) if (valid === null || valid[i] === 1) out[i] = (y[i] - x[i]) / step;
  }
  return fixedData(new arrow.Int64(), out, valid, length);
}

/** `add_months(date, n)` (Spark): day clamped to the target month's last day. */
export function addMonths(args: readonly arrow.Data[]): arrow.Data {
  const [x, n] = args;
  const length = x.length;
  const d = split(x).days;
  const k = numbers(n);
  const valid = allValid(args);
  const out = new Int32Array(length);
  for (let i = 0; i < length; i++) if (valid === null || valid[i] === 1) out[i] = addMonthsToDay(d[i], k[i]);
  return fixedData(new arrow.DateDay(), out, valid, length);
}

/** `last_day(date)`: the month's last day. */
export function lastDay(args: readonly arrow.Data[]): arrow.Data {
  const x = args[0];
  const d = split(x).days;
  const out = new Int32Array(x.length);
  const valid = validityBytes(x);
  for (let i = 0; i < out.length; i++) {
    if (valid !== null && valid[i] === 0) continue;
    const c = civilFromDays(d[i]);
    out[i] = daysFromCivil(c.year, c.month, daysInMonth(c.year, c.month));
  }
  return fixedData(new arrow.DateDay(), out, valid, x.length);
}

/**
 * `months_between(t1, t2 [, roundOff = true])` (Spark): whole months when both days of month
 * are equal or both are month ends; otherwise months plus the day/time difference over 31
 * days, rounded to 8 digits when roundOff.
 */
export function monthsBetween(args: readonly arrow.Data[]): arrow.Data {
  const [a, b, r] = args;
  const length = a.length;
  const x = split(a);
  const y = split(b);
  const round = r === undefined ? undefined : (r.values as Uint8Array);
  const valid = allValid(args);
  const out = new Float64Array(length);
  for (let i = 0; i < length; i++) {
    if (valid !== null && valid[i] === 0) continue;
    const c1 = civilFromDays(x.days[i]);
    const c2 = civilFromDays(y.days[i]);
    const months = (c1.year - c2.year) * 12 + (c1.month - c2.month);
    const end1 = c1.day === daysInMonth(c1.year, c1.month);
    const end2 = c2.day === daysInMonth(c2.year, c2.month);
    if (c1.day === c2.day || (end1 && end2)) { out[i] = months; continue; }
    const seconds1 = c1.day * 86400 + x.usOfDay[i] / 1e6;
    const seconds2 = c2.day * 86400 + y.usOfDay[i] / 1e6;
    const v = months + (seconds1 - seconds2) / (31 * 86400);
    const roundOff = round === undefined || ((round[(r as arrow.Data).offset + i >> 3] >> ((r as arrow.Data).offset + i & 7)) & 1) === 1;
    out[i] = roundOff ? Math.round(v * 1e8) / 1e8 : v;
  }
  return fixedData(new arrow.Float64(), out, valid, length);
}

/** `make_date(y, m, d)` (PostgreSQL, Spark): `22008` for a date that does not exist. */
export function makeDate(args: readonly arrow.Data[]): arrow.Data {
  const [y, m, d] = args.map(numbers);
  const length = args[0].length;
  const valid = allValid(args);
  const out = new Int32Array(length);
  for (let i = 0; i < length; i++) {
    if (valid !== null && valid[i] === 0) continue;
    if (m[i] < 1 || m[i] > 12 || d[i] < 1 || d[i] > daysInMonth(y[i], m[i])) {
      throw new SqlError('22008', `date field value out of range: ${y[i]}-${String(m[i]).padStart(2, '0')}-${String(d[i]).padStart(2, '0')}`);
    }
    out[i] = daysFromCivil(y[i], m[i], d[i]);
  }
  return fixedData(new arrow.DateDay(), out, valid, length);
}

// ── epoch seconds ──

/** `unix_timestamp(ts)` / `unix_seconds`: whole seconds since the epoch (floor), bigint. */
export function unixSeconds(x: arrow.Data, perSecond: bigint): arrow.Data {
  const length = x.length;
  const micros = microsOf(x);
  const out = new BigInt64Array(length);
  for (let i = 0; i < length; i++) {
    const q = micros[i] / perSecond;
    out[i] = micros[i] < 0n && q * perSecond !== micros[i] ? q - 1n : q;
  }
  return fixedData(new arrow.Int64(), out, validityBytes(x), length);
}

/** `to_timestamp(double)` (PostgreSQL), `timestamp_seconds/millis/micros` (Spark): epoch units → timestamp. */
export function fromEpoch(x: arrow.Data, microsPerUnit: number, type: arrow.DataType): arrow.Data {
  const length = x.length;
  const valid = validityBytes(x);
  const out = new BigInt64Array(length);
  if (x.values instanceof BigInt64Array) {
    const v = x.values;
    for (let i = 0; i < length; i++) out[i] = v[i] * BigInt(microsPerUnit);
  } else {
    const v = x.values as Float64Array;
    for (let i = 0; i < length; i++) {
      if (valid !== null && valid[i] === 0) continue;
      if (!Number.isFinite(v[i])) throw new SqlError('22008', 'timestamp out of range');
      out[i] = BigInt(Math.round(v[i] * microsPerUnit));
    }
  }
  return fixedData(type, out, valid, length);
}

// ── text ↔ datetime with patterns ──

/**
 * `to_date(s [, fmt])`, `to_timestamp(s [, fmt])`, `unix_timestamp(s, fmt)` and their `try_`
 * forms: text → date/timestamp with a pattern (datetime-format.ts), or without one by the
 * ISO-like rules of CAST. Text that does not match is `22007` (PostgreSQL, and Spark with ANSI
 * on), or NULL when `lenient` (the `try_` forms; Spark's non-ANSI default).
 */
export function parseWithPattern(args: readonly arrow.Data[], type: arrow.DataType, lenient: boolean): arrow.Data {
  const [s, f] = args;
  const length = s.length;
  const valid = ownValidity(allValid(args), length);
  const r = new StrReader(s);
  const fr = f === undefined ? undefined : new StrReader(f);
  const ntz = type.typeId === arrow.Type.Timestamp && !(type as arrow.Timestamp).timezone;
  const toDate = type.typeId === arrow.Type.Date;
  const epochSeconds = type.typeId === arrow.Type.Int;
  const out = toDate ? new Int32Array(length) : new BigInt64Array(length);
  for (let i = 0; i < length; i++) {
    if (valid[i] === 0) continue;
    const text = r.str(i);
    let micros: bigint | undefined;
    if (fr === undefined) {
      if (toDate) {
        const d = parseDate(text);
        micros = d === undefined ? undefined : BigInt(d) * MICROS_PER_DAY;
      } else micros = parseTimestamp(text, ntz);
    } else micros = parseMicros(text, compilePattern(fr.str(i)), ntz);
    if (micros === undefined) {
      if (lenient) { valid[i] = 0; continue; }
      const what = fr === undefined ? '' : ` with format "${fr.str(i)}"`;
      throw new SqlError('22007', `invalid input syntax for type ${toDate ? 'date' : 'timestamp'}: "${text}"${what}`);
    }
    if (toDate) {
      const d = micros / MICROS_PER_DAY;
      (out as Int32Array)[i] = Number(micros < 0n && d * MICROS_PER_DAY !== micros ? d - 1n : d);
    } else if (epochSeconds) {
      const q = micros / 1_000_000n;
      (out as BigInt64Array)[i] = micros < 0n && q * 1_000_000n !== micros ? q - 1n : q;
    } else (out as BigInt64Array)[i] = micros;
  }
  return fixedData(type, out, valid, length);
}

/** `date_format(x, fmt)` (Spark, Java patterns), `to_char(x, fmt)` (PostgreSQL templates), `from_unixtime(s [, fmt])`. */
export function formatWithPattern(x: arrow.Data, fmt: arrow.Data | undefined, defaultPattern: string, secondsInput = false): arrow.Data {
  const length = x.length;
  const valid = fmt === undefined ? validityBytes(x) : allValid([x, fmt]);
  const micros = secondsInput ? secondsToMicros(x) : microsOf(x);
  const fr = fmt === undefined ? undefined : new StrReader(fmt);
  const out = new Utf8Builder(length, length * 20);
  const fixedTokens = compilePattern(defaultPattern);
  for (let i = 0; i < length; i++) {
    if (valid !== null && valid[i] === 0) { out.appendNull(); continue; }
    out.appendString(formatMicros(micros[i], fr === undefined ? fixedTokens : compilePattern(fr.str(i))));
  }
  return out.finish(new arrow.Utf8());
}

function secondsToMicros(x: arrow.Data): BigInt64Array {
  const out = new BigInt64Array(x.length);
  if (x.values instanceof BigInt64Array) for (let i = 0; i < out.length; i++) out[i] = x.values[i] * 1_000_000n;
  else {
    const v = numbers(x);
    for (let i = 0; i < out.length; i++) out[i] = BigInt(Math.trunc(v[i])) * 1_000_000n;
  }
  return out;
}
