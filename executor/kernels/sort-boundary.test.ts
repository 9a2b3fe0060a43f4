import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { dataFromValues, type ScalarValue } from '../arrow/scalar.js';
import { crossComparator, rowsBeforeRow } from './sort.js';

/** What the per-row comparator says: the rows before `row` of `other`, and the ties. */
function reference(data: arrow.Data, other: arrow.Data, row: number, descending: boolean, nullsFirst: boolean) {
  const cmp = crossComparator({ data, descending, nullsFirst }, other);
  const before: number[] = [];
  const ties: number[] = [];
  for (let i = 0; i < data.length; i++) {
    const c = cmp(i, row);
    if (c < 0) before.push(i);
    else if (c === 0) ties.push(i);
  }
  return { before, ties };
}

const CASES: [string, arrow.DataType, ScalarValue[]][] = [
  ['float8 with NaN, NULL, -0, infinities', new arrow.Float64(), [3, NaN, null, -0, 0, Infinity, -Infinity, 3, 2.5, NaN, null]],
  ['int8 across the 32-bit word boundary', new arrow.Int64(), [0n, -1n, 2n ** 32n, 2n ** 32n - 1n, null, -(2n ** 32n), 2n ** 62n, -(2n ** 63n), 2n ** 32n, 7n]],
  ['int4 and day dates', new arrow.Int32(), [5, null, -5, 0, 5, 2 ** 31 - 1, -(2 ** 31)]],
  ['timestamps', new arrow.TimestampMicrosecond('UTC'), [1_700_000_000_000_000n, null, -5n, 1_700_000_000_000_000n]],
];

describe('rowsBeforeRow (top-N boundary test)', () => {
  it.each(CASES)('agrees with the comparator on %s, each row as the boundary, every direction and NULL placement', (_, type, values) => {
    const data = dataFromValues(type, values);
    const boundary = dataFromValues(type, [...values].reverse());
    for (const descending of [false, true]) {
      for (const nullsFirst of [false, true]) {
        for (let row = 0; row < values.length; row++) {
          const split = rowsBeforeRow({ data, descending, nullsFirst }, boundary, row);
          expect(split, `${descending} ${nullsFirst} ${row}`).toBeDefined();
          const got = { before: Array.from(split!.before), ties: Array.from(split!.ties) };
          expect(got, `desc=${descending} nullsFirst=${nullsFirst} boundary row ${row}`).toEqual(reference(data, boundary, row, descending, nullsFirst));
        }
      }
    }
  });

  it('leaves other types to the comparator', () => {
    const text = dataFromValues(new arrow.Utf8(), ['a']);
    expect(rowsBeforeRow({ data: text, descending: false, nullsFirst: false }, text, 0)).toBeUndefined();
  });
});
