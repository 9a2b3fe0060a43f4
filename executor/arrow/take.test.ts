import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { concat } from './concat.js';
import { filter, maskIndices } from './filter.js';
import { dataFromValues, valuesOf, type ScalarValue } from './scalar.js';
import { take } from '../../common/arrow/take.js';

const structType = new arrow.Struct([
  new arrow.Field('device_id', new arrow.Utf8(), true),
  new arrow.Field('amount', new arrow.Float64(), true),
  new arrow.Field('tags', new arrow.List(new arrow.Field('element', new arrow.Int32(), true)), true),
]);
const mapType = new arrow.Map_(
  new arrow.Field('entries', new arrow.Struct([new arrow.Field('key', new arrow.Utf8(), false), new arrow.Field('value', new arrow.Int64(), true)]), false),
  false,
);

/** Every type of storage/schema/arrow.ts's mapping, with six values including NULLs. */
const CASES: { name: string; type: arrow.DataType; values: ScalarValue[] }[] = [
  { name: 'boolean', type: new arrow.Bool(), values: [true, null, false, true, false, null] },
  { name: 'byte', type: new arrow.Int8(), values: [1, -128, null, 127, 0, -1] },
  { name: 'short', type: new arrow.Int16(), values: [1, null, -32768, 32767, 5, 6] },
  { name: 'integer', type: new arrow.Int32(), values: [10, 20, null, -2147483648, 2147483647, 0] },
  { name: 'long', type: new arrow.Int64(), values: [1n, null, -(2n ** 63n), 2n ** 63n - 1n, 0n, 42n] },
  { name: 'float', type: new arrow.Float32(), values: [1.5, null, -0.25, NaN, Infinity, 3] },
  { name: 'double', type: new arrow.Float64(), values: [1.5, 2.25, null, NaN, -Infinity, 1e300] },
  { name: 'decimal(38,2)', type: new arrow.Decimal(2, 38, 128), values: [12345n, -1n, null, 10n ** 37n, -(10n ** 37n), 0n] },
  { name: 'string', type: new arrow.Utf8(), values: ['a', '', null, 'héllo wörld, a longer string than thirty-two bytes', '日本', 'z'] },
  { name: 'binary', type: new arrow.Binary(), values: [new Uint8Array([1, 2]), null, new Uint8Array([]), new Uint8Array(40).fill(7), new Uint8Array([255]), new Uint8Array([0])] },
  { name: 'date', type: new arrow.DateDay(), values: [0, -1, null, 18628, 2932896, -719162] },
  { name: 'timestamp', type: new arrow.TimestampMicrosecond('UTC'), values: [0n, 1_609_459_200_000_000n, null, -1n, 253402300799999999n, 5n] },
  { name: 'timestamp_ntz', type: new arrow.TimestampMicrosecond(null), values: [7n, null, 8n, 9n, -10n, 11n] },
  {
    name: 'struct',
    type: structType,
    values: [
      { device_id: 'a', amount: 1.5, tags: [1, 2] },
      null,
      { device_id: null, amount: 2, tags: null },
      { device_id: 'd', amount: null, tags: [] },
      { device_id: 'e', amount: 5, tags: [null, 3] },
      { device_id: 'f', amount: 6, tags: [4] },
    ],
  },
  { name: 'array<int>', type: new arrow.List(new arrow.Field('element', new arrow.Int32(), true)), values: [[1, 2, 3], [], null, [null], [4], [5, 6]] },
  { name: 'array<string>', type: new arrow.List(new arrow.Field('element', new arrow.Utf8(), true)), values: [['x'], null, ['y', 'zz'], [], ['w'], [null, 'v']] },
  { name: 'map<string,long>', type: mapType, values: [[['a', 1n]], [], null, [['b', 2n], ['c', null]], [['d', 4n]], [['e', 5n], ['f', 6n]]] },
];

const pick = (values: readonly ScalarValue[], indices: readonly number[]): ScalarValue[] => indices.map((i) => (i < 0 ? null : values[i]));

describe.each(CASES)('take / filter / concat over $name', ({ type, values }) => {
  const data = dataFromValues(type, values);

  it('builds data that arrow itself reads back the same way', () => {
    // Independent oracle: arrow's own accessors agree on nulls and the scalar values.
    const vector = arrow.makeVector(data);
    for (let i = 0; i < values.length; i++) expect(vector.isValid(i)).toBe(values[i] !== null);
    if (type.typeId === arrow.Type.Utf8 || type.typeId === arrow.Type.Int || type.typeId === arrow.Type.Bool || type.typeId === arrow.Type.Date) {
      const expected = values.map((v) => (v === null ? null : type.typeId === arrow.Type.Date ? (v as number) * 86_400_000 : v));
      expect(vector.toArray().length).toBe(values.length);
      for (let i = 0; i < values.length; i++) {
        const got = vector.get(i);
        expect(got instanceof Date ? got.getTime() : got).toEqual(expected[i]);
      }
    }
  });

  it('takes rows in any order, with repeats and -1 as NULL', () => {
    const indices = [5, 0, 0, -1, 3, 2, 1];
    const taken = take(data, Int32Array.from(indices));
    expect(taken.length).toBe(indices.length);
    expect(valuesOf(taken)).toEqual(pick(values, indices));
    expect(taken.nullCount).toBe(pick(values, indices).filter((v) => v === null).length);
  });

  it('takes from a sliced input (offset ≠ 0)', () => {
    const sliced = data.slice(2, 3);
    expect(sliced.offset).toBe(2);
    expect(valuesOf(sliced)).toEqual(values.slice(2, 5));
    const taken = take(sliced, Int32Array.from([2, 0, -1, 1]));
    expect(valuesOf(taken)).toEqual(pick(values.slice(2, 5), [2, 0, -1, 1]));
    // A slice of a slice, then take again: offsets compose.
    const twice = take(data.slice(1, 5).slice(1, 3), Int32Array.from([0, 2, 1]));
    expect(valuesOf(twice)).toEqual([values[2], values[4], values[3]]);
  });

  it('takes zero rows', () => {
    const taken = take(data, new Int32Array(0));
    expect(taken.length).toBe(0);
    expect(valuesOf(taken)).toEqual([]);
  });

  it('filters by a mask where only TRUE keeps a row (NULL and FALSE drop it)', () => {
    const mask = dataFromValues(new arrow.Bool(), [true, false, null, true, true, null]);
    expect(Array.from(maskIndices(mask))).toEqual([0, 3, 4]);
    expect(valuesOf(filter(data, mask))).toEqual([values[0], values[3], values[4]]);
    const slicedMask = mask.slice(1, 4); // false, null, true, true
    expect(valuesOf(filter(data.slice(2, 4), slicedMask))).toEqual([values[4], values[5]]);
  });

  it('concatenates plain and sliced parts', () => {
    const parts = [data.slice(4, 2), data.slice(0, 1), data.slice(1, 3)];
    const joined = concat(parts);
    expect(joined.length).toBe(6);
    expect(valuesOf(joined)).toEqual([values[4], values[5], values[0], values[1], values[2], values[3]]);
    expect(valuesOf(concat([data]))).toEqual(values);
  });
});

describe('take over a struct', () => {
  it('masks the children of NULL parent rows but keeps the children aligned', () => {
    const data = dataFromValues(structType, [{ device_id: 'a', amount: 1, tags: [1] }, null, { device_id: 'c', amount: 3, tags: [] }]);
    const taken = take(data, Int32Array.from([2, 1, 0]));
    expect(valuesOf(taken.children[0])).toEqual(['c', null, 'a']);
    expect(valuesOf(taken.children[2])).toEqual([[], null, [1]]);
    expect(valuesOf(taken)).toEqual([{ device_id: 'c', amount: 3, tags: [] }, null, { device_id: 'a', amount: 1, tags: [1] }]);
  });

  it('reads arrow-built struct vectors (vectorFromArray) the same way', () => {
    const type = new arrow.Struct([new arrow.Field('x', new arrow.Int32(), true), new arrow.Field('y', new arrow.Utf8(), true)]);
    const vector = arrow.vectorFromArray([{ x: 1, y: 'a' }, { x: 2, y: 'b' }, { x: 3, y: 'c' }], type);
    const taken = take(vector.data[0].slice(1, 2), Int32Array.from([1, 0]));
    expect(valuesOf(taken)).toEqual([{ x: 3, y: 'c' }, { x: 2, y: 'b' }]);
  });
});
