import * as arrow from 'apache-arrow';
import { SqlError } from '../../common/sql-error.js';
import { boolBytes, validityBytes, validityProps } from '../../common/arrow/bitmap.js';
import { broadcast, dataFromValues, type ScalarValue } from '../arrow/scalar.js';
import { MICROS_PER_DAY, formatDate, formatTimestamp, parseDate, parseTimestamp } from '../../common/time/datetime.js';
import { decimalAt, fitsPrecision, formatDecimal, numberToDecimal, parseDecimal, pow10, rescale, writeDecimal } from '../values/decimal.js';
import { pgTypeName } from '../values/type-names.js';
import { integerName } from './arith.js';
import { formatInterval, intervalAt, intervalParts } from './interval.js';

/**
 * CAST between the types of the Delta→Arrow mapping, with PostgreSQL's errors: a value out of
 * the target's range is `22003`, text that does not parse is `22P02` (`22007` for dates and
 * timestamps). Numeric ↔ numeric, numeric/bool/date/timestamp ↔ text, date ↔ timestamp,
 * timestamp ↔ timestamp_ntz (both UTC microseconds: the session time zone is UTC).
 */
export function cast(data: arrow.Data, to: arrow.DataType): arrow.Data {
  const from = data.type;
  if (sameType(from, to)) return data;
  const length = data.length;
  const valid = validityBytes(data);
  if (from.typeId === arrow.Type.Null) return broadcast(to, null, length);
  const fail = (): never => {
    throw new SqlError('42846', `cannot cast type ${pgTypeName(from)} to ${pgTypeName(to)}`);
  };
  switch (to.typeId) {
    case arrow.Type.Utf8:
      return dataFromValues(to, textValues(data, valid));
    case arrow.Type.Int:
      switch (from.typeId) {
        case arrow.Type.Int: return intFromInt(data, to as arrow.Int, valid);
        case arrow.Type.Float: return intFromNumbers(data.values as Float64Array, to as arrow.Int, valid, true);
        case arrow.Type.Decimal: return intFromDecimal(data, to as arrow.Int, valid);
        case arrow.Type.Bool: return intFromNumbers(Float64Array.from(boolBytes(data)), to as arrow.Int, valid, false);
        case arrow.Type.Utf8: return parseColumn(data, to, valid);
      }
      return fail();
    case arrow.Type.Float: {
      const Ctor = (to as arrow.Float).ArrayType as unknown as new (n: number) => Float64Array;
      const out = new Ctor(length);
      switch (from.typeId) {
        case arrow.Type.Int:
        case arrow.Type.Float: {
          const a = data.values as Float64Array;
          for (let i = 0; i < length; i++) out[i] = Number(a[i]);
          return fixed(to, out, valid, length);
        }
        case arrow.Type.Decimal: {
          const a = data.values as Uint32Array;
          const scale = (from as arrow.Decimal).scale;
          for (let i = 0; i < length; i++) if (valid === null || valid[i] === 1) out[i] = Number(formatDecimal(decimalAt(a, i), scale));
          return fixed(to, out, valid, length);
        }
        case arrow.Type.Utf8: return parseColumn(data, to, valid);
      }
      return fail();
    }
    case arrow.Type.Decimal: {
      const target = to as arrow.Decimal;
      const out = new Uint32Array(length * 4);
      const put = (i: number, v: bigint | undefined): void => {
        if (v === undefined || !fitsPrecision(v, target.precision)) throw new SqlError('22003', 'numeric field overflow');
        writeDecimal(out, i, v);
      };
      switch (from.typeId) {
        case arrow.Type.Int: {
          const a = data.values as Int32Array;
          const factor = pow10(target.scale);
          for (let i = 0; i < length; i++) if (valid === null || valid[i] === 1) put(i, BigInt(a[i]) * factor);
          return fixed(to, out, valid, length);
        }
        case arrow.Type.Float: {
          const a = data.values as Float64Array;
          for (let i = 0; i < length; i++) if (valid === null || valid[i] === 1) put(i, numberToDecimal(a[i], target.scale));
          return fixed(to, out, valid, length);
        }
        case arrow.Type.Decimal: {
          const a = data.values as Uint32Array;
          const scale = (from as arrow.Decimal).scale;
          for (let i = 0; i < length; i++) if (valid === null || valid[i] === 1) put(i, rescale(decimalAt(a, i), scale, target.scale));
          return fixed(to, out, valid, length);
        }
        case arrow.Type.Utf8: return parseColumn(data, to, valid);
      }
      return fail();
    }
    case arrow.Type.Bool:
      if (from.typeId === arrow.Type.Int) {
        const a = data.values as Int32Array;
        const values: ScalarValue[] = [];
        for (let i = 0; i < length; i++) values.push(valid !== null && valid[i] === 0 ? null : a[i] != 0);
        return dataFromValues(to, values);
      }
      if (from.typeId === arrow.Type.Utf8) return parseColumn(data, to, valid);
      return fail();
    case arrow.Type.Date:
      if (from.typeId === arrow.Type.Timestamp) {
        const a = data.values as BigInt64Array;
        const out = new Int32Array(length);
        for (let i = 0; i < length; i++) {
          const micros = a[i];
          const days = micros / MICROS_PER_DAY;
          out[i] = Number(micros < 0n && days * MICROS_PER_DAY !== micros ? days - 1n : days);
        }
        return fixed(to, out, valid, length);
      }
      if (from.typeId === arrow.Type.Utf8) return parseColumn(data, to, valid);
      return fail();
    case arrow.Type.Timestamp:
      if (from.typeId === arrow.Type.Timestamp) return arrow.makeData({ type: to, length, ...validityProps(valid), data: data.values } as never);
      if (from.typeId === arrow.Type.Date) {
        const a = data.values as Int32Array;
        const out = new BigInt64Array(length);
        for (let i = 0; i < length; i++) out[i] = BigInt(a[i]) * MICROS_PER_DAY;
        return fixed(to, out, valid, length);
      }
      if (from.typeId === arrow.Type.Utf8) return parseColumn(data, to, valid);
      return fail();
    case arrow.Type.Binary:
      if (from.typeId === arrow.Type.Utf8) {
        return arrow.makeData({ type: to, length, ...validityProps(valid), valueOffsets: data.valueOffsets, data: data.values } as never);
      }
      return fail();
    case arrow.Type.List:
      // Element by element; the offsets and validity stay as they are.
      if (from.typeId === arrow.Type.List) {
        const child = cast(data.children[0] as arrow.Data, (to as arrow.List).children[0].type);
        return arrow.makeData({ type: to as arrow.List, offset: data.offset, length, nullCount: data.nullCount, nullBitmap: data.nullBitmap, valueOffsets: data.valueOffsets, child });
      }
      return fail();
  }
  return fail();
}

/** Arrow type equality as far as casting cares. */
export function sameType(a: arrow.DataType, b: arrow.DataType): boolean {
  return arrow.util.compareTypes(a, b) && sameDecimals(a, b);
}

/**
 * arrow-js's `compareTypes` ignores a decimal's scale and precision (Decimal(2,3) "equals"
 * Decimal(3,4)), which would skip the rescale of `1.50 + 2.250`: compare them here, nested too.
 */
function sameDecimals(a: arrow.DataType, b: arrow.DataType): boolean {
  if (arrow.DataType.isDecimal(a) && arrow.DataType.isDecimal(b)) {
    return a.scale === b.scale && a.precision === b.precision && a.bitWidth === b.bitWidth;
  }
  const left = a.children ?? [];
  const right = b.children ?? [];
  return left.every((field, i) => right[i] !== undefined && sameDecimals(field.type, (right[i] as arrow.Field).type));
}

// ── to text ──

const decoder = new TextDecoder();

/** Each row's PostgreSQL text form (bool `true`/`false`, exact decimals, `YYYY-MM-DD HH:MM:SS+00`). */
function textValues(data: arrow.Data, valid: Uint8Array | null): ScalarValue[] {
  const length = data.length;
  const out: ScalarValue[] = new Array(length);
  const type = data.type;
  for (let i = 0; i < length; i++) {
    if (valid !== null && valid[i] === 0) {
      out[i] = null;
      continue;
    }
    out[i] = formatValue(data, type, i);
  }
  return out;
}

function formatValue(data: arrow.Data, type: arrow.DataType, i: number): string {
  switch (type.typeId) {
    case arrow.Type.Bool: {
      const j = data.offset + i;
      return ((data.values as Uint8Array)[j >> 3] & (1 << (j & 7))) !== 0 ? 'true' : 'false';
    }
    case arrow.Type.Int: return String((data.values as Int32Array)[i]);
    case arrow.Type.Float: return formatFloat((data.values as Float64Array)[i]);
    case arrow.Type.Decimal: return formatDecimal(decimalAt(data.values as Uint32Array, i), (type as arrow.Decimal).scale);
    case arrow.Type.Date: return formatDate((data.values as Int32Array)[i]);
    case arrow.Type.Timestamp: return formatTimestamp((data.values as BigInt64Array)[i], Boolean((type as arrow.Timestamp).timezone));
    case arrow.Type.Interval: return formatInterval(intervalAt(intervalParts(data), i));
    case arrow.Type.Utf8:
    case arrow.Type.Binary: {
      const o = data.valueOffsets as Int32Array;
      return decoder.decode((data.values as Uint8Array).subarray(o[i], o[i + 1]));
    }
    default:
      throw new SqlError('42846', `cannot cast type ${pgTypeName(type)} to text`);
  }
}

/** PostgreSQL's float text: shortest round-trip digits, `NaN`, `Infinity`. */
export function formatFloat(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '-Infinity';
  return String(v);
}

// ── from text ──

/** Parses each row of a Utf8 Data as `to`, raising PostgreSQL's invalid-input errors. */
function parseColumn(data: arrow.Data, to: arrow.DataType, valid: Uint8Array | null): arrow.Data {
  const o = data.valueOffsets as Int32Array;
  const bytes = data.values as Uint8Array;
  const values: ScalarValue[] = new Array(data.length);
  for (let i = 0; i < data.length; i++) {
    values[i] = valid !== null && valid[i] === 0 ? null : parseText(decoder.decode(bytes.subarray(o[i], o[i + 1])), to);
  }
  return dataFromValues(to, values);
}

/**
 * One text value as `to` (the ScalarValue form), with PostgreSQL's errors. The planner uses it to
 * coerce literals (`WHERE d > '2021-01-01'`), CAST uses it per row.
 */
export function parseText(text: string, to: arrow.DataType): ScalarValue {
  const invalid = (code = '22P02'): never => {
    // PostgreSQL: a well-formed date/time with a field out of range (`2024-13-45`) is 22008.
    if (code === '22007' && /^\s*-?\d{1,6}-\d{1,2}-\d{1,2}([T ]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?)?/.test(text)) {
      throw new SqlError('22008', `date/time field value out of range: "${text}"`);
    }
    throw new SqlError(code, `invalid input syntax for type ${pgTypeName(to)}: "${text}"`);
  };
  switch (to.typeId) {
    case arrow.Type.Utf8: return text;
    case arrow.Type.Binary: {
      // bytea input: `\x` + hex digits is the hex format (what PostgreSQL prints); else the bytes of the text
      if (!text.startsWith('\\x')) return new TextEncoder().encode(text);
      const hexDigits = text.slice(2);
      if (hexDigits.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hexDigits)) return invalid();
      return Uint8Array.from(Buffer.from(hexDigits, 'hex'));
    }
    case arrow.Type.Int: {
      const bits = (to as arrow.Int).bitWidth;
      const t = text.trim();
      if (!/^[+-]?\d+$/.test(t)) return invalid();
      const v = BigInt(t);
      const bound = 2n ** BigInt(bits - 1);
      if (v < -bound || v >= bound) {
        throw new SqlError('22003', `value "${text}" is out of range for type ${integerName(bits)}`);
      }
      return bits === 64 ? v : Number(v);
    }
    case arrow.Type.Float: {
      const t = text.trim().toLowerCase();
      if (t === 'nan') return NaN;
      if (t === 'infinity' || t === '+infinity' || t === 'inf') return Infinity;
      if (t === '-infinity' || t === '-inf') return -Infinity;
      if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(t)) return invalid();
      return Number(t);
    }
    case arrow.Type.Decimal: {
      const d = to as arrow.Decimal;
      const v = parseDecimal(text, d.scale);
      if (v === undefined) return invalid();
      if (!fitsPrecision(v, d.precision)) throw new SqlError('22003', 'numeric field overflow');
      return v;
    }
    case arrow.Type.Bool: {
      const t = text.trim().toLowerCase();
      if (['t', 'tr', 'tru', 'true', 'y', 'ye', 'yes', 'on', '1'].includes(t)) return true;
      if (['f', 'fa', 'fal', 'fals', 'false', 'n', 'no', 'of', 'off', '0'].includes(t)) return false;
      return invalid();
    }
    case arrow.Type.Date: {
      const v = parseDate(text);
      return v === undefined ? invalid('22007') : v;
    }
    case arrow.Type.Timestamp: {
      const v = parseTimestamp(text, !(to as arrow.Timestamp).timezone);
      return v === undefined ? invalid('22007') : v;
    }
    default:
      throw new SqlError('42846', `cannot cast type text to ${pgTypeName(to)}`);
  }
}

// ── numeric helpers ──

function intFromInt(data: arrow.Data, to: arrow.Int, valid: Uint8Array | null): arrow.Data {
  const length = data.length;
  const fromBits = (data.type as arrow.Int).bitWidth;
  const bits = to.bitWidth;
  const Ctor = to.ArrayType as unknown as new (n: number) => Int32Array | BigInt64Array;
  const out = new Ctor(length);
  if (bits === 64) {
    const a = data.values as Int32Array;
    const o = out as BigInt64Array;
    for (let i = 0; i < length; i++) o[i] = BigInt(a[i]);
    return fixed(to, out, valid, length);
  }
  const min = -(2 ** (bits - 1));
  const max = 2 ** (bits - 1) - 1;
  const a = data.values as Int32Array;
  const o = out as Int32Array;
  for (let i = 0; i < length; i++) {
    const v = fromBits === 64 ? Number(a[i]) : a[i];
    if ((v < min || v > max) && (valid === null || valid[i] === 1)) throw SqlError.numericOverflow(integerName(bits));
    o[i] = v;
  }
  return fixed(to, out, valid, length);
}

/** Floats round half to even (PostgreSQL's rint); out of range is 22003. */
function intFromNumbers(a: ArrayLike<number>, to: arrow.Int, valid: Uint8Array | null, round: boolean): arrow.Data {
  const length = a.length;
  const bits = to.bitWidth;
  const Ctor = to.ArrayType as unknown as new (n: number) => Int32Array | BigInt64Array;
  const out = new Ctor(length);
  const min = -(2 ** (bits - 1));
  const max = 2 ** (bits - 1);
  for (let i = 0; i < length; i++) {
    if (valid !== null && valid[i] === 0) continue;
    let v = a[i];
    if (round) v = roundHalfEven(v);
    if (!(v >= min && v < max)) throw SqlError.numericOverflow(integerName(bits));
    if (out instanceof BigInt64Array) out[i] = BigInt(v);
    else out[i] = v;
  }
  return fixed(to, out, valid, length);
}

function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** Decimals round half away from zero (PostgreSQL's numeric → int). */
function intFromDecimal(data: arrow.Data, to: arrow.Int, valid: Uint8Array | null): arrow.Data {
  const length = data.length;
  const bits = to.bitWidth;
  const scale = (data.type as arrow.Decimal).scale;
  const Ctor = to.ArrayType as unknown as new (n: number) => Int32Array | BigInt64Array;
  const out = new Ctor(length);
  const bound = 2n ** BigInt(bits - 1);
  const a = data.values as Uint32Array;
  for (let i = 0; i < length; i++) {
    if (valid !== null && valid[i] === 0) continue;
    const v = rescale(decimalAt(a, i), scale, 0);
    if (v < -bound || v >= bound) throw SqlError.numericOverflow(integerName(bits));
    if (out instanceof BigInt64Array) out[i] = v;
    else out[i] = Number(v);
  }
  return fixed(to, out, valid, length);
}

function fixed(type: arrow.DataType, values: ArrayLike<unknown>, valid: Uint8Array | null, length: number): arrow.Data {
  return arrow.makeData({ type, length, ...validityProps(valid), data: values } as never);
}
