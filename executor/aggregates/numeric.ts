import * as arrow from 'apache-arrow';
import { SqlError } from '../../common/sql-error.js';
import { pow10 } from '../values/decimal.js';

/** How a numeric argument is stored, which decides the accumulator's loop. */
export type NumericKind = 'int32' | 'int64' | 'decimal' | 'float';

/** int8/16/32 (and unsigned up to 32 bits) read as numbers; int64 as two words; decimal128 as four. */
export function numericKind(type: arrow.DataType): NumericKind | undefined {
  if (arrow.DataType.isInt(type)) return (type as arrow.Int).bitWidth === 64 ? 'int64' : 'int32';
  if (arrow.DataType.isFloat(type)) return (type as arrow.Float).precision === arrow.Precision.HALF ? undefined : 'float';
  if (arrow.DataType.isDecimal(type)) return (type as arrow.Decimal).bitWidth === 128 ? 'decimal' : undefined;
  return undefined;
}

export function requireNumericKind(name: string, type: arrow.DataType): NumericKind {
  const kind = numericKind(type);
  if (kind === undefined) throw SqlError.undefinedFunction(`${name}(${String(type)})`);
  return kind;
}


/**
 * A numeric column as float64 (ints exactly up to 2^53, decimals divided by 10^scale) for the
 * floating-point aggregates: variance family, percentile_cont. NULL rows hold 0.
 */
export function toFloat64(data: arrow.Data): Float64Array {
  const n = data.length;
  const kind = numericKind(data.type);
  if (kind === 'float' || kind === 'int32') {
    const v = data.values as Float64Array | Float32Array | Int32Array;
    return v instanceof Float64Array ? v : Float64Array.from(v.subarray(0, n));
  }
  const out = new Float64Array(n);
  if (kind === 'int64') {
    const b = data.values as BigInt64Array;
    const w = new Uint32Array(b.buffer, b.byteOffset, n * 2);
    const hi = new Int32Array(b.buffer, b.byteOffset, n * 2);
    const unsigned = !(data.type as arrow.Int).isSigned;
    for (let i = 0; i < n; i++) out[i] = w[2 * i] + (unsigned ? w[2 * i + 1] : hi[2 * i + 1]) * 4_294_967_296;
    return out;
  }
  if (kind === 'decimal') {
    const w = data.values as Uint32Array;
    const hi = new Int32Array(w.buffer, w.byteOffset, n * 4);
    const scale = (data.type as arrow.Decimal).scale;
    const divisor = Number(pow10(scale));
    for (let i = 0; i < n; i++) {
      const b = 4 * i;
      const top = hi[b + 3];
      const mid = w[b + 2];
      if ((top === 0 && mid === 0) || (top === -1 && mid === 0xffffffff)) {
        // Fits in 64 bits: low word + signed high word, exact below 2^53.
        const high = top === 0 ? w[b + 1] : w[b + 1] - 4_294_967_296;
        out[i] = (w[b] + high * 4_294_967_296) / divisor;
      } else {
        out[i] = (w[b] + w[b + 1] * 4_294_967_296 + mid * 18_446_744_073_709_551_616 + top * 79_228_162_514_264_337_593_543_950_336) / divisor;
      }
    }
    return out;
  }
  throw SqlError.unsupportedFeature(`a floating-point aggregate over ${String(data.type)}`);
}
