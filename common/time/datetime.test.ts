import { describe, expect, it } from 'vitest';
import { civilFromDays, daysFromCivil, formatDate, formatTimestamp, parseDate, parseTimestamp } from './datetime.js';

describe('date and timestamp parsing', () => {
  it('counts days from the epoch, before and after it', () => {
    expect(daysFromCivil(1970, 1, 1)).toBe(0);
    expect(daysFromCivil(2000, 3, 1)).toBe(11017);
    expect(daysFromCivil(1969, 12, 31)).toBe(-1);
    expect(parseDate('2021-02-29')).toBeUndefined();
    expect(parseDate('2020-02-29')).toBe(18321);
  });

  it('parses zone-less, Z and offset timestamps to exact microseconds', () => {
    expect(parseTimestamp('2021-09-08 11:11:11')).toBe(1631099471000000n);
    expect(parseTimestamp('2021-09-08T11:11:11.123456Z')).toBe(1631099471123456n);
    expect(parseTimestamp('2021-09-08T11:11:11.123456+02:00', true)).toBe(1631099471123456n);
    expect(parseTimestamp('2020-05-01T00:47:31-07:00')).toBe(BigInt(Date.parse('2020-05-01T07:47:31Z')) * 1000n);
    expect(parseTimestamp('1969-12-31 23:59:59.999999')).toBe(-1n);
    expect(parseTimestamp('2021-01-01')).toBe(BigInt(Date.parse('2021-01-01T00:00:00Z')) * 1000n);
    expect(parseTimestamp('2021-13-01 00:00:00')).toBeUndefined();
    expect(parseTimestamp('yesterday')).toBeUndefined();
  });

  it('formats what it parses, before and after the epoch', () => {
    expect(civilFromDays(-1)).toEqual({ year: 1969, month: 12, day: 31 });
    expect(formatDate(18321)).toBe('2020-02-29');
    expect(formatTimestamp(-1n, true)).toBe('1969-12-31 23:59:59.999999+00');
    expect(formatTimestamp(1631099471000000n, false)).toBe('2021-09-08 11:11:11');
  });
});
