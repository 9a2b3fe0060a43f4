/**
 * Exact formatting of the scalar values Arrow batches carry (storage/schema/arrow.ts), shared by
 * every result encoder: decimals from their 128-bit words, civil dates from day counts, UTC
 * timestamps from microsecond counts, the shortest float32, hex. Pure functions, no Arrow
 * imports, no `Date` (a JS `Date` is milliseconds and loses microseconds).
 */

import { civilFromDays } from '../../common/time/datetime.js';
import { formatOffset, TimeZone } from '../../common/time/time-zone.js';

const TWO_32 = 4294967296;

// ── decimals ──

/**
 * The exact decimal text of a two's-complement integer stored as `wordCount` little-endian
 * Uint32 words at `words[at…]`, with `scale` digits after the point: `12350n, scale 2` → `"123.50"`.
 * A 128-bit Decimal is 4 words; unscaled values within ±2^53 take a Number fast path.
 */
export function decimalWordsToString(words: Uint32Array, at: number, wordCount: number, scale: number): string {
  const top = words[at + wordCount - 1]!;
  const negative = (top & 0x80000000) !== 0;
  // Fast path: every word above the lowest two is pure sign extension, and the value fits 2^53.
  let fits = true;
  const fill = negative ? 0xffffffff : 0;
  for (let w = 2; w < wordCount; w++) {
    if (words[at + w] !== fill) {
      fits = false;
      break;
    }
  }
  if (fits) {
    const lo = words[at]!;
    const hi = wordCount > 1 ? words[at + 1]! : fill;
    if (!negative && hi < 0x200000) return scaleDigits(String(hi * TWO_32 + lo), false, scale);
    // magnitude = ~x + 1; ~hi ≤ 0x1FFFFF keeps it ≤ 2^53
    if (negative && hi >= 0xffe00000) return scaleDigits(String((~hi >>> 0) * TWO_32 + (~lo >>> 0) + 1), true, scale);
  }
  let value = 0n;
  for (let w = wordCount - 1; w >= 0; w--) value = (value << 32n) | BigInt(words[at + w]!);
  value = BigInt.asIntN(wordCount * 32, value);
  return value < 0n ? scaleDigits((-value).toString(), true, scale) : scaleDigits(value.toString(), false, scale);
}

/** Places the decimal point `scale` digits from the right of an unsigned digit string. */
export function scaleDigits(digits: string, negative: boolean, scale: number): string {
  let text: string;
  if (scale > 0) {
    const padded = digits.length <= scale ? '0'.repeat(scale - digits.length + 1) + digits : digits;
    text = `${padded.slice(0, padded.length - scale)}.${padded.slice(padded.length - scale)}`;
  } else if (scale < 0) {
    text = digits === '0' ? digits : digits + '0'.repeat(-scale);
  } else {
    text = digits;
  }
  return negative ? '-' + text : text;
}

// ── floats ──

/**
 * The shortest decimal that reads back to the same float32 (`0.234`, not `0.23399999737739563`):
 * the first of `toPrecision(1…9)` that `Math.fround` maps back to `value`; 9 digits always do.
 * Returns the JS Number spelling of that decimal. Callers handle NaN and ±Infinity first.
 *
 * For magnitudes 1e-12…1e13 the candidates are made by arithmetic, not strings (six times
 * faster, the cost of a float4 column over the wire): `round(|v| × 10^k) / 10^k` with an exact
 * power of ten is the double nearest the k-decimal rounding, the same number `toPrecision` parses
 * to (checked equal on 9M random and decimal-like float32s). Outside that range, `toPrecision`.
 */
export function float32Shortest(value: number): number {
  if (Number.isInteger(value) && Math.abs(value) <= 16777216) return value;
  const magnitude = Math.abs(value);
  const exponent = Math.floor(Math.log10(magnitude));
  if (exponent >= -12 && exponent <= 12) {
    for (let p = 1; p < 9; p++) {
      const k = p - 1 - exponent; // digits after the decimal point
      const candidate = k >= 0 ? Math.round(magnitude * POWERS_OF_TEN[k]!) / POWERS_OF_TEN[k]! : Math.round(magnitude / POWERS_OF_TEN[-k]!) * POWERS_OF_TEN[-k]!;
      if (Math.fround(candidate) === magnitude) return value < 0 ? -candidate : candidate;
    }
  }
  for (let p = 1; p < 9; p++) {
    const candidate = Number(value.toPrecision(p));
    if (Math.fround(candidate) === value) return candidate;
  }
  return Number(value.toPrecision(9));
}

/** 10^0 … 10^22, every one exact as a double. */
const POWERS_OF_TEN: readonly number[] = Array.from({ length: 23 }, (_, i) => 10 ** i);

/**
 * PostgreSQL's float text output (`float8out`/`float4out` since PG 12): the shortest round-trip
 * digits, fixed notation when the decimal exponent is in [-4, 15) for float8 ([-4, 6) for
 * float4), else `d.ddde+XX` with at least two exponent digits; `NaN`, `Infinity`, `-Infinity`, `-0`.
 */
export function pgFloatText(value: number, float4: boolean): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return 'Infinity';
  if (value === -Infinity) return '-Infinity';
  if (value === 0) return Object.is(value, -0) ? '-0' : '0';
  const shortest = float4 ? float32Shortest(value) : value;
  // Fixed notation range: JS's own number-to-string already writes the shortest round-trip
  // digits in fixed notation there (it switches to exponents only below 1e-7 or from 1e21).
  const magnitude = Math.abs(shortest);
  if (magnitude >= 1e-4 && magnitude < (float4 ? 1e6 : 1e15)) return String(shortest);
  const exp = shortest.toExponential(); // shortest round-trip digits: "1.2345e+21"
  const e = exp.indexOf('e');
  const exponent = Number(exp.slice(e + 1));
  const limit = float4 ? 6 : 15;
  if (exponent >= -4 && exponent < limit) return fixedFromExponential(exp.slice(0, e), exponent);
  const digits = Math.abs(exponent) < 10 ? `0${Math.abs(exponent)}` : String(Math.abs(exponent));
  return `${exp.slice(0, e)}e${exponent < 0 ? '-' : '+'}${digits}`;
}

/** `mantissa` like "-1.2345" times 10^exponent in fixed notation, no trailing zeros. */
function fixedFromExponential(mantissa: string, exponent: number): string {
  const negative = mantissa.startsWith('-');
  const digits = mantissa.replace('-', '').replace('.', '');
  let text: string;
  const pointAt = exponent + 1; // digits before the point
  if (pointAt <= 0) text = `0.${'0'.repeat(-pointAt)}${digits}`;
  else if (pointAt >= digits.length) text = digits + '0'.repeat(pointAt - digits.length);
  else text = `${digits.slice(0, pointAt)}.${digits.slice(pointAt)}`;
  return negative ? '-' + text : text;
}

// ── dates and timestamps ──

const TWO_DIGITS: readonly string[] = Array.from({ length: 100 }, (_, i) => (i < 10 ? `0${i}` : String(i)));

function pad2(n: number): string {
  return TWO_DIGITS[n]!;
}

/**
 * ISO 8601 date: `YYYY-MM-DD` for years 0000–9999; beyond, the expanded form with a sign and six
 * year digits that ECMAScript `Date` also writes and parses (`+010000-01-01`, `-000044-03-15`).
 */
export function isoDate(days: number): string {
  const { year, month, day } = civilFromDays(days);
  return `${isoYear(year)}-${pad2(month)}-${pad2(day)}`;
}

function isoYear(year: number): string {
  if (year >= 0 && year <= 9999) return String(year).padStart(4, '0');
  return (year < 0 ? '-' : '+') + String(Math.abs(year)).padStart(6, '0');
}

/** PostgreSQL's date text (`DateStyle=ISO`): `YYYY-MM-DD`, years before 1 AD as `0044-03-15 BC`. */
export function pgDate(days: number): string {
  const { year, month, day } = civilFromDays(days);
  return year > 0 ? `${String(year).padStart(4, '0')}-${pad2(month)}-${pad2(day)}` : `${String(1 - year).padStart(4, '0')}-${pad2(month)}-${pad2(day)} BC`;
}

const MICROS_PER_DAY = 86_400_000_000;
const MICROS_PER_DAY_N = 86_400_000_000n;

/**
 * Splits microseconds since the epoch into whole days (floor division: -1 µs is day -1 at
 * 23:59:59.999999) and microseconds into that day. Number math while exact, BigInt beyond.
 */
export function splitMicros(micros: number | bigint): { days: number; microOfDay: number } {
  if (typeof micros === 'number') {
    const days = Math.floor(micros / MICROS_PER_DAY);
    return { days, microOfDay: micros - days * MICROS_PER_DAY };
  }
  let days = micros / MICROS_PER_DAY_N;
  let rest = micros - days * MICROS_PER_DAY_N;
  if (rest < 0n) {
    days -= 1n;
    rest += MICROS_PER_DAY_N;
  }
  return { days: Number(days), microOfDay: Number(rest) };
}

/** `HH:MM:SS` of a microsecond-of-day. */
function hms(microOfDay: number): string {
  const seconds = Math.floor(microOfDay / 1_000_000);
  const h = Math.floor(seconds / 3600);
  const rest = seconds - h * 3600;
  const m = Math.floor(rest / 60);
  return pad2(h) + ':' + pad2(m) + ':' + pad2(rest - m * 60);
}

/** The microseconds within the second, as six digits. */
function fraction6(microOfDay: number): string {
  return String((microOfDay % 1_000_000) + 1_000_000).slice(1);
}

// Rows of one batch mostly share a few days: remember the last day's date text.
let cachedDay = NaN;
let cachedIsoDate = '';

/** `YYYY-MM-DDTHH:MM:SS.ffffff` (always six fraction digits, no zone): the JSON timestamp form. */
export function isoTimestamp(micros: number | bigint): string {
  let days: number;
  let microOfDay: number;
  if (typeof micros === 'number') {
    days = Math.floor(micros / MICROS_PER_DAY);
    microOfDay = micros - days * MICROS_PER_DAY;
  } else {
    ({ days, microOfDay } = splitMicros(micros));
  }
  if (days !== cachedDay) {
    cachedIsoDate = isoDate(days);
    cachedDay = days;
  }
  return cachedIsoDate + 'T' + hms(microOfDay) + '.' + fraction6(microOfDay);
}

/**
 * PostgreSQL's timestamp text (`DateStyle=ISO`): `YYYY-MM-DD HH:MM:SS[.ffffff]`, the fraction
 * only when non-zero and without trailing zeros, ` BC` for years before 1 AD. A timestamptz is
 * shown in `zone`'s local time followed by its offset at that instant (`+00` in UTC, `-05`).
 */
export function pgTimestamp(micros: number | bigint, withZone: boolean, zone: TimeZone = TimeZone.UTC): string {
  const offset = withZone ? zone.offsetSeconds(micros) : 0;
  let days: number;
  let microOfDay: number;
  if (typeof micros === 'number') {
    // The common case inline: no {days, microOfDay} object per value.
    const local = micros + offset * 1_000_000;
    days = Math.floor(local / MICROS_PER_DAY);
    microOfDay = local - days * MICROS_PER_DAY;
  } else {
    ({ days, microOfDay } = splitMicros(micros + BigInt(offset) * 1_000_000n));
  }
  if (days !== cachedPgDay) {
    const { year, month, day } = civilFromDays(days);
    cachedPgBc = year <= 0;
    cachedPgDate = `${String(cachedPgBc ? 1 - year : year).padStart(4, '0')}-${pad2(month)}-${pad2(day)} `;
    cachedPgDay = days;
  }
  let text = cachedPgDate + hms(microOfDay);
  const micro = microOfDay % 1_000_000;
  if (micro !== 0) text += '.' + trimFraction(micro);
  if (withZone) {
    if (offset !== cachedOffset) {
      cachedOffsetText = formatOffset(offset);
      cachedOffset = offset;
    }
    text += cachedOffsetText;
  }
  return cachedPgBc ? text + ' BC' : text;
}

// A result's timestamptz values mostly share an offset: remember the last one's text.
let cachedOffset = NaN;
let cachedOffsetText = '';

// Rows of one batch mostly share a few days: remember the last day's date text (as isoTimestamp).
let cachedPgDay = NaN;
let cachedPgDate = '';
let cachedPgBc = false;

/** The microseconds within a second (1…999999) as PostgreSQL writes them: six digits, trailing zeros dropped. */
function trimFraction(micro: number): string {
  let digits = 6;
  while (micro % 10 === 0) {
    micro /= 10;
    digits--;
  }
  return String(micro).padStart(digits, '0');
}

// ── binary ──

const HEX: readonly string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Lowercase hex of `bytes[start…end)`. */
export function hex(bytes: Uint8Array, start: number, end: number): string {
  let text = '';
  for (let i = start; i < end; i++) text += HEX[bytes[i]!]!;
  return text;
}
