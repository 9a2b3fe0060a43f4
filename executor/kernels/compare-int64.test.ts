import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { threeWay } from './compare.js';

describe('threeWay over 64-bit integers', () => {
  it('orders like BigInt comparison across signs, word boundaries and extremes', () => {
    const values = [0n, 1n, -1n, 2n ** 32n, 2n ** 32n - 1n, -(2n ** 32n), 2n ** 63n - 1n, -(2n ** 63n), 4294967296n * 5n + 7n, -7n];
    const a: bigint[] = [];
    const b: bigint[] = [];
    for (const x of values) for (const y of values) { a.push(x); b.push(y); }
    const data = (v: bigint[]) => arrow.makeData({ type: new arrow.Int64(), length: v.length, nullCount: 0, data: BigInt64Array.from(v) });
    const got = Array.from(threeWay(data(a), data(b)));
    expect(got).toEqual(a.map((x, i) => (x < b[i]! ? -1 : x > b[i]! ? 1 : 0)));
  });

  it('reads sliced columns at their offset', () => {
    const full = arrow.makeData({ type: new arrow.Int64(), length: 4, nullCount: 0, data: BigInt64Array.of(9n, -3n, 5n, 2n ** 40n) });
    const other = arrow.makeData({ type: new arrow.Int64(), length: 3, nullCount: 0, data: BigInt64Array.of(-3n, 6n, 2n ** 40n) });
    expect(Array.from(threeWay(full.slice(1, 3), other))).toEqual([0, -1, 0]);
  });
});
