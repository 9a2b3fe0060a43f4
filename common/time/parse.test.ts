import { describe, expect, it } from 'vitest';
import { daysFromCivil, parseDateDays, parseTimestamp } from './parse.js';

describe('date and timestamp parsing', () => {
  it('counts days from the epoch, before and after it', () => {
    expect(daysFromCivil(1970, 1, 1)).toBe(0);
    expect(daysFromCivil(2000, 3, 1)).toBe(11017);
    expect(daysFromCivil(1969, 12, 31)).toBe(-1);
    expect(parseDateDays('2021-02-29')).toBeUndefined();
    expect(parseDateDays('2020-02-29')).toBe(18321);
  });

  it('parses zone-less, Z and offset timestamps to exact microseconds', () => {
    expect(parseTimestamp('2021-09-08 11:11:11')).toEqual({ micros: 1631099471000000n, hasZone: false });
    expect(parseTimestamp('2021-09-08T11:11:11.123456Z')).toEqual({ micros: 1631099471123456n, hasZone: true });
    expect(parseTimestamp('2020-05-01T00:47:31-07:00')?.micros).toBe(BigInt(Date.parse('2020-05-01T07:47:31Z')) * 1000n);
    expect(parseTimestamp('1969-12-31 23:59:59.999999')?.micros).toBe(-1n);
    expect(parseTimestamp('2021-01-01')?.micros).toBe(BigInt(Date.parse('2021-01-01T00:00:00Z')) * 1000n);
    expect(parseTimestamp('2021-13-01 00:00:00')).toBeUndefined();
    expect(parseTimestamp('yesterday')).toBeUndefined();
  });
});
