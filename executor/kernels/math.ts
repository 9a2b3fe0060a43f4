import * as arrow from 'apache-arrow';
import { SqlError } from '../../common/sql-error.js';
import { validityBytes } from '../../common/arrow/bitmap.js';
import { decimalAt, fitsPrecision, formatDecimal, parseDecimal, pow10, writeDecimal } from '../values/decimal.js';
import { integerName } from './arith.js';
import { threeWay } from './compare.js';
import { allValid, fixedData, numbers } from './rows.js';
import { interleave } from './select.js';

/**
 * Math functions. Floats go through `Math.*` over Float64Arrays; decimals are exact (bigint per
 * row on the unscaled value); integers keep their type where PostgreSQL does. Domain errors use
 * PostgreSQL's SQLSTATEs: `2201E` for logarithms, `2201F` for sqrt/power, `22012` for division.
 */

const F64 = new arrow.Float64();

/** Rounding modes: Spark's HALF_UP (away from zero; PostgreSQL numeric `round`), HALF_EVEN (`bround`), and the directed ones. */
export type RoundMode = 'half_up' | 'half_even' | 'floor' | 'ceil' | 'trunc';

/** Rounds an unscaled decimal by dropping `drop` digits (drop > 0), per `mode`; the result keeps the lower scale. */
function roundBig(v: bigint, drop: number, mode: RoundMode): bigint {
  if (drop <= 0) return v * pow10(-drop);
  const d = pow10(drop);
  let q = v / d;
  const r = v % d;
  if (r === 0n) return q;
  const negative = v < 0n;
  switch (mode) {
    case 'trunc': return q;
    case 'floor': return negative ? q - 1n : q;
    case 'ceil': return negative ? q : q + 1n;
    case 'half_up': {
      const twice = (negative ? -r : r) * 2n;
      if (twice >= d) q += negative ? -1n : 1n;
      return q;
    }
    case 'half_even': {
      const twice = (negative ? -r : r) * 2n;
      if (twice > d || (twice === d && q % 2n !== 0n)) q += negative ? -1n : 1n;
      return q;
    }
  }
}

function roundNumber(x: number, mode: RoundMode): number {
  switch (mode) {
    case 'trunc': return Math.trunc(x);
    case 'floor': return Math.floor(x);
    case 'ceil': return Math.ceil(x);
    case 'half_up': return x < 0 ? -Math.round(-x) : Math.round(x);
    case 'half_even': {
      const r = Math.round(x);
      return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
    }
  }
}

/**
 * `round/bround/trunc/floor/ceil(x [, digits])`, output of type `type` (the binder picks it:
 * decimal(p', digits) for decimals, the input type for integers and floats). For floats the
 * value is scaled by 10^digits, rounded, and scaled back (Spark uses BigDecimal there; the
 * result differs only where the float's decimal text is not exact).
 */
export function roundKernel(args: readonly arrow.Data[], mode: RoundMode, type: arrow.DataType): arrow.Data {
  const [x, dData] = args;
  const length = x.length;
  const valid = allValid(args);
  const digits = dData === undefined ? undefined : numbers(dData);
  switch (x.typeId) {
    case arrow.Type.Decimal: {
      const inScale = (x.type as arrow.Decimal).scale;
      const outType = type as arrow.Decimal;
      const a = x.values as Uint32Array;
      const out = new Uint32Array(length * 4);
      for (let i = 0; i < length; i++) {
        if (valid !== null && valid[i] === 0) continue;
        const d = digits === undefined ? 0 : digits[i];
        // Round at `d` digits, then express at the output scale (padding zeros back).
        const rounded = roundBig(decimalAt(a, i), inScale - d, mode);
        const v = d > outType.scale ? rounded / pow10(d - outType.scale) : rounded * pow10(outType.scale - d);
        if (!fitsPrecision(v, outType.precision)) throw SqlError.numericOverflow('numeric value');
        writeDecimal(out, i, v);
      }
      return fixedData(type, out, valid, length);
    }
    case arrow.Type.Int: {
      const bits = (x.type as arrow.Int).bitWidth;
      if (bits === 64) {
        const a = x.values as BigInt64Array;
        const out = new BigInt64Array(length);
        for (let i = 0; i < length; i++) {
          if (valid !== null && valid[i] === 0) continue;
          const d = digits === undefined ? 0 : digits[i];
          const r = d >= 0 ? a[i] : roundBig(a[i], -d, mode) * pow10(-d);
          if (r !== BigInt.asIntN(64, r)) throw SqlError.numericOverflow('bigint');
          out[i] = r;
        }
        return fixedData(type, out, valid, length);
      }
      const a = x.values as Int32Array;
      const out = new ((x.type as arrow.Int).ArrayType as unknown as new (n: number) => Int32Array)(length);
      const max = 2 ** (bits - 1);
      for (let i = 0; i < length; i++) {
        if (valid !== null && valid[i] === 0) continue;
        const d = digits === undefined ? 0 : digits[i];
        const r = d >= 0 ? a[i] : Number(roundBig(BigInt(a[i]), -d, mode)) * 10 ** -d;
        if (r < -max || r >= max) throw SqlError.numericOverflow(integerName(bits));
        out[i] = r;
      }
      return fixedData(type, out, valid, length);
    }
    case arrow.Type.Float: {
      const a = x.values as Float64Array;
      const out = new Float64Array(length);
      for (let i = 0; i < length; i++) {
        const d = digits === undefined ? 0 : digits[i];
        const v = a[i];
        if (!Number.isFinite(v)) { out[i] = v; continue; }
        if (d === 0) { out[i] = roundNumber(v, mode); continue; }
        // Via the shortest decimal text, as Scala's BigDecimal(double) in Spark's round does.
        const scale = decimalPlaces(v);
        if (scale <= d) { out[i] = v; continue; }
        const unscaled = parseDecimal(String(v), scale) as bigint;
        out[i] = Number(formatDecimal(roundBig(unscaled, scale - d, mode) * (d < 0 ? pow10(-d) : 1n), Math.max(d, 0)));
      }
      return fixedData(type.typeId === arrow.Type.Float ? type : F64, type.typeId === arrow.Type.Float && (type as arrow.Float).precision === arrow.Precision.SINGLE ? Float32Array.from(out) : out, valid, length);
    }
    default:
      throw SqlError.unsupportedFeature(`rounding of ${String(x.type)}`);
  }
}

/** Digits after the point in a float's shortest text (`1.25` → 2, `1e-7` → 7). */
function decimalPlaces(v: number): number {
  const s = String(Math.abs(v));
  const e = s.indexOf('e');
  if (e < 0) {
    const dot = s.indexOf('.');
    return dot < 0 ? 0 : s.length - dot - 1;
  }
  const mantissa = s.slice(0, e);
  const exp = Number(s.slice(e + 1));
  const dot = mantissa.indexOf('.');
  return Math.max(0, (dot < 0 ? 0 : mantissa.length - dot - 1) - exp);
}

// ── float functions ──

type FloatFn = 'sqrt' | 'cbrt' | 'exp' | 'ln' | 'log10' | 'log2' | 'sin' | 'cos' | 'tan' | 'asin' | 'acos' | 'atan' | 'degrees' | 'radians' | 'sign' | 'sinh' | 'cosh' | 'tanh';

/** One-argument float64 functions, with PostgreSQL's domain errors. */
export function floatUnary(args: readonly arrow.Data[], fn: FloatFn): arrow.Data {
  const x = args[0];
  const length = x.length;
  const valid = validityBytes(x);
  const a = x.values as Float64Array;
  const out = new Float64Array(length);
  const check = (i: number) => valid === null || valid[i] === 1;
  switch (fn) {
    case 'sqrt':
      for (let i = 0; i < length; i++) {
        if (a[i] < 0 && check(i)) throw new SqlError('2201F', 'cannot take square root of a negative number');
        out[i] = Math.sqrt(a[i]);
      }
      break;
    case 'ln': case 'log10': case 'log2': {
      const f = fn === 'ln' ? Math.log : fn === 'log10' ? Math.log10 : Math.log2;
      for (let i = 0; i < length; i++) {
        if (a[i] <= 0 && check(i)) throw new SqlError('2201E', a[i] === 0 ? 'cannot take logarithm of zero' : 'cannot take logarithm of a negative number');
        out[i] = f(a[i]);
      }
      break;
    }
    case 'asin': case 'acos':
      for (let i = 0; i < length; i++) {
        if ((a[i] < -1 || a[i] > 1) && check(i)) throw new SqlError('22003', 'input is out of range');
        out[i] = fn === 'asin' ? Math.asin(a[i]) : Math.acos(a[i]);
      }
      break;
    case 'exp':
      for (let i = 0; i < length; i++) {
        out[i] = Math.exp(a[i]);
        if (out[i] === Infinity && Number.isFinite(a[i]) && check(i)) throw new SqlError('22003', 'value out of range: overflow');
      }
      break;
    case 'degrees': for (let i = 0; i < length; i++) out[i] = (a[i] * 180) / Math.PI; break;
    case 'radians': for (let i = 0; i < length; i++) out[i] = (a[i] * Math.PI) / 180; break;
    case 'sign': for (let i = 0; i < length; i++) out[i] = Number.isNaN(a[i]) ? NaN : Math.sign(a[i]) + 0; break;
    default: {
      const f = Math[fn] as (v: number) => number;
      for (let i = 0; i < length; i++) out[i] = f(a[i]);
    }
  }
  return fixedData(F64, out, valid, length);
}

/** `power(x, y)` / `pow`: PostgreSQL's errors for 0^negative and negative^fractional. */
export function power(args: readonly arrow.Data[]): arrow.Data {
  const [x, y] = args;
  const length = x.length;
  const valid = allValid(args);
  const a = x.values as Float64Array;
  const b = y.values as Float64Array;
  const out = new Float64Array(length);
  for (let i = 0; i < length; i++) {
    if (valid !== null && valid[i] === 0) continue;
    if (a[i] === 0 && b[i] < 0) throw new SqlError('2201F', 'zero raised to a negative power is undefined');
    if (a[i] < 0 && !Number.isInteger(b[i]) && Number.isFinite(b[i])) throw new SqlError('2201F', 'a negative number raised to a non-integer power yields a complex result');
    out[i] = a[i] ** b[i];
  }
  return fixedData(F64, out, valid, length);
}

/** `log(base, x)` (both dialects). */
export function logBase(args: readonly arrow.Data[]): arrow.Data {
  const [b, x] = args;
  const length = x.length;
  const valid = allValid(args);
  const bs = b.values as Float64Array;
  const xs = x.values as Float64Array;
  const out = new Float64Array(length);
  for (let i = 0; i < length; i++) {
    if (valid !== null && valid[i] === 0) continue;
    if (bs[i] <= 0 || xs[i] <= 0) throw new SqlError('2201E', bs[i] === 0 || xs[i] === 0 ? 'cannot take logarithm of zero' : 'cannot take logarithm of a negative number');
    if (bs[i] === 1) throw SqlError.divisionByZero();
    out[i] = Math.log(xs[i]) / Math.log(bs[i]);
  }
  return fixedData(F64, out, valid, length);
}

export function atan2(args: readonly arrow.Data[]): arrow.Data {
  const [y, x] = args;
  const a = y.values as Float64Array;
  const b = x.values as Float64Array;
  const out = new Float64Array(y.length);
  for (let i = 0; i < out.length; i++) out[i] = Math.atan2(a[i], b[i]);
  return fixedData(F64, out, allValid(args), y.length);
}

/** `sign(x)` for integers and decimals: -1, 0 or 1 in the input's type (PostgreSQL). */
export function signExact(args: readonly arrow.Data[]): arrow.Data {
  const x = args[0];
  const length = x.length;
  const valid = validityBytes(x);
  if (x.typeId === arrow.Type.Decimal) {
    const a = x.values as Uint32Array;
    const scale = pow10((x.type as arrow.Decimal).scale);
    const out = new Uint32Array(length * 4);
    for (let i = 0; i < length; i++) {
      const v = decimalAt(a, i);
      writeDecimal(out, i, v > 0n ? scale : v < 0n ? -scale : 0n);
    }
    return fixedData(x.type, out, valid, length);
  }
  const a = x.values as Int32Array | BigInt64Array;
  if (a instanceof BigInt64Array) {
    const out = new BigInt64Array(length);
    for (let i = 0; i < length; i++) out[i] = a[i] > 0n ? 1n : a[i] < 0n ? -1n : 0n;
    return fixedData(x.type, out, valid, length);
  }
  const out = new ((x.type as arrow.Int).ArrayType as unknown as new (n: number) => Int32Array)(length);
  for (let i = 0; i < length; i++) out[i] = Math.sign(a[i]);
  return fixedData(x.type, out, valid, length);
}

/** `div(a, b)`: integer quotient truncated toward zero, as bigint (Spark's `div`; PostgreSQL's for integers). */
export function intDiv(args: readonly arrow.Data[]): arrow.Data {
  const [x, y] = args;
  const length = x.length;
  const valid = allValid(args);
  const out = new BigInt64Array(length);
  const a = x.values as BigInt64Array;
  const b = y.values as BigInt64Array;
  for (let i = 0; i < length; i++) {
    if (valid !== null && valid[i] === 0) continue;
    if (b[i] === 0n) throw SqlError.divisionByZero();
    const q = a[i] / b[i];
    if (q !== BigInt.asIntN(64, q)) throw SqlError.numericOverflow('bigint');
    out[i] = q;
  }
  return fixedData(new arrow.Int64(), out, valid, length);
}

/** `greatest(…)` / `least(…)`: NULLs are skipped (PostgreSQL); NULL only when every argument is. */
export function extreme(args: readonly arrow.Data[], greatest: boolean): arrow.Data {
  let current = args[0];
  for (let k = 1; k < args.length; k++) {
    const next = args[k];
    const order = threeWay(next, current);
    const vn = validityBytes(next);
    const vc = validityBytes(current);
    const choice = new Int32Array(current.length);
    for (let i = 0; i < choice.length; i++) {
      const nextValid = vn === null || vn[i] === 1;
      const curValid = vc === null || vc[i] === 1;
      const better = greatest ? order[i] > 0 : order[i] < 0;
      choice[i] = !nextValid ? (curValid ? 0 : -1) : !curValid || better ? 1 : 0;
    }
    current = interleave([current, next], choice);
  }
  return current;
}

/** `pi()` and `random()` (uniform in [0, 1); no seed), one value per row of the batch. */
export function constantFloat(length: number, value: 'pi' | 'random'): arrow.Data {
  const out = new Float64Array(length);
  if (value === 'pi') out.fill(Math.PI);
  else for (let i = 0; i < length; i++) out[i] = Math.random();
  return fixedData(F64, out, null, length);
}

/**
 * `width_bucket(x, low, high, count)`: the bucket (1…count) of x in `count` equal-width buckets
 * of [low, high), 0 below and count+1 above; `2201G` for count ≤ 0 or low = high (PostgreSQL).
 */
export function widthBucket(args: readonly arrow.Data[]): arrow.Data {
  const [x, lo, hi, n] = args.map((a) => numbers(a));
  const length = args[0].length;
  const valid = allValid(args);
  const out = new Int32Array(length);
  for (let i = 0; i < length; i++) {
    if (valid !== null && valid[i] === 0) continue;
    if (n[i] <= 0) throw new SqlError('2201G', 'count must be greater than zero');
    if (lo[i] === hi[i]) throw new SqlError('2201G', 'lower bound cannot equal upper bound');
    const reversed = lo[i] > hi[i];
    const v = x[i];
    if (!reversed) out[i] = v < lo[i] ? 0 : v >= hi[i] ? n[i] + 1 : Math.floor(((v - lo[i]) / (hi[i] - lo[i])) * n[i]) + 1;
    else out[i] = v > lo[i] ? 0 : v <= hi[i] ? n[i] + 1 : Math.floor(((lo[i] - v) / (lo[i] - hi[i])) * n[i]) + 1;
  }
  return fixedData(new arrow.Int32(), out, valid, length);
}
