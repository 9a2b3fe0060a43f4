import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { dataFromValues, valuesOf } from '../arrow/scalar.js';
import { intervalData } from './interval.js';
import { seriesList, timeSeriesList, zipLists } from './series.js';

// Expected values are PostgreSQL 15's: SELECT generate_series(a, b[, s]) per row, and several
// set-returning functions in one select list run in lock step (shorter ones padded with NULL).
const int32 = new arrow.Int32();
const listOf = (t: arrow.DataType) => new arrow.List(new arrow.Field('item', t, true));

describe('seriesList', () => {
  it('lists each row\'s series, empty for NULL arguments and empty ranges', () => {
    const out = seriesList([dataFromValues(int32, [1, 10, null, 5]), dataFromValues(int32, [3, 1, 2, 4]), dataFromValues(int32, [1, -4, 1, 1])], listOf(int32));
    expect(valuesOf(out)).toEqual([[1, 2, 3], [10, 6, 2], [], []]);
  });

  it('counts in bigint when asked', () => {
    const int64 = new arrow.Int64();
    const out = seriesList([dataFromValues(int64, [9_007_199_254_740_993n]), dataFromValues(int64, [9_007_199_254_740_995n])], listOf(int64));
    expect(valuesOf(out)).toEqual([[9_007_199_254_740_993n, 9_007_199_254_740_994n, 9_007_199_254_740_995n]]);
  });

  it('refuses a zero step with 22023', () => {
    expect(() => seriesList([dataFromValues(int32, [1]), dataFromValues(int32, [2]), dataFromValues(int32, [0])], listOf(int32))).toThrow(expect.objectContaining({ sqlstate: '22023' }));
  });
});

describe('zipLists', () => {
  it('zips lists to the longest, padding with NULL; a NULL list counts as empty', () => {
    const a = dataFromValues(listOf(int32), [[1, 2], null, []]);
    const b = dataFromValues(listOf(new arrow.Utf8()), [['x', 'y', 'z'], ['q'], []]);
    const type = listOf(new arrow.Struct([new arrow.Field('f0', int32, true), new arrow.Field('f1', new arrow.Utf8(), true)]));
    expect(valuesOf(zipLists([a, b], type))).toEqual([
      [{ f0: 1, f1: 'x' }, { f0: 2, f1: 'y' }, { f0: null, f1: 'z' }],
      [{ f0: null, f1: 'q' }],
      [],
    ]);
  });

  it('numbers the elements from 1 when the struct has an ordinality field (WITH ORDINALITY)', () => {
    const a = dataFromValues(listOf(int32), [[7, 8], [], [9]]);
    const type = listOf(new arrow.Struct([new arrow.Field('f0', int32, true), new arrow.Field('ordinality', new arrow.Int64(), true)]));
    expect(valuesOf(zipLists([a], type))).toEqual([[{ f0: 7, ordinality: 1n }, { f0: 8, ordinality: 2n }], [], [{ f0: 9, ordinality: 1n }]]);
  });
});

describe('timeSeriesList', () => {
  it('steps timestamps by an interval, months clamped to the month end, per row', () => {
    const ts = new arrow.TimestampMicrosecond();
    const us = (iso: string) => BigInt(Date.parse(iso)) * 1000n;
    const out = timeSeriesList(
      [dataFromValues(ts, [us('2024-01-31T00:00:00Z'), null]), dataFromValues(ts, [us('2024-04-30T00:00:00Z'), us('2024-01-01T00:00:00Z')]), intervalData([1, 1], [0, 0], [0n, 0n], null)],
      listOf(ts),
    );
    expect(valuesOf(out)).toEqual([[us('2024-01-31T00:00:00Z'), us('2024-02-29T00:00:00Z'), us('2024-03-29T00:00:00Z'), us('2024-04-29T00:00:00Z')], []]);
  });
});

