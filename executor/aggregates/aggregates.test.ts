import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { dataFromValues, valuesOf, type ScalarValue } from '../arrow/scalar.js';
import { formatDecimal } from '../values/decimal.js';
import { INTERVAL, intervalAt, intervalData, intervalParts } from '../kernels/interval.js';
import type { Accumulator } from './accumulator.js';
import { ApproxCountDistinctAccumulator, estimate } from './approx-count-distinct.js';
import { CollectAccumulator } from './collect.js';
import { nullData } from '../../common/arrow/null-data.js';
import { FirstLastAccumulator } from './first-last.js';
import { MinMaxAccumulator } from './min-max.js';
import { SumAvgAccumulator } from './sum-avg.js';
import { WideSums } from './wide-sum.js';

/** Feeds (group, value) rows to an accumulator in batches of `size` and returns its result values. */
function run(acc: Accumulator, type: arrow.DataType, groups: number[], values: ScalarValue[], size = 3): ScalarValue[] {
  const groupCount = Math.max(0, ...groups.map((g) => g + 1));
  for (let start = 0; start < values.length; start += size) {
    const ids = Int32Array.from(groups.slice(start, start + size));
    acc.update(ids, [dataFromValues(type, values.slice(start, start + size))], groupCount);
  }
  return valuesOf(acc.finish(groupCount));
}

describe('WideSums', () => {
  it('keeps exact sums of signed 64-bit words through carry passes', () => {
    const sums = new WideSums(2);
    const lanes = sums.reserve(1, 4);
    // -1 (0xffffffff_ffffffff) four times: low lane gains 4·(2^32 − 1), high lane −4.
    for (let k = 0; k < 4; k++) {
      lanes[0] += 0xffffffff;
      lanes[1] += -1;
    }
    expect(sums.bigint(0)).toBe(-4n);
    expect(sums.safeNumber(0)).toBe(-4);
    sums.reserve(1, WideSums.MAX_ROWS); // forces a carry pass
    expect(sums.bigint(0)).toBe(-4n);
    expect(sums.toNumber(0)).toBe(-4);
  });
});

describe('sum / avg', () => {
  it('avg(decimal) rounds half away from zero at scale + 4 (PostgreSQL 15: avg(1,2,2) = 1.6666666666666667)', () => {
    const t = new arrow.Decimal(0, 10, 128);
    const out = run(new SumAvgAccumulator('avg', t, new arrow.Decimal(4, 14, 128)), t, [0, 0, 0, 1, 1, 1, 2, 2], [1n, 2n, 2n, -1n, -2n, -2n, 1n, 2n]);
    expect(out.map((v) => formatDecimal(v as bigint, 4))).toEqual(['1.6667', '-1.6667', '1.5000']);
  });

  it('sum(int2) and avg(float4) with NULL-only groups', () => {
    expect(run(new SumAvgAccumulator('sum', new arrow.Int16(), new arrow.Int64()), new arrow.Int16(), [0, 1, 0, 1], [32767, null, 32767, null])).toEqual([65534n, null]);
    expect(run(new SumAvgAccumulator('avg', new arrow.Float32(), new arrow.Float64()), new arrow.Float32(), [0, 0, 1], [0.5, 0.25, null])).toEqual([0.375, null]);
  });
});

describe('min / max', () => {
  it('int64 across the sign and full range (high word signed, low unsigned)', () => {
    const values = [-1n, 1n, -9_223_372_036_854_775_808n, 9_223_372_036_854_775_807n, 0n, 4_294_967_296n, 4_294_967_295n];
    const groups = [0, 0, 0, 0, 1, 1, 1];
    expect(run(new MinMaxAccumulator('min', new arrow.Int64()), new arrow.Int64(), groups, values)).toEqual([-9_223_372_036_854_775_808n, 0n]);
    expect(run(new MinMaxAccumulator('max', new arrow.Int64()), new arrow.Int64(), groups, values)).toEqual([9_223_372_036_854_775_807n, 4_294_967_296n]);
  });

  it('decimals, timestamps before 1970, floats with NaN (largest) and infinities', () => {
    const dec = new arrow.Decimal(2, 38, 128);
    const big = 10n ** 30n;
    expect(run(new MinMaxAccumulator('min', dec), dec, [0, 0, 0], [big, -big, 5n])).toEqual([-big]);
    expect(run(new MinMaxAccumulator('max', dec), dec, [0, 0, 0], [big, -big, 5n])).toEqual([big]);
    const ts = new arrow.TimestampMicrosecond();
    expect(run(new MinMaxAccumulator('min', ts), ts, [0, 0], [-1_000_000n, 5n])).toEqual([-1_000_000n]);
    const f = new arrow.Float64();
    // PostgreSQL 15: SELECT min(x), max(x) FROM (VALUES ('NaN'::float8), ('-Infinity'), (1)) v(x) → -Infinity | NaN
    expect(run(new MinMaxAccumulator('min', f), f, [0, 0, 0], [NaN, -Infinity, 1])).toEqual([-Infinity]);
    expect(run(new MinMaxAccumulator('max', f), f, [0, 0, 0], [NaN, -Infinity, 1])).toEqual([NaN]);
    expect(run(new MinMaxAccumulator('min', f), f, [0], [NaN])).toEqual([NaN]);
  });

  it('intervals by span, a month as 30 days (PostgreSQL 15: max of 1 mon, 29 days, 1 day 1 hour, -2 years, 30 days 0.000001 sec is the last, min -2 years)', () => {
    const out = (name: 'min' | 'max') => {
      const acc = new MinMaxAccumulator(name, INTERVAL);
      acc.update(new Int32Array(5), [intervalData([1, 0, 0, -24, 0], [0, 29, 1, 0, 30], [0n, 0n, 3_600_000_000n, 0n, 1n], null)], 1);
      const parts = intervalParts(acc.finish(1));
      return intervalAt(parts, 0);
    };
    expect(out('max')).toEqual({ months: 0, days: 30, micros: 1n });
    expect(out('min')).toEqual({ months: -24, days: 0, micros: 0n });
  });

  it('strings in byte order: "Z" < "a" < "é", empty string smallest', () => {
    const u = new arrow.Utf8();
    expect(run(new MinMaxAccumulator('min', u), u, [0, 0, 0, 0], ['a', 'é', 'Z', ''])).toEqual(['']);
    expect(run(new MinMaxAccumulator('max', u), u, [0, 0, 0, 0], ['a', 'é', 'Z', ''])).toEqual(['é']);
  });

  it('refuses types without an order here (42883)', () => {
    expect(() => new MinMaxAccumulator('min', new arrow.Struct([]))).toThrow(expect.objectContaining({ sqlstate: '42883' }));
  });
});

describe('first / last', () => {
  it('works for nested types (lists) through take', () => {
    const t = new arrow.List(new arrow.Field('element', new arrow.Int32(), true));
    const values: ScalarValue[] = [[1, 2], null, [3], [], [4, null]];
    expect(run(new FirstLastAccumulator(false, false, t), t, [0, 1, 0, 1, 0], values)).toEqual([[1, 2], null]);
    expect(run(new FirstLastAccumulator(true, false, t), t, [0, 1, 0, 1, 0], values)).toEqual([[4, null], []]);
    expect(run(new FirstLastAccumulator(false, true, t), t, [1, 1], [null, [7]])).toEqual([null, [7]]);
  });
});

describe('collecting aggregates', () => {
  it('collect_list skips NULLs, gives [] for a group without input, keeps nested values', () => {
    const t = new arrow.Int32();
    const type = new arrow.List(new arrow.Field('element', t, true));
    expect(run(new CollectAccumulator('collect_list', type, t, [], []), t, [0, 1, 0, 2, 0], [3, null, 1, 7, null])).toEqual([[3, 1], [], [7]]);
  });

  it('percentile_disc follows PostgreSQL: the ⌈f·n⌉-th value, the first for f = 0', () => {
    const t = new arrow.Int32();
    // PostgreSQL 15: percentile_disc(f) WITHIN GROUP (ORDER BY x) over 10, 20, 30, 40
    const at = (f: number) => run(new CollectAccumulator('percentile_disc', t, t, [f], []), t, [0, 0, 0, 0], [40, 10, 30, 20])[0];
    expect([at(0), at(0.25), at(0.26), at(0.5), at(0.75), at(1)]).toEqual([10, 10, 20, 20, 30, 40]);
  });

  it('percentile_cont over decimals interpolates in float8 (PostgreSQL: 0.3 → 1.9)', () => {
    const t = new arrow.Decimal(1, 5, 128);
    // values 1.0, 2.0, 3.0, 4.0: position 0.3·3 = 0.9 → 1.0 + 0.9·1.0
    expect(run(new CollectAccumulator('percentile_cont', new arrow.Float64(), t, [0.3], []), t, [0, 0, 0, 0], [40n, 10n, 30n, 20n])).toEqual([1.9]);
  });

  it('a percentile outside [0, 1] is 22003', () => {
    expect(() => new CollectAccumulator('percentile_cont', new arrow.Float64(), new arrow.Float64(), [1.5], [])).toThrow(expect.objectContaining({ sqlstate: '22003' }));
  });

  it('string_agg with a NULL separator concatenates (PostgreSQL)', () => {
    const u = new arrow.Utf8();
    expect(run(new CollectAccumulator('string_agg', u, u, [null], []), u, [0, 0, 0], ['a', null, 'b'])).toEqual(['ab']);
  });
});

describe('approx_count_distinct', () => {
  it('estimates 0 for empty registers and is exact while a group is sparse', () => {
    expect(estimate(new Uint8Array(16_384))).toBe(0);
    const u = new arrow.Utf8();
    const values = Array.from({ length: 300 }, (_, i) => (i % 3 === 0 ? null : `v${i % 200}`));
    const groups = values.map((_, i) => i % 2);
    const out = run(new ApproxCountDistinctAccumulator(u), u, groups, values, 64);
    const exact = [0, 1].map((g) => new Set(values.filter((v, i) => v !== null && groups[i] === g)).size);
    expect(out).toEqual(exact.map(BigInt));
  });

  it('switches to registers past 256 values and stays within 3% (−0 and 0 count once)', () => {
    const f = new arrow.Float64();
    const values: ScalarValue[] = Array.from({ length: 30_000 }, (_, i) => (i % 10_000) * 1.5);
    values.push(-0, 0);
    const out = run(new ApproxCountDistinctAccumulator(f), f, values.map(() => 0), values, 4096);
    expect(Math.abs(Number(out[0]) - 10_000) / 10_000).toBeLessThan(0.03);
  });
});

describe('nullData', () => {
  it('builds NULLs of flat and nested types', () => {
    expect(valuesOf(nullData(new arrow.Utf8(), 3))).toEqual([null, null, null]);
    expect(valuesOf(nullData(new arrow.Decimal(2, 10, 128), 2))).toEqual([null, null]);
    expect(valuesOf(nullData(new arrow.List(new arrow.Field('element', new arrow.Int32(), true)), 2))).toEqual([null, null]);
  });
});
