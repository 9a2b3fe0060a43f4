import * as arrow from 'apache-arrow';
import { validityBytes, validityProps } from '../../common/arrow/bitmap.js';
import { SqlError } from '../../common/sql-error.js';
import { fitsPrecision, pow10, writeDecimal } from '../values/decimal.js';
import type { Accumulator } from './accumulator.js';
import { ensure } from './growable.js';
import { requireNumericKind, type NumericKind } from './numeric.js';
import { checkInt64, WideSums } from './wide-sum.js';

const TWO_32 = 4_294_967_296;

/**
 * `sum` and `avg` (result types per result-type.ts). Integers and decimals are summed exactly in
 * WideSums lanes (no bigint per row); floats in one float64 per group, in input order (PostgreSQL's
 * naive float8 sum). A group with no non-NULL input gives NULL.
 *
 * - sum(int2/int4) → int8 (22003 past int8), sum(int8) → decimal(38,0), sum(decimal(p,s)) →
 *   decimal(38,s) (22003 past 38 digits);
 * - avg(int*) → float8 from the exact sum; avg(float) → float8; avg(decimal(p,s)) →
 *   decimal(p+4, s+4) capped at 38, rounded half away from zero (PostgreSQL's numeric rounding).
 */
export class SumAvgAccumulator implements Accumulator {
  private readonly kind: NumericKind;
  private readonly wide: WideSums | undefined;
  private floats = new Float64Array(0);
  private counts = new Float64Array(0);

  constructor(private readonly name: 'sum' | 'avg', private readonly argType: arrow.DataType, private readonly type: arrow.DataType) {
    this.kind = requireNumericKind(name, argType);
    this.wide = this.kind === 'float' ? undefined : new WideSums(this.kind === 'int32' ? 1 : this.kind === 'int64' ? 2 : 4);
  }

  update(groupIds: Int32Array, args: readonly arrow.Data[], groups: number): void {
    const data = args[0];
    this.counts = ensure(this.counts, groups);
    const n = groupIds.length;
    // WideSums needs a carry pass at least every 2^20 rows: fold huge batches in slices.
    for (let start = 0; start < n; start += WideSums.MAX_ROWS) {
      const end = Math.min(n, start + WideSums.MAX_ROWS);
      this.fold(groupIds, data, validityBytes(data), start, end, groups);
    }
  }

  private fold(ids: Int32Array, data: arrow.Data, valid: Uint8Array | null, start: number, end: number, groups: number): void {
    const counts = this.counts;
    if (this.kind === 'float') {
      const sums = (this.floats = ensure(this.floats, groups));
      const v = data.values as Float64Array;
      if (valid === null) {
        for (let i = start; i < end; i++) {
          const g = ids[i];
          sums[g] += v[i];
          counts[g]++;
        }
      } else {
        for (let i = start; i < end; i++) {
          if (valid[i] === 0) continue;
          const g = ids[i];
          sums[g] += v[i];
          counts[g]++;
        }
      }
      return;
    }
    const wide = this.wide as WideSums;
    const lanes = wide.reserve(groups, end - start);
    if (this.kind === 'int32') {
      const v = data.values as Int32Array;
      if (valid === null) {
        for (let i = start; i < end; i++) {
          const g = ids[i];
          lanes[g * 2] += v[i];
          counts[g]++;
        }
      } else {
        for (let i = start; i < end; i++) {
          if (valid[i] === 0) continue;
          const g = ids[i];
          lanes[g * 2] += v[i];
          counts[g]++;
        }
      }
      return;
    }
    const raw = data.values as Uint32Array | BigInt64Array;
    const perRow = this.kind === 'int64' ? 2 : 4;
    const u = new Uint32Array(raw.buffer, raw.byteOffset, data.length * perRow);
    // The top word of each value is signed (two's complement), except for unsigned int64.
    const top = this.kind === 'int64' && !(this.argType as arrow.Int).isSigned ? u : new Int32Array(raw.buffer, raw.byteOffset, data.length * perRow);
    if (perRow === 2) {
      for (let i = start; i < end; i++) {
        if (valid !== null && valid[i] === 0) continue;
        const g = ids[i] * 3;
        lanes[g] += u[2 * i];
        lanes[g + 1] += top[2 * i + 1];
        counts[ids[i]]++;
      }
      return;
    }
    for (let i = start; i < end; i++) {
      if (valid !== null && valid[i] === 0) continue;
      const g = ids[i] * 5;
      const b = 4 * i;
      lanes[g] += u[b];
      lanes[g + 1] += u[b + 1];
      lanes[g + 2] += u[b + 2];
      lanes[g + 3] += top[b + 3];
      counts[ids[i]]++;
    }
  }

  finish(groups: number): arrow.Data {
    this.counts = ensure(this.counts, groups);
    const counts = this.counts;
    const valid = new Uint8Array(groups);
    for (let g = 0; g < groups; g++) valid[g] = counts[g] > 0 ? 1 : 0;
    const validity = validityProps(valid);
    const type = this.type;
    const wide = this.wide;
    if (wide !== undefined) wide.reserve(groups, 0);
    if (this.kind === 'float') {
      this.floats = ensure(this.floats, groups);
      const out = new Float64Array(groups);
      for (let g = 0; g < groups; g++) if (valid[g]) out[g] = this.name === 'sum' ? this.floats[g] : this.floats[g] / counts[g];
      return arrow.makeData({ type, length: groups, ...validity, data: out } as never);
    }
    if (wide === undefined) throw SqlError.internal('integer sum without lanes');
    if (this.name === 'avg' && arrow.DataType.isFloat(type)) {
      const out = new Float64Array(groups);
      for (let g = 0; g < groups; g++) if (valid[g]) out[g] = wide.toNumber(g) / counts[g];
      return arrow.makeData({ type, length: groups, ...validity, data: out } as never);
    }
    if (arrow.DataType.isInt(type)) {
      const out = new BigInt64Array(groups);
      for (let g = 0; g < groups; g++) {
        if (!valid[g]) continue;
        const safe = wide.safeNumber(g);
        out[g] = safe !== undefined ? BigInt(safe) : checkInt64(wide.bigint(g));
      }
      return arrow.makeData({ type, length: groups, ...validity, data: out } as never);
    }
    // Decimal results: sum(int8) and sum(decimal) at the input's scale; avg(decimal) rescaled and divided.
    const result = type as arrow.Decimal;
    const words = new Uint32Array(groups * 4);
    const inputScale = arrow.DataType.isDecimal(this.argType) ? (this.argType as arrow.Decimal).scale : 0;
    for (let g = 0; g < groups; g++) {
      if (!valid[g]) continue;
      if (this.name === 'sum') {
        const safe = wide.safeNumber(g);
        if (safe !== undefined) {
          writeSafeInteger(words, g, safe);
          continue;
        }
        const exact = wide.bigint(g);
        if (!fitsPrecision(exact, result.precision)) throw SqlError.numericOverflow(`numeric field with precision ${result.precision}`);
        writeDecimal(words, g, exact);
        continue;
      }
      const value = divideRounded(wide.bigint(g) * pow10(result.scale - inputScale), BigInt(counts[g]));
      if (!fitsPrecision(value, result.precision)) throw SqlError.numericOverflow(`numeric field with precision ${result.precision}`);
      writeDecimal(words, g, value);
    }
    return arrow.makeData({ type, length: groups, ...validity, data: words } as never);
  }
}

/** Writes a safe integer as a Decimal128 value (two's complement over four words) without bigint. */
export function writeSafeInteger(words: Uint32Array, i: number, v: number): void {
  const high = Math.floor(v / TWO_32);
  const b = i * 4;
  words[b] = (v - high * TWO_32) >>> 0;
  words[b + 1] = high >>> 0;
  const sign = high < 0 ? 0xffffffff : 0;
  words[b + 2] = sign;
  words[b + 3] = sign;
}

/** `a / b` rounded half away from zero (b > 0). */
export function divideRounded(a: bigint, b: bigint): bigint {
  const q = a / b;
  const r = a % b;
  const twice = (r < 0n ? -r : r) * 2n;
  if (twice >= b) return a < 0n ? q - 1n : q + 1n;
  return q;
}
