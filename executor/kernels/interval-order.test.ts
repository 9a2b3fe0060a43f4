import { describe, expect, it } from 'vitest';
import { compare } from './compare.js';
import { intervalData } from './interval.js';
import { sortIndices } from './sort.js';
import { boolBytes } from '../../common/arrow/bitmap.js';

// PostgreSQL 15: SELECT i FROM (VALUES ('1 mon'::interval), ('29 days 23:59:59'), ('-1 day'), ('30 days')) v(i) ORDER BY i
//   → -1 days, 29 days 23:59:59, 1 mon, 30 days (1 mon = 30 days: a tie, input order kept)
describe('interval ordering', () => {
  const data = intervalData([1, 0, 0, 0], [0, 29, -1, 30], [0n, 86_399_000_000n, 0n, 0n], null);

  it('orders intervals by their span, a month as 30 days', () => {
    expect(Array.from(sortIndices([{ data, descending: false, nullsFirst: false }], 4))).toEqual([2, 1, 0, 3]);
  });

  it('compares them by span: 1 month = 30 days', () => {
    const other = intervalData([0, 0, 0, 0], [30, 30, 30, 30], [0n, 0n, 0n, 0n], null);
    expect(Array.from(boolBytes(compare('=', data, other)))).toEqual([1, 0, 0, 1]);
    expect(Array.from(boolBytes(compare('<', data, other)))).toEqual([0, 1, 1, 0]);
  });
});
