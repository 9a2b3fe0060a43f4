import * as arrow from 'apache-arrow';
import { SqlError } from '../../common/sql-error.js';
import { validityProps } from '../../common/arrow/bitmap.js';
import { writeDecimal } from '../values/decimal.js';

/**
 * Builds a result column of `type` from a Float64Array of results (and validity; null = all
 * valid). Integer types take the values as exact integers; a decimal takes them as unscaled
 * values, which callers guarantee to be safe integers (|v| < 2^53) — larger ones go through
 * `bigintColumn`.
 */
export function numberColumn(type: arrow.DataType, values: Float64Array, valid: Uint8Array | null): arrow.Data {
  const length = values.length;
  const validity = validityProps(valid);
  switch (type.typeId) {
    case arrow.Type.Float: {
      const out = (type as arrow.Float).precision === arrow.Precision.DOUBLE ? values : Float32Array.from(values);
      return arrow.makeData({ type, length, ...validity, data: out } as never);
    }
    case arrow.Type.Int: {
      const t = type as arrow.Int;
      if (t.bitWidth === 64) {
        // Written as (low, high) 32-bit words, no BigInt per row: for an integer-valued double
        // both the division by 2^32 and the remainder are exact (ranks, counts: 10M rows in ms).
        const words = new Int32Array(length * 2);
        for (let i = 0; i < length; i++) {
          const v = values[i];
          if (v !== v) continue;
          const high = Math.floor(v / 4_294_967_296);
          words[2 * i] = (v - high * 4_294_967_296) | 0;
          words[2 * i + 1] = high;
        }
        return arrow.makeData({ type, length, ...validity, data: new BigInt64Array(words.buffer) } as never);
      }
      const Ctor = t.ArrayType as unknown as new (n: number) => Int32Array;
      const out = new Ctor(length);
      const min = t.isSigned ? -(2 ** (t.bitWidth - 1)) : 0;
      const max = t.isSigned ? 2 ** (t.bitWidth - 1) - 1 : 2 ** t.bitWidth - 1;
      for (let i = 0; i < length; i++) {
        const v = values[i];
        if ((valid === null || valid[i] !== 0) && (v < min || v > max)) throw SqlError.numericOverflow(String(type));
        out[i] = v;
      }
      return arrow.makeData({ type, length, ...validity, data: out } as never);
    }
    case arrow.Type.Decimal: {
      const words = new Uint32Array(length * 4);
      for (let i = 0; i < length; i++) {
        const v = values[i];
        if (v === 0 || v !== v) continue;
        // A safe integer's two's complement: low word, then the (signed) high part sign-extended.
        const high = Math.floor(v / 4_294_967_296);
        const b = i * 4;
        words[b] = (v - high * 4_294_967_296) >>> 0;
        words[b + 1] = high >>> 0;
        const sign = high < 0 ? 0xffffffff : 0;
        words[b + 2] = sign;
        words[b + 3] = sign;
      }
      checkDecimalPrecision(type as arrow.Decimal, values, valid);
      return arrow.makeData({ type, length, ...validity, data: words } as never);
    }
    default:
      throw SqlError.internal(`window result of type ${String(type)} from numbers`);
  }
}

/** Builds an Int64 or Decimal column from exact bigint results (checking precision / range: 22003). */
export function bigintColumn(type: arrow.DataType, values: readonly bigint[], valid: Uint8Array | null): arrow.Data {
  const length = values.length;
  const validity = validityProps(valid);
  if (arrow.DataType.isDecimal(type)) {
    const bound = 10n ** BigInt((type as arrow.Decimal).precision);
    const words = new Uint32Array(length * 4);
    for (let i = 0; i < length; i++) {
      if (valid !== null && valid[i] === 0) continue;
      const v = values[i];
      if (v >= bound || v <= -bound) throw SqlError.numericOverflow(`numeric field with precision ${(type as arrow.Decimal).precision}`);
      writeDecimal(words, i, v);
    }
    return arrow.makeData({ type, length, ...validity, data: words } as never);
  }
  if (arrow.DataType.isInt(type) && (type as arrow.Int).bitWidth === 64) {
    const out = new BigInt64Array(length);
    for (let i = 0; i < length; i++) {
      if (valid !== null && valid[i] === 0) continue;
      const v = values[i];
      if (v > 9_223_372_036_854_775_807n || v < -9_223_372_036_854_775_808n) throw SqlError.numericOverflow('bigint');
      out[i] = v;
    }
    return arrow.makeData({ type, length, ...validity, data: out } as never);
  }
  const asNumbers = new Float64Array(length);
  for (let i = 0; i < length; i++) asNumbers[i] = Number(values[i]);
  return numberColumn(type, asNumbers, valid);
}

function checkDecimalPrecision(type: arrow.Decimal, values: Float64Array, valid: Uint8Array | null): void {
  if (type.precision >= 16) return; // every safe integer has at most 16 digits
  const bound = 10 ** type.precision;
  for (let i = 0; i < values.length; i++) {
    if ((valid === null || valid[i] !== 0) && Math.abs(values[i]) >= bound) throw SqlError.numericOverflow(`numeric field with precision ${type.precision}`);
  }
}
