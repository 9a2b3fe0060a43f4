import * as arrow from 'apache-arrow';
import { SqlError } from '../../common/sql-error.js';
import { andValidity, validityBytes, validityProps } from '../../common/arrow/bitmap.js';
import { decimalAt, fitsPrecision, writeDecimal } from '../values/decimal.js';

export type ArithOp = '+' | '-' | '*' | '/' | '%';

/** PostgreSQL's name for an integer width, as its "out of range" errors say it. */
export function integerName(bitWidth: number): string {
  return bitWidth === 64 ? 'bigint' : bitWidth === 16 || bitWidth === 8 ? 'smallint' : 'integer';
}

/**
 * `left op right` for numeric Data. Integer and float inputs have the result's type already
 * (the planner casts them); decimal `+`/`-` inputs share the result's scale, and decimal `*`
 * takes inputs of any scales whose sum is the result's scale.
 *
 * Integers: overflow is `22003` ("integer out of range"), `/` truncates toward zero, `%` takes
 * the dividend's sign (PostgreSQL). Any `/` or `%` by zero is `22012`, floats included, as in
 * PostgreSQL. Errors are raised only for rows where both inputs are non-null.
 */
export function arith(op: ArithOp, left: arrow.Data, right: arrow.Data, type: arrow.DataType): arrow.Data {
  const length = left.length;
  const valid = andValidity(validityBytes(left), validityBytes(right));
  switch (type.typeId) {
    case arrow.Type.Int: {
      const bitWidth = (type as arrow.Int).bitWidth;
      if (bitWidth === 64) return makeFixed(type, arithBigInt(op, left.values as BigInt64Array, right.values as BigInt64Array, valid, length), valid);
      const Ctor = (type as arrow.Int).ArrayType as unknown as new (n: number) => Int32Array;
      const out = new Ctor(length);
      const min = -(2 ** (bitWidth - 1));
      const max = 2 ** (bitWidth - 1) - 1;
      const a = left.values as Int32Array;
      const b = right.values as Int32Array;
      const checkZero = op === '/' || op === '%';
      for (let i = 0; i < length; i++) {
        if (valid !== null && valid[i] === 0) continue;
        if (checkZero && b[i] === 0) throw SqlError.divisionByZero();
        // Exact in float64 except for products beyond 2^53, which are out of range anyway.
        const r = computeInt(op, a[i], b[i]);
        if (r < min || r > max) throw SqlError.numericOverflow(integerName(bitWidth));
        out[i] = r;
      }
      return makeFixed(type, out, valid);
    }
    case arrow.Type.Float: {
      const Ctor = (type as arrow.Float).ArrayType as unknown as new (n: number) => Float64Array;
      const out = new Ctor(length);
      arithNumber(op, left.values as Float64Array, right.values as Float64Array, out, valid, length, false);
      return makeFixed(type, out, valid);
    }
    case arrow.Type.Decimal:
      return makeFixed(type, arithDecimal(op, left, right, type as arrow.Decimal, valid), valid);
    default:
      throw SqlError.unsupportedFeature(`arithmetic on ${String(type)}`);
  }
}

function computeInt(op: ArithOp, a: number, b: number): number {
  switch (op) {
    case '+': return a + b;
    case '-': return a - b;
    case '*': return a * b;
    case '/': return Math.trunc(a / b);
    case '%': return a % b;
  }
}

function arithNumber(op: ArithOp, a: ArrayLike<number>, b: ArrayLike<number>, out: { [i: number]: number }, valid: Uint8Array | null, length: number, integer: boolean): void {
  switch (op) {
    case '+': for (let i = 0; i < length; i++) out[i] = a[i] + b[i]; return;
    case '-': for (let i = 0; i < length; i++) out[i] = a[i] - b[i]; return;
    case '*':
      if (integer) for (let i = 0; i < length; i++) out[i] = Math.imul(a[i], b[i]);
      else for (let i = 0; i < length; i++) out[i] = a[i] * b[i];
      return;
    case '/':
    case '%':
      for (let i = 0; i < length; i++) {
        if (b[i] === 0) {
          if (valid === null || valid[i] === 1) throw SqlError.divisionByZero();
          out[i] = 0;
          continue;
        }
        const q = op === '/' ? a[i] / b[i] : a[i] % b[i];
        out[i] = integer ? Math.trunc(q) : q;
      }
      return;
  }
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

function arithBigInt(op: ArithOp, a: BigInt64Array, b: BigInt64Array, valid: Uint8Array | null, length: number): BigInt64Array {
  const out = new BigInt64Array(length);
  for (let i = 0; i < length; i++) {
    if (valid !== null && valid[i] === 0) continue;
    const x = a[i];
    const y = b[i];
    let r: bigint;
    switch (op) {
      case '+': r = x + y; break;
      case '-': r = x - y; break;
      case '*': r = x * y; break;
      case '/':
        if (y === 0n) throw SqlError.divisionByZero();
        r = x / y;
        break;
      case '%':
        if (y === 0n) throw SqlError.divisionByZero();
        r = x % y;
        break;
    }
    if (r < INT64_MIN || r > INT64_MAX) throw SqlError.numericOverflow('bigint');
    out[i] = r;
  }
  return out;
}

/** n / d rounded half away from zero (PostgreSQL's and Spark's numeric rounding); 22012 for d = 0. */
function divideRounded(n: bigint, d: bigint): bigint {
  if (d === 0n) throw SqlError.divisionByZero();
  const q = n / d;
  const r = n % d;
  if (r === 0n) return q;
  const twice = (r < 0n ? -r : r) * 2n;
  if (twice < (d < 0n ? -d : d)) return q;
  return (n < 0n) === (d < 0n) ? q + 1n : q - 1n;
}

function arithDecimal(op: ArithOp, left: arrow.Data, right: arrow.Data, type: arrow.Decimal, valid: Uint8Array | null): Uint32Array {
  const length = left.length;
  const out = new Uint32Array(length * 4);
  const a = left.values as Uint32Array;
  const b = right.values as Uint32Array;
  // `/`: the dividend is scaled so the quotient lands at the result's scale (operands keep theirs).
  const divScale = op === '/' ? 10n ** BigInt(type.scale - (left.type as arrow.Decimal).scale + (right.type as arrow.Decimal).scale) : 1n;
  for (let i = 0; i < length; i++) {
    if (valid !== null && valid[i] === 0) continue;
    const x = decimalAt(a, i);
    const y = decimalAt(b, i);
    let r: bigint;
    switch (op) {
      case '+': r = x + y; break;
      case '-': r = x - y; break;
      case '*': r = x * y; break;
      case '/': r = divideRounded(x * divScale, y); break;
      case '%':
        if (y === 0n) throw SqlError.divisionByZero();
        r = x % y; // both at one scale; the sign follows the dividend, as in PostgreSQL
        break;
      default: throw SqlError.unsupportedFeature(`decimal ${op}`);
    }
    if (!fitsPrecision(r, type.precision)) throw SqlError.numericOverflow('numeric value');
    writeDecimal(out, i, r);
  }
  return out;
}

/** Unary minus. */
export function negate(input: arrow.Data): arrow.Data {
  const length = input.length;
  const valid = validityBytes(input);
  const type = input.type;
  switch (input.typeId) {
    case arrow.Type.Int: {
      const bitWidth = (type as arrow.Int).bitWidth;
      if (bitWidth === 64) {
        const a = input.values as BigInt64Array;
        const out = new BigInt64Array(length);
        for (let i = 0; i < length; i++) {
          if (a[i] === INT64_MIN && (valid === null || valid[i] === 1)) throw SqlError.numericOverflow('bigint');
          out[i] = -a[i];
        }
        return makeFixed(type, out, valid);
      }
      const a = input.values as Int32Array;
      const out = new ((type as arrow.Int).ArrayType as unknown as new (n: number) => Int32Array)(length);
      const min = -(2 ** (bitWidth - 1));
      for (let i = 0; i < length; i++) {
        if (a[i] === min && (valid === null || valid[i] === 1)) throw SqlError.numericOverflow(integerName(bitWidth));
        out[i] = -a[i];
      }
      return makeFixed(type, out, valid);
    }
    case arrow.Type.Float: {
      const a = input.values as Float64Array;
      const out = new ((type as arrow.Float).ArrayType as unknown as new (n: number) => Float64Array)(length);
      for (let i = 0; i < length; i++) out[i] = -a[i];
      return makeFixed(type, out, valid);
    }
    case arrow.Type.Decimal: {
      const a = input.values as Uint32Array;
      const out = new Uint32Array(length * 4);
      for (let i = 0; i < length; i++) if (valid === null || valid[i] === 1) writeDecimal(out, i, -decimalAt(a, i));
      return makeFixed(type, out, valid);
    }
    default:
      throw SqlError.unsupportedFeature(`unary minus on ${String(type)}`);
  }
}

/** abs(): minus where negative (integer minimum overflows, as in PostgreSQL). */
export function absolute(input: arrow.Data): arrow.Data {
  const length = input.length;
  const negated = negateWhereNegative(input);
  return negated ?? makeFixed(input.type, input.values, validityBytes(input), length);
}

function negateWhereNegative(input: arrow.Data): arrow.Data | undefined {
  const valid = validityBytes(input);
  const length = input.length;
  const values = input.values as Int32Array;
  const type = input.type;
  if (input.typeId === arrow.Type.Decimal) {
    const out = new Uint32Array(length * 4);
    for (let i = 0; i < length; i++) {
      if (valid !== null && valid[i] === 0) continue;
      const v = decimalAt(input.values as Uint32Array, i);
      writeDecimal(out, i, v < 0n ? -v : v);
    }
    return makeFixed(type, out, valid);
  }
  if (input.typeId !== arrow.Type.Int && input.typeId !== arrow.Type.Float) throw SqlError.unsupportedFeature(`abs of ${String(type)}`);
  const signs = new Uint8Array(length);
  let any = false;
  for (let i = 0; i < length; i++) {
    if (values[i] < 0 && (valid === null || valid[i] === 1)) {
      signs[i] = 1;
      any = true;
    }
  }
  if (!any && input.typeId === arrow.Type.Int) return undefined;
  const minus = negate(input);
  const out = new ((type as arrow.Int).ArrayType as unknown as new (n: number) => Int32Array)(length);
  const neg = minus.values as Int32Array;
  for (let i = 0; i < length; i++) out[i] = signs[i] === 1 || Object.is(values[i], -0) ? neg[i] : values[i];
  return makeFixed(type, out, valid);
}

function makeFixed(type: arrow.DataType, values: ArrayLike<unknown>, valid: Uint8Array | null, length = (values as ArrayLike<unknown>).length / (type.typeId === arrow.Type.Decimal ? 4 : 1)): arrow.Data {
  return arrow.makeData({ type, length, ...validityProps(valid), data: values } as never);
}
