import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { dataFromValues, valuesOf, type ScalarValue } from '../arrow/scalar.js';
import { GroupTable } from './group-table.js';

const col = (type: arrow.DataType, values: ScalarValue[]) => dataFromValues(type, values);

describe('GroupTable', () => {
  it('gives equal keys one dense id across batches, NULL being one group', () => {
    const table = new GroupTable([new arrow.Utf8()]);
    expect(Array.from(table.findOrInsert([col(new arrow.Utf8(), ['AAPL', 'MSFT', 'AAPL', null, ''])], 5))).toEqual([0, 1, 0, 2, 3]);
    expect(Array.from(table.findOrInsert([col(new arrow.Utf8(), [null, 'MSFT', 'GOOG'])], 3))).toEqual([2, 1, 4]);
    expect(valuesOf(table.keys()[0]!)).toEqual(['AAPL', 'MSFT', null, '', 'GOOG']);
  });

  it('keys on several columns of different types together', () => {
    const types = [new arrow.Int32(), new arrow.Int64(), new arrow.Bool()];
    const table = new GroupTable(types);
    const ids = table.findOrInsert([col(types[0]!, [1, 1, 1, 2, null]), col(types[1]!, [10n, 10n, 11n, 10n, 10n]), col(types[2]!, [true, true, true, false, null])], 5);
    expect(Array.from(ids)).toEqual([0, 0, 1, 2, 3]);
    expect(table.keys().map(valuesOf)).toEqual([[1, 1, 2, null], [10n, 11n, 10n, 10n], [true, true, false, null]]);
  });

  it('treats -0 and 0, and all NaNs, as one key each', () => {
    const table = new GroupTable([new arrow.Float64()]);
    expect(Array.from(table.findOrInsert([col(new arrow.Float64(), [0, -0, NaN, Number.NaN * 2, 1.5])], 5))).toEqual([0, 0, 1, 1, 2]);
  });

  it('keys on decimals, dates, timestamps, small ints and structs exactly', () => {
    const types = [new arrow.Decimal(2, 10, 128), new arrow.DateDay(), new arrow.TimestampMicrosecond('UTC'), new arrow.Int16()];
    const table = new GroupTable(types);
    const ids = table.findOrInsert([col(types[0]!, [12345n, 12345n, -1n]), col(types[1]!, [19000, 19000, -5]), col(types[2]!, [1n, 1n, -1n]), col(types[3]!, [-3, -3, 7])], 3);
    expect(Array.from(ids)).toEqual([0, 0, 1]);
    expect(table.keys().map(valuesOf)).toEqual([[12345n, -1n], [19000, -5], [1n, -1n], [-3, 7]]);
    const window = new arrow.Struct([new arrow.Field('start', new arrow.TimestampMicrosecond('UTC')), new arrow.Field('end', new arrow.TimestampMicrosecond('UTC'))]);
    const structs = new GroupTable([window]);
    const w = (s: bigint) => ({ start: s, end: s + 3_600_000_000n });
    expect(Array.from(structs.findOrInsert([col(window, [w(0n), w(3_600_000_000n), w(0n), null])], 4))).toEqual([0, 1, 0, 2]);
    expect(valuesOf(structs.keys()[0]!)).toEqual([w(0n), w(3_600_000_000n), null]);
  });

  it('finds without inserting, answering -1 for unknown keys', () => {
    const table = new GroupTable([new arrow.Int32()]);
    table.findOrInsert([col(new arrow.Int32(), [5, 6])], 2);
    expect(Array.from(table.find([col(new arrow.Int32(), [6, 7, 5])], 3))).toEqual([1, -1, 0]);
    expect(table.size).toBe(2);
  });

  it('keeps every key through many growths (200,000 distinct keys)', () => {
    const n = 200_000;
    const ints = arrow.makeData({ type: new arrow.Int32(), length: n, nullCount: 0, data: Int32Array.from({ length: n }, (_, i) => i * 7919) });
    const table = new GroupTable([new arrow.Int32()]);
    const first = table.findOrInsert([ints], n);
    expect(table.size).toBe(n);
    expect(first[n - 1]).toBe(n - 1);
    const again = table.find([ints], n);
    expect(Array.from(again)).toEqual(Array.from(first));
  });

  it('reports rows with a NULL in any key column', () => {
    const keys = [col(new arrow.Int32(), [1, null, 3]), col(new arrow.Utf8(), ['a', 'b', null])];
    expect(Array.from(GroupTable.nullKeyRows(keys, 3)!)).toEqual([0, 1, 1]);
    expect(GroupTable.nullKeyRows([col(new arrow.Int32(), [1, 2])], 2)).toBeNull();
  });
});

describe('GroupTable on one string column (dictionary path)', () => {
  const utf8 = (values: ScalarValue[]) => col(new arrow.Utf8(), values);

  it('gives the ids a row-by-row pass gives, NULL first seen in a later batch included', () => {
    const table = new GroupTable([new arrow.Utf8()]);
    expect(Array.from(table.findOrInsert([utf8(['b', 'a', 'b', 'c'])], 4))).toEqual([0, 1, 0, 2]);
    expect(Array.from(table.findOrInsert([utf8(['d', null, 'a', null, 'e'])], 5))).toEqual([3, 4, 1, 4, 5]);
    expect(Array.from(table.findOrInsert([utf8([null, 'f', 'b'])], 3))).toEqual([4, 6, 0]);
    expect(valuesOf(table.keys()[0]!)).toEqual(['b', 'a', 'c', 'd', null, 'e', 'f']);
  });

  it('finds without inserting: unknown strings and NULL (when never stored) are -1', () => {
    const table = new GroupTable([new arrow.Utf8()]);
    table.findOrInsert([utf8(['x', 'y'])], 2);
    expect(Array.from(table.find([utf8(['y', 'zz', null, 'x'])], 4))).toEqual([1, -1, -1, 0]);
    expect(table.size).toBe(2);
  });

  it('answers the rows whose key is new, first occurrence only, in row order', () => {
    const table = new GroupTable([new arrow.Utf8()]);
    expect(Array.from(table.insertNew([utf8(['a', 'b', 'a', null, 'c', null])], 6))).toEqual([0, 1, 3, 4]);
    expect(Array.from(table.insertNew([utf8(['c', 'a', null])], 3))).toEqual([]);
    expect(Array.from(table.insertNew([utf8(['c', 'd', 'e', 'd'])], 4))).toEqual([1, 2]);
    const pairs = new GroupTable([new arrow.Int32(), new arrow.Utf8()]);
    expect(Array.from(pairs.insertNew([col(new arrow.Int32(), [0, 1, 0, 1]), utf8(['a', 'a', 'a', 'b'])], 4))).toEqual([0, 1, 3]);
  });

  it('skips empty batches and keeps many distinct strings (50,000 over several batches)', () => {
    const table = new GroupTable([new arrow.Utf8()]);
    expect(table.findOrInsert([utf8([])], 0).length).toBe(0);
    const all = Array.from({ length: 50_000 }, (_, i) => `s${i}`);
    for (let start = 0; start < all.length; start += 16_384) {
      const part = all.slice(start, start + 16_384);
      expect(Array.from(table.findOrInsert([utf8(part)], part.length))).toEqual(part.map((_, i) => start + i));
    }
    expect(table.size).toBe(50_000);
    expect(valuesOf(table.keys()[0]!).slice(-2)).toEqual(['s49998', 's49999']);
  });

  it('keys strings together with other columns by their ids', () => {
    const types = [new arrow.Utf8(), new arrow.DateDay()];
    const table = new GroupTable(types);
    const ids = table.findOrInsert([utf8(['AAPL', 'AAPL', 'MSFT', null, 'AAPL']), col(types[1]!, [1, 2, 1, 1, 1])], 5);
    expect(Array.from(ids)).toEqual([0, 1, 2, 3, 0]);
    expect(Array.from(table.find([utf8(['MSFT', 'GOOG', 'AAPL']), col(types[1]!, [1, 1, 2])], 3))).toEqual([2, -1, 1]);
    expect(table.keys().map(valuesOf)).toEqual([['AAPL', 'AAPL', 'MSFT', null], [1, 2, 1, 1]]);
  });
});
