/**
 * Exact parsing of the date and timestamp text forms Delta and SQL use, to days and microseconds
 * since the epoch (never through a lossy `Date`, which stops at milliseconds).
 */

const DATE = /^\s*([+-]?\d{1,6})-(\d{1,2})-(\d{1,2})\s*$/;
const TIMESTAMP = /^\s*([+-]?\d{1,6})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|z|UTC|[+-]\d{1,2}(?::?\d{2}(?::?\d{2})?)?)?\s*$/;

/** Days since 1970-01-01 of a proleptic Gregorian civil date (Howard Hinnant's algorithm). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function validDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const monthDays = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] as number;
  return day <= monthDays;
}

/** `YYYY-MM-DD` → days since the epoch, or undefined when the text is not a valid date. */
export function parseDateDays(text: string): number | undefined {
  const m = DATE.exec(text);
  if (!m) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return validDate(year, month, day) ? daysFromCivil(year, month, day) : undefined;
}

export interface ParsedTimestamp {
  /** Microseconds since the epoch: UTC when the text had a zone, else the wall clock read as UTC. */
  readonly micros: bigint;
  /** Whether the text carried a zone or offset. */
  readonly hasZone: boolean;
}

/**
 * `YYYY-MM-DD[ |T]HH:MM[:SS[.ffffff]][Z|±HH[:MM]]` (and a bare date) → microseconds.
 * Fractions beyond microseconds are truncated. Undefined when the text is not a timestamp.
 */
export function parseTimestamp(text: string): ParsedTimestamp | undefined {
  const m = TIMESTAMP.exec(text);
  if (!m) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const [hour, minute, second] = [Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)];
  if (!validDate(year, month, day) || hour > 23 || minute > 59 || second > 59) return undefined;
  const fraction = BigInt((m[7] ?? '').padEnd(6, '0').slice(0, 6) || '0');
  let offsetSeconds = 0;
  const zone = m[8];
  if (zone && zone !== 'Z' && zone !== 'z' && zone !== 'UTC') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(/:/g, '');
    const hh = Number(digits.length <= 2 ? digits : digits.slice(0, digits.length - (digits.length > 4 ? 4 : 2)));
    const rest = digits.length <= 2 ? '' : digits.slice(-(digits.length > 4 ? 4 : 2));
    const mm = Number(rest.slice(0, 2) || 0);
    const ss = Number(rest.slice(2, 4) || 0);
    offsetSeconds = sign * (hh * 3600 + mm * 60 + ss);
  }
  const seconds = daysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second - offsetSeconds;
  return { micros: BigInt(seconds) * 1_000_000n + fraction, hasZone: zone !== undefined };
}
