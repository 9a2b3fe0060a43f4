import { describe, expect, it } from 'vitest';
import { civilFromDays } from '../../common/time/datetime.js';
import { decimalWordsToString, float32Shortest, isoDate, isoTimestamp, pgDate, pgFloatText, pgTimestamp, scaleDigits } from './scalars.js';

function words(value: bigint): Uint32Array {
  const out = new Uint32Array(4);
  let x = BigInt.asUintN(128, value);
  for (let w = 0; w < 4; w++) {
    out[w] = Number(x & 0xffffffffn);
    x >>= 32n;
  }
  return out;
}

describe('decimals', () => {
  it.each([
    [12350n, 2, '123.50'],
    [-12350n, 2, '-123.50'],
    [5n, 2, '0.05'],
    [-5n, 2, '-0.05'],
    [0n, 2, '0.00'],
    [0n, 0, '0'],
    [42n, 0, '42'],
    [2n ** 53n - 1n, 2, '90071992547409.91'],
    [2n ** 53n, 2, '90071992547409.92'],
    [-(2n ** 53n), 2, '-90071992547409.92'],
    [-(2n ** 53n) - 1n, 0, '-9007199254740993'],
    [10n ** 38n - 1n, 10, '9999999999999999999999999999.9999999999'],
    [-(10n ** 38n - 1n), 38, '-0.99999999999999999999999999999999999999'],
    [-1n, 0, '-1'],
    [2n ** 64n + 7n, 3, '18446744073709551.623'],
  ])('%s with scale %s is %s', (value, scale, text) => {
    expect(decimalWordsToString(words(value), 0, 4, scale)).toBe(text);
  });

  it('reads the value at a word offset', () => {
    const buffer = new Uint32Array(8);
    buffer.set(words(-999n), 4);
    expect(decimalWordsToString(buffer, 4, 4, 1)).toBe('-99.9');
  });

  it('pads a negative scale with zeros', () => {
    expect(scaleDigits('12', false, -3)).toBe('12000');
  });
});

describe('float32 shortest form', () => {
  it.each([
    [0.234, 0.234],
    [36.504, 36.504],
    [0.1, 0.1],
    [1 / 3, 0.33333334],
    [16777216, 16777216],
    [3.4028234663852886e38, 3.4028235e38],
    [1.401298464324817e-45, 1e-45],
    [-2.5, -2.5],
  ])('%s → %s', (input, expected) => {
    const f = Math.fround(input);
    expect(float32Shortest(f)).toBe(expected);
    expect(Math.fround(float32Shortest(f))).toBe(f);
  });

  it('equals the first toPrecision(1…9) that round-trips, over 200,000 float32 bit patterns', () => {
    const byStrings = (value: number): number => {
      if (Number.isInteger(value) && Math.abs(value) <= 16777216) return value;
      for (let p = 1; p < 9; p++) {
        const candidate = Number(value.toPrecision(p));
        if (Math.fround(candidate) === value) return candidate;
      }
      return Number(value.toPrecision(9));
    };
    const single = new Float32Array(1);
    const bits = new Uint32Array(single.buffer);
    let seed = 12345;
    const mismatches: number[] = [];
    for (let i = 0; i < 200_000; i++) {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      // Every other value a short decimal (prices, rates), the rest any finite bit pattern.
      bits[0] = seed;
      const f = i % 2 === 0 ? Math.fround(Number(((seed % 2_000_000) / 1000 - 1000).toPrecision(1 + (i % 7)))) : (single[0] as number);
      if (!Number.isFinite(f)) continue;
      if (float32Shortest(f) !== byStrings(f)) mismatches.push(f);
    }
    expect(mismatches).toEqual([]);
  });
});

describe('PostgreSQL float text', () => {
  it.each([
    [1.5, false, '1.5'],
    [100, false, '100'],
    [1e15, false, '1e+15'],
    [123456789012345, false, '123456789012345'],
    [0.0001, false, '0.0001'],
    [0.00001, false, '1e-05'],
    [-1.25e-10, false, '-1.25e-10'],
    [1e100, false, '1e+100'],
    [NaN, false, 'NaN'],
    [Infinity, false, 'Infinity'],
    [-Infinity, false, '-Infinity'],
    [-0, false, '-0'],
    [Math.fround(0.234), true, '0.234'],
    [Math.fround(1234567), true, '1.234567e+06'],
    [Math.fround(123456), true, '123456'],
    [0.00009999999999999999, false, '9.999999999999999e-05'],
    [999999999999999.9, false, '999999999999999.9'],
    [-0.0001, false, '-0.0001'],
    [Math.fround(0.0001), true, '0.0001'],
    [Math.fround(999999.94), true, '999999.94'],
  ])('%s (float4 %s) → %s', (value, float4, text) => {
    expect(pgFloatText(value, float4)).toBe(text);
  });

  it('writes fixed-notation values exactly as the digits-and-exponent construction does, on random doubles and floats', () => {
    // The reference: shortest digits from toExponential, placed by the exponent (float8out's rule).
    const reference = (value: number, float4: boolean): string => {
      const shortest = float4 ? float32Shortest(value) : value;
      const exp = shortest.toExponential();
      const e = exp.indexOf('e');
      const exponent = Number(exp.slice(e + 1));
      const mantissa = exp.slice(0, e);
      if (!(exponent >= -4 && exponent < (float4 ? 6 : 15))) return 'exponential';
      const negative = mantissa.startsWith('-');
      const digits = mantissa.replace('-', '').replace('.', '');
      const pointAt = exponent + 1;
      const text = pointAt <= 0 ? `0.${'0'.repeat(-pointAt)}${digits}` : pointAt >= digits.length ? digits + '0'.repeat(pointAt - digits.length) : `${digits.slice(0, pointAt)}.${digits.slice(pointAt)}`;
      return negative ? '-' + text : text;
    };
    let seed = 42;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    for (let i = 0; i < 20_000; i++) {
      const magnitude = 10 ** Math.floor(random() * 24 - 6);
      const double = (random() - 0.5) * 2 * magnitude;
      for (const [value, float4] of [[double, false], [Math.fround(double), true]] as const) {
        const expected = reference(value, float4);
        if (expected !== 'exponential') expect(pgFloatText(value, float4), `${value} float4=${float4}`).toBe(expected);
        else expect(pgFloatText(value, float4)).toMatch(/e[+-]\d\d/);
      }
    }
  });
});

describe('dates', () => {
  it.each([
    [0, '1970-01-01'],
    [-1, '1969-12-31'],
    [18_000, '2019-04-14'],
    [-719_162, '0001-01-01'],
    [2_932_896, '9999-12-31'],
    [2_932_897, '+010000-01-01'],
    [-719_163, '0000-12-31'],
    [-719_529, '-000001-12-31'],
    [11_016, '2000-02-29'],
  ])('day %s is %s', (days, text) => {
    expect(isoDate(days)).toBe(text);
  });

  it('agrees with Date for every day over four centuries around the epoch', () => {
    for (let days = -80_000; days <= 80_000; days += 7) {
      expect(isoDate(days)).toBe(new Date(days * 86_400_000).toISOString().slice(0, 10));
    }
  });

  it('writes BC years as PostgreSQL does', () => {
    expect(pgDate(-719_163)).toBe('0001-12-31 BC');
    expect(pgDate(0)).toBe('1970-01-01');
    expect(civilFromDays(-719_163)).toEqual({ year: 0, month: 12, day: 31 });
  });
});

describe('timestamps', () => {
  it.each([
    [0n, '1970-01-01T00:00:00.000000'],
    [1n, '1970-01-01T00:00:00.000001'],
    [-1n, '1969-12-31T23:59:59.999999'],
    [-1_000_001n, '1969-12-31T23:59:58.999999'],
    [-86_400_000_000n, '1969-12-31T00:00:00.000000'],
    [1_609_495_200_123_456n, '2021-01-01T10:00:00.123456'],
    [253_402_300_799_999_999n, '9999-12-31T23:59:59.999999'],
    [-62_135_596_800_000_000n, '0001-01-01T00:00:00.000000'],
    [-5_000_000_000_000_000n, '1811-07-23T15:06:40.000000'],
  ])('%s µs is %s', (micros, text) => {
    expect(isoTimestamp(micros)).toBe(text);
    // readers hand over a Number only while it is exact; that path must agree
    if (Number.isSafeInteger(Number(micros))) expect(isoTimestamp(Number(micros))).toBe(text);
  });

  it('writes PostgreSQL text with the fraction only when present', () => {
    expect(pgTimestamp(1_609_495_200_000_000, true)).toBe('2021-01-01 10:00:00+00');
    expect(pgTimestamp(1_609_495_200_500_000, true)).toBe('2021-01-01 10:00:00.5+00');
    expect(pgTimestamp(-1, false)).toBe('1969-12-31 23:59:59.999999');
    expect(pgTimestamp(-62_135_596_800_000_001n, false)).toBe('0001-12-31 23:59:59.999999 BC');
    // the same day again (its date text is remembered), then AD again after a BC day
    expect(pgTimestamp(-62_135_596_800_000_010n, false)).toBe('0001-12-31 23:59:59.99999 BC');
    expect(pgTimestamp(1_609_495_200_000_100, false)).toBe('2021-01-01 10:00:00.0001');
    expect(pgTimestamp(1_609_495_200_120_000, false)).toBe('2021-01-01 10:00:00.12');
    expect(pgTimestamp(1_609_495_200_000_001, true)).toBe('2021-01-01 10:00:00.000001+00');
  });
});
