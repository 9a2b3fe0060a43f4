import * as arrow from 'apache-arrow';
import { SqlError } from '../../common/sql-error.js';
import { parseDate, parseTimestamp } from '../../common/time/datetime.js';
import type { DeltaType } from '../schema/types.js';
import { deltaTypeToArrow } from '../schema/arrow.js';
import { nullData } from '../../common/arrow/null-data.js';

/** A partition value parsed into the form its Arrow column stores. */
export type PartitionScalar = boolean | number | bigint | string | Uint8Array | null;

/**
 * Parses an `add.partitionValues` string by the column's type (reference/delta-protocol.md §3:
 * "the empty string or JSON null means null"; dates `YYYY-MM-DD`; timestamps either zone-less
 * `YYYY-MM-DD HH:MM:SS[.ffffff]` — read as UTC here, the documented choice — or ISO with `Z`).
 * Decimals become their exact unscaled BigInt; timestamps BigInt microseconds; dates days.
 */
export function parsePartitionValue(raw: string | null | undefined, type: DeltaType, where: string): PartitionScalar {
  if (raw === null || raw === undefined || raw === '') return null;
  const bad = () => SqlError.corruptData(where, `partition value "${raw}" is not a valid ${describe(type)}`);
  switch (type.kind) {
    case 'decimal':
      return parseDecimalUnscaled(raw, type.scale) ?? (() => { throw bad(); })();
    case 'primitive':
      switch (type.name) {
        case 'boolean':
          if (raw.toLowerCase() === 'true') return true;
          if (raw.toLowerCase() === 'false') return false;
          throw bad();
        case 'byte':
        case 'short':
        case 'integer': {
          const n = Number(raw);
          if (!Number.isInteger(n)) throw bad();
          return n;
        }
        case 'long':
          if (!/^\s*[+-]?\d+\s*$/.test(raw)) throw bad();
          return BigInt(raw.trim());
        case 'float':
        case 'double': {
          const n = Number(raw);
          if (Number.isNaN(n) && raw !== 'NaN') throw bad();
          return n;
        }
        case 'string':
          return raw;
        case 'binary':
          return new TextEncoder().encode(raw);
        case 'date':
          return parseDate(raw) ?? (() => { throw bad(); })();
        case 'timestamp':
          return parseTimestamp(raw) ?? (() => { throw bad(); })();
        case 'timestamp_ntz':
          return parseTimestamp(raw, true) ?? (() => { throw bad(); })();
      }
  }
  throw SqlError.unsupportedFeature(`partition column of type ${describe(type)}`);
}

/** A column of `length` copies of one partition value, in the column's Arrow type. */
export function constantData(type: DeltaType, value: PartitionScalar, length: number): arrow.Data {
  const arrowType = deltaTypeToArrow(type);
  if (value === null) return nullData(arrowType, length);
  const base = { type: arrowType, length, nullCount: 0 };
  switch (arrowType.typeId) {
    case arrow.Type.Bool: {
      const bits = new Uint8Array(Math.ceil(length / 8)).fill(value ? 0xff : 0);
      return arrow.makeData({ ...base, type: arrowType as arrow.Bool, data: bits });
    }
    case arrow.Type.Utf8:
    case arrow.Type.Binary: {
      const bytes = typeof value === 'string' ? new TextEncoder().encode(value) : (value as Uint8Array);
      const data = new Uint8Array(bytes.length * length);
      const offsets = new Int32Array(length + 1);
      for (let i = 0; i < length; i++) {
        data.set(bytes, i * bytes.length);
        offsets[i + 1] = (i + 1) * bytes.length;
      }
      return arrow.makeData({ ...base, type: arrowType as arrow.Utf8, data, valueOffsets: offsets });
    }
    case arrow.Type.Decimal: {
      const words = new Uint32Array(length * 4);
      const one = decimalWords(value as bigint);
      for (let i = 0; i < length; i++) words.set(one, i * 4);
      return arrow.makeData({ ...base, type: arrowType as arrow.Decimal, data: words });
    }
    default: {
      const ctor = (arrowType as arrow.Int | arrow.Float | arrow.DateDay | arrow.Timestamp).ArrayType as unknown as new (n: number) => { fill(v: unknown): unknown };
      const values = new ctor(length);
      values.fill(value);
      return arrow.makeData({ ...base, type: arrowType as arrow.Int, data: values as unknown as Int32Array });
    }
  }
}

/** The four little-endian 32-bit words of a Decimal128 (two's complement). */
export function decimalWords(unscaled: bigint): Uint32Array {
  const words = new Uint32Array(4);
  let v = BigInt.asUintN(128, unscaled);
  for (let i = 0; i < 4; i++) {
    words[i] = Number(v & 0xffffffffn);
    v >>= 32n;
  }
  return words;
}

/** "123.4" at scale 2 → 12340n; undefined when not a decimal number or more digits than scale. */
export function parseDecimalUnscaled(text: string, scale: number): bigint | undefined {
  const m = /^\s*([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?\s*$/.exec(text);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return undefined;
  const digits = (m[2] ?? '') + (m[3] ?? '');
  const exponent = Number(m[4] ?? 0) - (m[3] ?? '').length + scale;
  if (exponent < 0) {
    const dropped = digits.slice(digits.length + exponent);
    if (/[1-9]/.test(dropped)) return undefined;
    const kept = digits.slice(0, digits.length + exponent) || '0';
    return (m[1] === '-' ? -1n : 1n) * BigInt(kept);
  }
  return (m[1] === '-' ? -1n : 1n) * BigInt(digits || '0') * 10n ** BigInt(exponent);
}

function describe(type: DeltaType): string {
  return type.kind === 'primitive' ? type.name : type.kind === 'decimal' ? `decimal(${type.precision},${type.scale})` : type.kind;
}
