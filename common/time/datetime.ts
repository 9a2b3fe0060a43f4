/**
 * Dates and timestamps as Arrow stores them: a date is days since 1970-01-01 (Int32), a timestamp
 * microseconds since the epoch (BigInt64, UTC for `timestamp`, wall-clock for `timestamp_ntz`).
 * Parsing and formatting use the proleptic Gregorian calendar directly (no `Date`: it is
 * millisecond-only and maps two-digit years to the 1900s).
 */

export const MICROS_PER_DAY = 86_400_000_000n;

/** Days since the epoch of a civil date (Howard Hinnant's days_from_civil). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** The civil date of a day number (inverse of daysFromCivil). */
export function civilFromDays(days: number): { year: number; month: number; day: number } {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

const DATE_TIME =
  /^\s*(-?\d{1,6})-(\d{1,2})-(\d{1,2})(?:(?:[Tt]|\s+)(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(?:([Zz]|UTC|utc|GMT|gmt)|([+-])(\d{1,2})(?::?(\d{2}))?)?\s*$/;

interface ParsedDateTime {
  days: number;
  /** Microseconds into the day. */
  micros: bigint;
  /** Offset east of UTC in minutes, when the text carried a zone. */
  offsetMinutes?: number;
  hasTime: boolean;
}

function parseDateTime(text: string): ParsedDateTime | undefined {
  const m = DATE_TIME.exec(text);
  if (m === null) return undefined;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  const hour = m[4] === undefined ? 0 : Number(m[4]);
  const minute = m[5] === undefined ? 0 : Number(m[5]);
  const second = m[6] === undefined ? 0 : Number(m[6]);
  if (hour > 24 || minute > 59 || second > 59 || (hour === 24 && (minute > 0 || second > 0))) return undefined;
  const fraction = m[7] === undefined ? 0n : BigInt(m[7].padEnd(9, '0').slice(0, 6));
  const micros = (BigInt(hour * 3600 + minute * 60 + second) * 1_000_000n) + fraction;
  const parsed: ParsedDateTime = { days: daysFromCivil(year, month, day), micros, hasTime: m[4] !== undefined };
  if (m[8] !== undefined) parsed.offsetMinutes = 0;
  else if (m[9] !== undefined) {
    const hours = Number(m[10]);
    const minutes = m[11] === undefined ? 0 : Number(m[11]);
    if (hours > 15 || minutes > 59) return undefined;
    parsed.offsetMinutes = (m[9] === '-' ? -1 : 1) * (hours * 60 + minutes);
  }
  return parsed;
}

/** `YYYY-MM-DD` (a time part, if any, is ignored as PostgreSQL does) → days since the epoch. */
export function parseDate(text: string): number | undefined {
  const p = parseDateTime(text);
  return p === undefined ? undefined : p.days;
}

/**
 * An ISO-like timestamp (`2021-01-01`, `2021-01-01 10:00:00.5`, `2021-01-01T10:00:00Z`,
 * `…+02:00`) → microseconds since the epoch. Text without a zone is read as UTC; with
 * `ignoreZone` (timestamp_ntz) an explicit zone is dropped rather than applied.
 */
export function parseTimestamp(text: string, ignoreZone = false): bigint | undefined {
  const p = parseDateTime(text);
  if (p === undefined) return undefined;
  let micros = BigInt(p.days) * MICROS_PER_DAY + p.micros;
  if (!ignoreZone && p.offsetMinutes !== undefined) micros -= BigInt(p.offsetMinutes) * 60_000_000n;
  return micros;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** `YYYY-MM-DD` (years before 1 as PostgreSQL writes them is not needed by Delta data). */
export function formatDate(days: number): string {
  const { year, month, day } = civilFromDays(days);
  return `${year < 0 ? '-' + pad(-year, 4) : pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
}

/** `YYYY-MM-DD HH:MM:SS[.ffffff]` as PostgreSQL prints it; `+00` appended for a UTC timestamp. */
export function formatTimestamp(micros: bigint, withZone: boolean): string {
  let days = micros / MICROS_PER_DAY;
  let rest = micros % MICROS_PER_DAY;
  if (rest < 0n) {
    rest += MICROS_PER_DAY;
    days -= 1n;
  }
  const secondsOfDay = Number(rest / 1_000_000n);
  const fraction = Number(rest % 1_000_000n);
  const time = `${pad(Math.floor(secondsOfDay / 3600), 2)}:${pad(Math.floor(secondsOfDay / 60) % 60, 2)}:${pad(secondsOfDay % 60, 2)}`;
  const frac = fraction === 0 ? '' : '.' + pad(fraction, 6).replace(/0+$/, '');
  return `${formatDate(Number(days))} ${time}${frac}${withZone ? '+00' : ''}`;
}
