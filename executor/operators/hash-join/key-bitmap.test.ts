import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { dataFromValues, type ScalarValue } from '../../arrow/scalar.js';
import { GroupTable } from '../../hash/group-table.js';
import { KeyBitmaps } from './key-bitmap.js';

const int = new arrow.Int32();
const date = new arrow.DateDay();

function tableOf(types: arrow.DataType[], columns: ScalarValue[][]): GroupTable {
  const table = new GroupTable(types);
  table.findOrInsert(columns.map((values, k) => dataFromValues(types[k]!, values)), columns[0]!.length);
  return table;
}

describe('KeyBitmaps', () => {
  it('passes exactly the probe rows whose integer key the build side holds; NULL and out-of-range rows never', () => {
    const bitmaps = KeyBitmaps.build(tableOf([int], [[-5, 3, 3, null, 100]]));
    expect(bitmaps).toBeDefined();
    const probe = dataFromValues(int, [3, -5, 4, null, 100, 101, -6, -2147483648, 2147483647, 3]);
    expect(Array.from(bitmaps!.select([probe], 10))).toEqual([0, 1, 4, 9]);
  });

  it('combines every eligible key and ignores the others (strings, int8)', () => {
    const types = [new arrow.Utf8(), date, new arrow.Int64()];
    const bitmaps = KeyBitmaps.build(tableOf(types, [['a', 'b'], [19_000, 19_090], [1n, 2n]]));
    const keys = [dataFromValues(types[0]!, ['zz', 'a', 'b', 'c']), dataFromValues(date, [19_000, 19_001, 19_090, null]), dataFromValues(types[2]!, [9n, 9n, 9n, 9n])];
    expect(Array.from(bitmaps!.select(keys, 4))).toEqual([0, 2]);
  });

  it('is not built without an eligible key, for an all-NULL key or past 2^25 values of range', () => {
    expect(KeyBitmaps.build(tableOf([new arrow.Utf8()], [['a']]))).toBeUndefined();
    expect(KeyBitmaps.build(tableOf([int], [[null, null]]))).toBeUndefined();
    expect(KeyBitmaps.build(tableOf([int], [[0, 2 ** 25]]))).toBeUndefined();
    expect(KeyBitmaps.build(tableOf([int], [[0, 2 ** 25 - 1]]))).toBeDefined();
  });

  it('selects nothing from an empty batch', () => {
    const bitmaps = KeyBitmaps.build(tableOf([int], [[1]]));
    expect(bitmaps!.select([dataFromValues(int, [])], 0).length).toBe(0);
  });
});
