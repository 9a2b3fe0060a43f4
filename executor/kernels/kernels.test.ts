import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { SqlError } from '../../common/sql-error.js';
import { dataFromValues, valuesOf, type ScalarValue } from '../arrow/scalar.js';
import { arith, negate } from './arith.js';
import { and, isNull, not, or } from './boolean.js';
import { cast } from './cast.js';
import { compare, type CompareOp } from './compare.js';
import { like } from './string.js';
import { sortIndices } from './sort.js';

const col = (type: arrow.DataType, values: ScalarValue[]) => dataFromValues(type, values);
const B = new arrow.Bool();

function sqlError(fn: () => unknown): SqlError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(SqlError);
    return err as SqlError;
  }
  throw new Error('expected a SqlError');
}

describe('three-valued logic', () => {
  // All nine combinations of TRUE / FALSE / NULL, as in PostgreSQL's truth tables.
  const l = col(B, [true, true, true, false, false, false, null, null, null]);
  const r = col(B, [true, false, null, true, false, null, true, false, null]);

  it('AND: FALSE dominates NULL', () => {
    expect(valuesOf(and(l, r))).toEqual([true, false, null, false, false, false, null, false, null]);
  });
  it('OR: TRUE dominates NULL', () => {
    expect(valuesOf(or(l, r))).toEqual([true, true, true, true, false, null, true, null, null]);
  });
  it('NOT NULL is NULL; IS NULL is never NULL', () => {
    expect(valuesOf(not(l))).toEqual([false, false, false, true, true, true, null, null, null]);
    expect(valuesOf(isNull(r, false))).toEqual([false, false, true, false, false, true, false, false, true]);
    expect(valuesOf(isNull(r, true))).toEqual([true, true, false, true, true, false, true, true, false]);
  });
  it('works on sliced inputs', () => {
    expect(valuesOf(and(l.slice(3, 3), r.slice(3, 3)))).toEqual([false, false, false]);
    expect(valuesOf(or(l.slice(6, 3), r.slice(6, 3)))).toEqual([true, null, null]);
  });
});

describe('comparison of every type', () => {
  const OPS: CompareOp[] = ['=', '<>', '<', '<=', '>', '>='];
  /** For (a, b) pairs: the expected [=, <>, <, <=, >, >=] is derived from the sign `order`. */
  const expectAll = (left: arrow.Data, right: arrow.Data, order: (number | null)[]) => {
    for (const op of OPS) {
      const expected = order.map((o) => {
        if (o === null) return null;
        switch (op) {
          case '=': return o === 0;
          case '<>': return o !== 0;
          case '<': return o < 0;
          case '<=': return o <= 0;
          case '>': return o > 0;
          case '>=': return o >= 0;
        }
      });
      expect(valuesOf(compare(op, left, right)), op).toEqual(expected);
    }
  };

  it('integers of every width', () => {
    for (const t of [new arrow.Int8(), new arrow.Int16(), new arrow.Int32()]) {
      expectAll(col(t, [1, -5, 3, null, 0]), col(t, [2, -5, -3, 1, null]), [-1, 0, 1, null, null]);
    }
  });
  it('bigints, including beyond 2^53', () => {
    const t = new arrow.Int64();
    expectAll(col(t, [2n ** 62n + 1n, -(2n ** 63n), 5n, null]), col(t, [2n ** 62n, 2n ** 63n - 1n, 5n, 0n]), [1, -1, 0, null]);
  });
  it('floats, with NaN equal to itself and above everything (PostgreSQL)', () => {
    const t = new arrow.Float64();
    expectAll(col(t, [1.5, NaN, NaN, -Infinity, null, -0]), col(t, [2.5, NaN, Infinity, -1e308, 1, 0]), [-1, 0, 1, -1, null, 0]);
  });
  it('decimals exactly, beyond float precision and across the sign', () => {
    const t = new arrow.Decimal(2, 38, 128);
    // 10^36 + 1 vs 10^36: equal as float64, different as decimals.
    expectAll(
      col(t, [10n ** 36n + 1n, -1n, -(10n ** 30n), 12345n, null, -(2n ** 64n)]),
      col(t, [10n ** 36n, 1n, -(10n ** 30n) + 1n, 12345n, 0n, -(2n ** 64n) + 1n]),
      [1, -1, -1, 0, null, -1],
    );
  });
  it('strings by UTF-8 bytes (= code point order), prefixes first', () => {
    const t = new arrow.Utf8();
    expectAll(col(t, ['abc', 'ab', 'Z', 'é', '', null, '日本']), col(t, ['abd', 'abc', 'a', 'z', '', 'x', 'é']), [-1, -1, -1, 1, 0, null, 1]);
  });
  it('binary by bytes', () => {
    const t = new arrow.Binary();
    expectAll(col(t, [new Uint8Array([1, 2]), new Uint8Array([255]), new Uint8Array([])]), col(t, [new Uint8Array([1, 3]), new Uint8Array([0, 0]), new Uint8Array([])]), [-1, 1, 0]);
  });
  it('dates and timestamps', () => {
    expectAll(col(new arrow.DateDay(), [18628, -1, null]), col(new arrow.DateDay(), [18629, -1, 3]), [-1, 0, null]);
    const ts = new arrow.TimestampMicrosecond('UTC');
    expectAll(col(ts, [1_609_459_200_000_001n, -5n]), col(ts, [1_609_459_200_000_000n, -5n]), [1, 0]);
  });
  it('booleans, false < true', () => {
    expectAll(col(B, [false, true, true, null]), col(B, [true, false, true, false]), [-1, 1, 0, null]);
  });
  it('sliced inputs of different offsets', () => {
    const t = new arrow.Utf8();
    const a = col(t, ['x', 'a', 'b', null]).slice(1, 3);
    const b = col(t, ['q', 'q', 'a', 'c', 'z']).slice(2, 3);
    expect(valuesOf(compare('=', a, b))).toEqual([true, false, null]);
  });
});

describe('arithmetic', () => {
  const i32 = new arrow.Int32();
  it('integer + - * / % with PostgreSQL semantics (truncating division)', () => {
    const a = col(i32, [7, -7, 7, null]);
    const b = col(i32, [2, 2, -2, 5]);
    expect(valuesOf(arith('+', a, b, i32))).toEqual([9, -5, 5, null]);
    expect(valuesOf(arith('/', a, b, i32))).toEqual([3, -3, -3, null]);
    expect(valuesOf(arith('%', a, b, i32))).toEqual([1, -1, 1, null]);
    expect(valuesOf(arith('*', a, b, i32))).toEqual([14, -14, -14, null]);
  });
  it('integer overflow is 22003 (checked against PostgreSQL: "integer out of range")', () => {
    const e = sqlError(() => arith('+', col(i32, [2147483647]), col(i32, [1]), i32));
    expect([e.sqlstate, e.message]).toEqual(['22003', 'integer out of range']);
    expect(sqlError(() => arith('*', col(i32, [65536]), col(i32, [65536]), i32)).sqlstate).toBe('22003');
    const i64 = new arrow.Int64();
    expect(sqlError(() => arith('*', col(i64, [2n ** 62n]), col(i64, [2n]), i64)).message).toBe('bigint out of range');
    expect(sqlError(() => negate(col(i32, [-2147483648]))).sqlstate).toBe('22003');
  });
  it('overflow in a NULL row is not an error', () => {
    expect(valuesOf(arith('+', col(i32, [2147483647, 1]), col(i32, [null, 1]), i32))).toEqual([null, 2]);
  });
  it('division by zero is 22012, for floats too; NULL rows are skipped', () => {
    const e = sqlError(() => arith('/', col(i32, [1]), col(i32, [0]), i32));
    expect([e.sqlstate, e.message]).toEqual(['22012', 'division by zero']);
    const f64 = new arrow.Float64();
    expect(sqlError(() => arith('/', col(f64, [1]), col(f64, [0]), f64)).sqlstate).toBe('22012');
    expect(valuesOf(arith('/', col(i32, [null, 4]), col(i32, [0, 2]), i32))).toEqual([null, 2]);
  });
  it('decimals exactly: + at a common scale, * summing scales', () => {
    const d = new arrow.Decimal(2, 38, 128);
    // 0.10 + 0.20 = 0.30 exactly (float64 would say 0.30000000000000004).
    expect(valuesOf(arith('+', col(d, [10n, 10n ** 35n]), col(d, [20n, 1n]), d))).toEqual([30n, 10n ** 35n + 1n]);
    const product = new arrow.Decimal(4, 38, 128);
    expect(valuesOf(arith('*', col(d, [150n]), col(d, [-250n]), product))).toEqual([-37500n]); // 1.50 * -2.50 = -3.7500
  });
});

describe('casts', () => {
  it('text to numbers, dates and timestamps; bad text is 22P02 / 22007', () => {
    const t = new arrow.Utf8();
    expect(valuesOf(cast(col(t, ['42', ' -7 ', null]), new arrow.Int32()))).toEqual([42, -7, null]);
    expect(valuesOf(cast(col(t, ['12.345', '-0.005']), new arrow.Decimal(2, 10, 128)))).toEqual([1235n, -1n]);
    expect(valuesOf(cast(col(t, ['2021-01-01']), new arrow.DateDay()))).toEqual([18628]);
    expect(valuesOf(cast(col(t, ['2021-01-01 00:00:01.5+01:00']), new arrow.TimestampMicrosecond('UTC')))).toEqual([1_609_455_601_500_000n]);
    const e = sqlError(() => cast(col(t, ['x']), new arrow.Int32()));
    expect([e.sqlstate, e.message]).toEqual(['22P02', 'invalid input syntax for type integer: "x"']);
    expect(sqlError(() => cast(col(t, ['2021-13-01']), new arrow.DateDay())).sqlstate).toBe('22008'); // PostgreSQL: date/time field value out of range
  });
  it('numbers between widths with range checks, and to text', () => {
    expect(sqlError(() => cast(col(new arrow.Int64(), [2n ** 40n]), new arrow.Int32())).message).toBe('integer out of range');
    expect(valuesOf(cast(col(new arrow.Decimal(2, 10, 128), [12345n, -250n]), new arrow.Int32()))).toEqual([123, -3]);
    expect(valuesOf(cast(col(new arrow.Float64(), [2.5, 3.5, -2.5]), new arrow.Int32()))).toEqual([2, 4, -2]);
    expect(valuesOf(cast(col(new arrow.Decimal(2, 10, 128), [12350n, null]), new arrow.Utf8()))).toEqual(['123.50', null]);
    expect(valuesOf(cast(col(new arrow.TimestampMicrosecond('UTC'), [1_609_459_200_500_000n]), new arrow.Utf8()))).toEqual(['2021-01-01 00:00:00.5+00']);
    expect(valuesOf(cast(col(B, [true, false]), new arrow.Utf8()))).toEqual(['true', 'false']);
  });
  it('dates to timestamps and back (floor for times before the epoch)', () => {
    const ts = cast(col(new arrow.DateDay(), [1, -1]), new arrow.TimestampMicrosecond('UTC'));
    expect(valuesOf(ts)).toEqual([86_400_000_000n, -86_400_000_000n]);
    expect(valuesOf(cast(col(new arrow.TimestampMicrosecond('UTC'), [-1n, 86_400_000_000n]), new arrow.DateDay()))).toEqual([-1, 1]);
  });
});

describe('LIKE', () => {
  const t = new arrow.Utf8();
  const s = col(t, ['apple', 'APPLE', 'banana', 'a', '', null, 'añb', 'a%b']);
  it('matches % and _ on bytes, _ being one character', () => {
    expect(valuesOf(like(s, 'a%', false))).toEqual([true, false, false, true, false, null, true, true]);
    expect(valuesOf(like(s, '%an%', false))).toEqual([false, false, true, false, false, null, false, false]);
    expect(valuesOf(like(s, 'a_b', false))).toEqual([false, false, false, false, false, null, true, true]);
    expect(valuesOf(like(s, 'a\\%b', false))).toEqual([false, false, false, false, false, null, false, true]);
    expect(valuesOf(like(s, '%', false))).toEqual([true, true, true, true, true, null, true, true]);
    expect(valuesOf(like(s, '%a%a%a', false))).toEqual([false, false, true, false, false, null, false, false]);
  });
  it('ILIKE ignores case', () => {
    expect(valuesOf(like(s, 'apple', true))).toEqual([true, true, false, false, false, null, false, false]);
  });
});

describe('sortIndices', () => {
  it('orders NULLs as asked, ties by the next key, stable otherwise', () => {
    const a = col(new arrow.Int32(), [2, null, 1, 2, null, 1]);
    const b = col(new arrow.Utf8(), ['b', 'x', 'z', 'a', 'y', 'z']);
    const asc = sortIndices([{ data: a, descending: false, nullsFirst: false }, { data: b, descending: false, nullsFirst: false }], 6);
    expect(Array.from(asc)).toEqual([2, 5, 3, 0, 1, 4]);
    const desc = sortIndices([{ data: a, descending: true, nullsFirst: true }, { data: b, descending: true, nullsFirst: false }], 6);
    expect(Array.from(desc)).toEqual([4, 1, 0, 3, 2, 5]);
  });
  it('sorts floats with NaN above +Infinity, decimals exactly', () => {
    const f = col(new arrow.Float64(), [NaN, Infinity, -1, null]);
    expect(Array.from(sortIndices([{ data: f, descending: false, nullsFirst: false }], 4))).toEqual([2, 1, 0, 3]);
    const d = col(new arrow.Decimal(0, 38, 128), [10n ** 36n + 1n, -(10n ** 36n), 10n ** 36n]);
    expect(Array.from(sortIndices([{ data: d, descending: false, nullsFirst: false }], 3))).toEqual([1, 2, 0]);
  });
});
