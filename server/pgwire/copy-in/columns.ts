import * as arrow from 'apache-arrow';
import { SqlError } from '../../../common/sql-error.js';
import { daysFromCivil } from '../../../common/time/datetime.js';
import { dataFromValues, type ScalarValue } from '../../../executor/arrow/scalar.js';
import { parseText } from '../../../executor/kernels/cast.js';
import { writeDecimal } from '../../../executor/values/decimal.js';
import { FIELD_ENCODED, FIELD_NULL, type FieldTable } from './tokenizer.js';

/** How a field's raw bytes are decoded: text-format backslash escapes, or CSV quotes. */
export interface FieldSyntax {
  readonly csv: boolean;
  readonly quote: number;
  readonly escape: number;
}

const MICROS_PER_DAY = 86_400_000_000;
const TWO_32 = 4294967296;
const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);

/**
 * One column of a `FieldTable` → Arrow data of `field.type`. Common types are decoded straight
 * from the bytes into typed arrays (integers, floats by Clinger's exact fast path, decimals,
 * dates, timestamps without a zone, booleans, strings by byte copy); anything else, and any
 * value off the fast path, goes through `parseText` (a cast's input rules) so results and
 * errors are the same as `'…'::type`. A bad value is raised with PostgreSQL's
 * `COPY line N, column x: "value"` detail.
 */
export function decodeColumn(t: FieldTable, c: number, field: arrow.Field, syntax: FieldSyntax): arrow.Data {
  const n = t.rows;
  const validity = new Uint8Array(((n + 63) >> 6) << 3);
  let nulls = 0;
  for (let r = 0; r < n; r++) {
    if ((t.flags[r * t.columns + c]! & FIELD_NULL) !== 0) nulls++;
    else validity[r >> 3]! |= 1 << (r & 7);
  }
  const type = field.type;
  const props = { type, length: n, nullCount: nulls, nullBitmap: nulls === 0 ? undefined : validity };
  const slow = (r: number): ScalarValue => parseField(t, r, c, field, syntax);
  switch (type.typeId) {
    case arrow.Type.Utf8:
      return arrow.makeData({ ...props, ...utf8Column(t, c, syntax) } as never);
    case arrow.Type.Int: {
      const bits = (type as arrow.Int).bitWidth;
      if (bits === 64) return arrow.makeData({ ...props, data: int64Column(t, c, slow, (r) => fastInt(t, r, c, 2 ** 53)) } as never);
      const Ctor = (type as arrow.Int).ArrayType as unknown as new (n: number) => Int32Array;
      const out = new Ctor(n);
      const bound = 2 ** (bits - 1);
      for (let r = 0; r < n; r++) {
        if ((t.flags[r * t.columns + c]! & FIELD_NULL) !== 0) continue;
        const v = fastInt(t, r, c, bound);
        out[r] = v === undefined ? (slow(r) as number) : v;
      }
      return arrow.makeData({ ...props, data: out } as never);
    }
    case arrow.Type.Float: {
      const Ctor = (type as arrow.Float).ArrayType as unknown as new (n: number) => Float64Array;
      const out = new Ctor(n);
      for (let r = 0; r < n; r++) {
        if ((t.flags[r * t.columns + c]! & FIELD_NULL) !== 0) continue;
        const v = fastDecimal(t, r, c, -1);
        out[r] = v === undefined ? (slow(r) as number) : v.value / POW10[v.scale]!;
      }
      return arrow.makeData({ ...props, data: out } as never);
    }
    case arrow.Type.Decimal: {
      const { scale, precision } = type as arrow.Decimal;
      const out = new Uint32Array(n * 4);
      const limit = precision >= 16 ? 2 ** 53 : 10 ** precision;
      for (let r = 0; r < n; r++) {
        if ((t.flags[r * t.columns + c]! & FIELD_NULL) !== 0) continue;
        const v = fastDecimal(t, r, c, scale);
        if (v === undefined) {
          writeDecimal(out, r, slow(r) as bigint);
          continue;
        }
        const unscaled = v.value * POW10[scale - v.scale]!;
        if (!Number.isSafeInteger(unscaled) || Math.abs(unscaled) >= limit) {
          writeDecimal(out, r, slow(r) as bigint);
          continue;
        }
        const hi = Math.floor(unscaled / TWO_32);
        out[r * 4] = unscaled - hi * TWO_32;
        out[r * 4 + 1] = hi >>> 0;
        const sign = unscaled < 0 ? 0xffffffff : 0;
        out[r * 4 + 2] = sign;
        out[r * 4 + 3] = sign;
      }
      return arrow.makeData({ ...props, data: out } as never);
    }
    case arrow.Type.Date:
      if ((type as arrow.Date_).unit !== arrow.DateUnit.DAY) break;
      {
        const out = new Int32Array(n);
        for (let r = 0; r < n; r++) {
          if ((t.flags[r * t.columns + c]! & FIELD_NULL) !== 0) continue;
          const days = fastDate(t.buf, t.starts[r * t.columns + c]!, t.ends[r * t.columns + c]!);
          out[r] = days === undefined ? (slow(r) as number) : days;
        }
        return arrow.makeData({ ...props, data: out } as never);
      }
    case arrow.Type.Bool: {
      const bits = new Uint8Array(((n + 63) >> 6) << 3);
      for (let r = 0; r < n; r++) {
        const slot = r * t.columns + c;
        if ((t.flags[slot]! & FIELD_NULL) !== 0) continue;
        const v = fastBool(t.buf, t.starts[slot]!, t.ends[slot]!, t.flags[slot]!) ?? (slow(r) as boolean);
        if (v) bits[r >> 3]! |= 1 << (r & 7);
      }
      return arrow.makeData({ ...props, data: bits } as never);
    }
    case arrow.Type.Timestamp:
      if ((type as arrow.Timestamp).unit !== arrow.TimeUnit.MICROSECOND) break;
      return arrow.makeData({ ...props, data: int64Column(t, c, slow, (r) => fastTimestamp(t.buf, t.starts[r * t.columns + c]!, t.ends[r * t.columns + c]!)) } as never);
  }
  // Other types (binary, nested, …): through the cast rules, one value at a time.
  const values = new Array<ScalarValue>(n);
  for (let r = 0; r < n; r++) values[r] = (t.flags[r * t.columns + c]! & FIELD_NULL) !== 0 ? null : slow(r);
  return dataFromValues(type, values);
}

/** The field's text after escapes / quotes, for the slow path and error messages. */
export function fieldText(t: FieldTable, r: number, c: number, syntax: FieldSyntax): string {
  const slot = r * t.columns + c;
  const start = t.starts[slot]!;
  const end = t.ends[slot]!;
  if ((t.flags[slot]! & FIELD_ENCODED) === 0) return Buffer.from(t.buf.buffer, t.buf.byteOffset + start, end - start).toString('utf8');
  const out = new Uint8Array(end - start);
  const n = syntax.csv ? unquote(t.buf, start, end, out, 0, syntax) : unescape(t.buf, start, end, out, 0);
  return Buffer.from(out.buffer, 0, n).toString('utf8');
}

function parseField(t: FieldTable, r: number, c: number, field: arrow.Field, syntax: FieldSyntax): ScalarValue {
  const text = fieldText(t, r, c, syntax);
  try {
    return parseText(text, field.type);
  } catch (err) {
    if (!(err instanceof SqlError)) throw err;
    throw new SqlError(err.sqlstate, err.message, { detail: `COPY line ${t.firstLine + r}, column ${field.name}: "${text}"` });
  }
}

// ── strings ──

function utf8Column(t: FieldTable, c: number, syntax: FieldSyntax): { valueOffsets: Int32Array; data: Uint8Array } {
  const n = t.rows;
  const { buf, starts, ends, flags, columns } = t;
  let total = 0;
  for (let r = 0; r < n; r++) total += ends[r * columns + c]! - starts[r * columns + c]!;
  const data = new Uint8Array(total);
  const valueOffsets = new Int32Array(n + 1);
  let at = 0;
  for (let r = 0; r < n; r++) {
    const slot = r * columns + c;
    const f = flags[slot]!;
    if ((f & FIELD_NULL) === 0) {
      const start = starts[slot]!;
      const end = ends[slot]!;
      if ((f & FIELD_ENCODED) !== 0) at = syntax.csv ? unquote(buf, start, end, data, at, syntax) : unescape(buf, start, end, data, at);
      else if (end - start > 32) {
        data.set(buf.subarray(start, end), at);
        at += end - start;
      } else {
        for (let k = start; k < end; k++) data[at++] = buf[k]!;
      }
    }
    valueOffsets[r + 1] = at;
  }
  return { valueOffsets, data: at === total ? data : data.slice(0, at) };
}

/** Text-format escapes (PostgreSQL's): `\b \f \n \r \t \v`, octal `\ooo`, hex `\xhh`, else the next byte itself. Returns the new `at`. */
function unescape(buf: Uint8Array, start: number, end: number, out: Uint8Array, at: number): number {
  for (let k = start; k < end; k++) {
    const b = buf[k]!;
    if (b !== 0x5c || k + 1 >= end) {
      out[at++] = b;
      continue;
    }
    const e = buf[++k]!;
    if (e >= 0x30 && e <= 0x37) {
      let v = e - 0x30;
      for (let d = 0; d < 2 && k + 1 < end && buf[k + 1]! >= 0x30 && buf[k + 1]! <= 0x37; d++) v = v * 8 + (buf[++k]! - 0x30);
      out[at++] = v & 0xff;
    } else if (e === 0x78 && k + 1 < end && hexValue(buf[k + 1]!) >= 0) {
      let v = hexValue(buf[++k]!);
      if (k + 1 < end && hexValue(buf[k + 1]!) >= 0) v = v * 16 + hexValue(buf[++k]!);
      out[at++] = v;
    } else {
      out[at++] = e === 0x62 ? 8 : e === 0x66 ? 12 : e === 0x6e ? 10 : e === 0x72 ? 13 : e === 0x74 ? 9 : e === 0x76 ? 11 : e;
    }
  }
  return at;
}

function hexValue(b: number): number {
  if (b >= 0x30 && b <= 0x39) return b - 0x30;
  if (b >= 0x61 && b <= 0x66) return b - 0x57;
  if (b >= 0x41 && b <= 0x46) return b - 0x37;
  return -1;
}

/** CSV: quotes removed; inside quotes an escape before a quote or an escape makes that byte data. Returns the new `at`. */
function unquote(buf: Uint8Array, start: number, end: number, out: Uint8Array, at: number, syntax: FieldSyntax): number {
  let inQuotes = false;
  for (let k = start; k < end; k++) {
    const b = buf[k]!;
    if (inQuotes && b === syntax.escape && k + 1 < end && (buf[k + 1] === syntax.quote || buf[k + 1] === syntax.escape)) {
      out[at++] = buf[++k]!;
    } else if (b === syntax.quote) inQuotes = !inQuotes;
    else out[at++] = b;
  }
  return at;
}

// ── numbers ──

/** An integer of at most 15 digits (`[+-]digits`, no spaces) within ±bound, else undefined (the slow path decides). */
function fastInt(t: FieldTable, r: number, c: number, bound: number): number | undefined {
  const slot = r * t.columns + c;
  if ((t.flags[slot]! & FIELD_ENCODED) !== 0) return undefined;
  const buf = t.buf;
  let k = t.starts[slot]!;
  const end = t.ends[slot]!;
  let negative = false;
  if (k < end && (buf[k] === 0x2d || buf[k] === 0x2b)) negative = buf[k++] === 0x2d;
  if (k === end || end - k > 15) return undefined;
  let v = 0;
  for (; k < end; k++) {
    const d = buf[k]! - 0x30;
    if (d < 0 || d > 9) return undefined;
    v = v * 10 + d;
  }
  if (negative) v = -v;
  return v < -bound || v >= bound ? undefined : v;
}

/**
 * `[+-]digits[.digits]` with at most 15 significant digits and (when `maxScale` ≥ 0) at most
 * that many after the point: `value / 10^scale` is then exact (Clinger's fast path: both
 * operands are exact doubles, so the one division rounds correctly).
 */
function fastDecimal(t: FieldTable, r: number, c: number, maxScale: number): { value: number; scale: number } | undefined {
  const slot = r * t.columns + c;
  if ((t.flags[slot]! & FIELD_ENCODED) !== 0) return undefined;
  const buf = t.buf;
  let k = t.starts[slot]!;
  const end = t.ends[slot]!;
  let negative = false;
  if (k < end && (buf[k] === 0x2d || buf[k] === 0x2b)) negative = buf[k++] === 0x2d;
  let v = 0;
  let digits = 0;
  let scale = -1;
  for (; k < end; k++) {
    const b = buf[k]!;
    if (b === 0x2e && scale < 0) {
      scale = 0;
      continue;
    }
    const d = b - 0x30;
    if (d < 0 || d > 9) return undefined;
    v = v * 10 + d;
    digits++;
    if (scale >= 0) scale++;
  }
  if (digits === 0 || digits > 15) return undefined;
  if (scale < 0) scale = 0;
  if (maxScale >= 0 && scale > maxScale) return undefined;
  return { value: negative ? -v : v, scale };
}

/** Int64-stored columns (bigint, timestamps): safe-integer fast values written as two 32-bit words, the rest as bigint. */
function int64Column(t: FieldTable, c: number, slow: (r: number) => ScalarValue, fast: (r: number) => number | undefined): BigInt64Array {
  const out = new BigInt64Array(t.rows);
  const words = new Uint32Array(out.buffer);
  for (let r = 0; r < t.rows; r++) {
    if ((t.flags[r * t.columns + c]! & FIELD_NULL) !== 0) continue;
    const v = fast(r);
    if (v === undefined) {
      out[r] = BigInt(slow(r) as bigint);
      continue;
    }
    const hi = Math.floor(v / TWO_32);
    words[2 * r] = v - hi * TWO_32;
    words[2 * r + 1] = hi >>> 0;
  }
  return out;
}

/** `t` / `f` (what PostgreSQL writes) and `true` / `false`; other spellings → undefined (the slow path reads them). */
function fastBool(buf: Uint8Array, start: number, end: number, flags: number): boolean | undefined {
  if ((flags & FIELD_ENCODED) !== 0) return undefined;
  const length = end - start;
  const first = buf[start];
  if (length === 1) return first === 0x74 ? true : first === 0x66 ? false : undefined;
  if (length === 4 && first === 0x74 && buf[start + 1] === 0x72 && buf[start + 2] === 0x75 && buf[start + 3] === 0x65) return true;
  if (length === 5 && first === 0x66 && buf[start + 1] === 0x61 && buf[start + 2] === 0x6c && buf[start + 3] === 0x73 && buf[start + 4] === 0x65) return false;
  return undefined;
}

// ── dates and times ──

function digits(buf: Uint8Array, at: number, count: number): number {
  let v = 0;
  for (let k = at; k < at + count; k++) {
    const d = buf[k]! - 0x30;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

const DAYS_IN_MONTH = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** `YYYY-MM-DD` exactly → days since the epoch; anything else (or an invalid day) → undefined. */
function fastDate(buf: Uint8Array, start: number, end: number): number | undefined {
  if (end - start !== 10 || buf[start + 4] !== 0x2d || buf[start + 7] !== 0x2d) return undefined;
  const year = digits(buf, start, 4);
  const month = digits(buf, start + 5, 2);
  const day = digits(buf, start + 8, 2);
  if (year < 1 || month < 1 || month > 12 || day < 1) return undefined;
  const leap = month === 2 && (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)) ? 1 : 0;
  if (day > DAYS_IN_MONTH[month]! + leap) return undefined;
  return daysFromCivil(year, month, day);
}

/** `YYYY-MM-DD HH:MM:SS[.ffffff]` (space or T, no zone: UTC, as `parseTimestamp` reads it) → µs since the epoch. */
function fastTimestamp(buf: Uint8Array, start: number, end: number): number | undefined {
  const length = end - start;
  if (length < 19 || length > 26 || length === 20 || (buf[start + 10] !== 0x20 && buf[start + 10] !== 0x54)) return undefined;
  const days = fastDate(buf, start, start + 10);
  if (days === undefined || buf[start + 13] !== 0x3a || buf[start + 16] !== 0x3a) return undefined;
  const hour = digits(buf, start + 11, 2);
  const minute = digits(buf, start + 14, 2);
  const second = digits(buf, start + 17, 2);
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return undefined;
  let micros = 0;
  if (length > 19) {
    if (buf[start + 19] !== 0x2e) return undefined;
    const fraction = digits(buf, start + 20, length - 20);
    if (fraction < 0) return undefined;
    micros = fraction * POW10[26 - length]!;
  }
  const v = days * MICROS_PER_DAY + (hour * 3600 + minute * 60 + second) * 1_000_000 + micros;
  return Number.isSafeInteger(v) ? v : undefined;
}
