import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import type { DecodedChunk } from './column-chunk.js';
import type { FlatColumn, OutputKind } from './column-plan.js';
import { aggregateRowGroup, parseStateName, stateName } from './partial-aggregate.js';
import type { RawBatch, RawColumn } from './raw-batch.js';

const column = (name: string, type: arrow.DataType, output: OutputKind, fieldIndex: number): FlatColumn => ({
  name,
  field: new arrow.Field(name, type, true),
  fieldIndex,
  chunkIndex: fieldIndex,
  physical: output === 'bytes' ? 'BYTE_ARRAY' : output === 'float64' ? 'DOUBLE' : 'INT32',
  optional: true,
  output,
  utf8: output === 'bytes',
});

/** A dictionary-coded string chunk of `keys` (null = a NULL row). */
function stringKeys(keys: readonly (string | null)[], dictionary: readonly string[]): DecodedChunk {
  const bytes = new TextEncoder().encode(dictionary.join(''));
  const offsets = Int32Array.from([0, ...dictionary.map((_, i) => dictionary.slice(0, i + 1).join('').length)]);
  const codes = Int32Array.from(keys.filter((k) => k !== null).map((k) => dictionary.indexOf(k as string)));
  const valid = keys.includes(null) ? Uint8Array.from(keys, (k) => (k === null ? 0 : 1)) : null;
  return { rows: keys.length, valid, values: { kind: 'dictionary', codes, dictionary: { kind: 'bytes', offsets, bytes } } };
}

/** A dense double chunk (null = a NULL row). */
function doubles(values: readonly (number | null)[]): DecodedChunk {
  const valid = values.includes(null) ? Uint8Array.from(values, (v) => (v === null ? 0 : 1)) : null;
  return { rows: values.length, valid, values: { kind: 'fixed', array: Float64Array.from(values.filter((v) => v !== null) as number[]) } };
}

/** A column of the batch as plain values (NULL as null; a coded string column decoded). */
function read(batch: RawBatch, name: string): unknown[] {
  const c = batch.columns[batch.names.indexOf(name)] as RawColumn;
  const isValid = (i: number) => c.validity === null || ((c.validity[i >> 3] as number) >> (i & 7)) & 1;
  return Array.from({ length: c.length }, (_, i) => {
    if (!isValid(i)) return null;
    if (c.dictionary !== null) {
      const code = c.dictionary.codes[i] as number;
      return new TextDecoder().decode(c.dictionary.valueBytes.subarray(c.dictionary.valueOffsets[code], c.dictionary.valueOffsets[code + 1]));
    }
    return Number((c.values as Float64Array)[i]);
  });
}

const KEY = column('s', new arrow.Utf8(), 'bytes', 0);
const X = column('x', new arrow.Float64(), 'float64', 1);

describe('partial aggregation of a row group by its dictionary-coded key', () => {
  it('answers one row per key that has rows, the NULL key last, with count, sum, min and max', () => {
    const keys = ['b', 'a', null, 'b', 'a', 'b'];
    const xs = [1.5, null, 4, -2, 10, null];
    const batch = aggregateRowGroup([KEY, X], [stringKeys(keys, ['a', 'b', 'unused']), doubles(xs)], { key: 's', values: ['x'] });
    expect(batch?.names).toEqual(['s', stateName('rows'), stateName('count', 'x'), stateName('sum', 'x'), stateName('min', 'x'), stateName('max', 'x')]);
    const b = batch as RawBatch;
    expect(read(b, 's')).toEqual(['a', 'b', null]);
    expect(read(b, stateName('rows'))).toEqual([2, 3, 1]);
    expect(read(b, stateName('count', 'x'))).toEqual([1, 2, 1]);
    expect(read(b, stateName('sum', 'x'))).toEqual([10, -0.5, 4]);
    expect(read(b, stateName('min', 'x'))).toEqual([10, -2, 4]);
    expect(read(b, stateName('max', 'x'))).toEqual([10, 1.5, 4]);
    expect(parseStateName(stateName('min', 'x'))).toEqual({ state: 'min', column: 'x' });
    expect(parseStateName('x')).toBeUndefined();
  });

  it('leaves a key whose values are all NULL with NULL sum, min and max, and unasked extremes NULL', () => {
    const batch = aggregateRowGroup([KEY, X], [stringKeys(['a', 'b', 'a'], ['a', 'b']), doubles([null, 2, null])], { key: 's', values: ['x'], extremes: [] }) as RawBatch;
    expect(read(batch, stateName('count', 'x'))).toEqual([0, 1]);
    expect(read(batch, stateName('sum', 'x'))).toEqual([null, 2]);
    expect(read(batch, stateName('min', 'x'))).toEqual([null, null]);
    expect(read(batch, stateName('max', 'x'))).toEqual([null, null]);
  });

  it('groups an integer key by its dictionary codes', () => {
    const n = column('n', new arrow.Int32(), 'int32', 0);
    const keys: DecodedChunk = { rows: 4, valid: null, values: { kind: 'dictionary', codes: Int32Array.from([1, 0, 1, 1]), dictionary: { kind: 'fixed', array: Int32Array.from([70, -3]) } } };
    const batch = aggregateRowGroup([n, X], [keys, doubles([1, 2, 3, 4])], { key: 'n', values: ['x'] }) as RawBatch;
    expect(read(batch, 'n')).toEqual([70, -3]);
    expect(read(batch, stateName('sum', 'x'))).toEqual([2, 8]);
  });

  it('declines what it cannot aggregate exactly: a NaN among the extremes, a corrupt code, a key not dictionary-coded, a decimal', () => {
    const keys = stringKeys(['a', 'b'], ['a', 'b']);
    expect(aggregateRowGroup([KEY, X], [keys, doubles([NaN, 1])], { key: 's', values: ['x'] })).toBeUndefined();
    // NaN in a sum alone is PostgreSQL's NaN too: no need to decline.
    expect(aggregateRowGroup([KEY, X], [keys, doubles([NaN, 1])], { key: 's', values: ['x'], extremes: [] })).toBeDefined();
    const corrupt: DecodedChunk = { ...keys, values: { kind: 'dictionary', codes: Int32Array.from([0, 2]), dictionary: (keys.values as { dictionary: never }).dictionary } };
    expect(aggregateRowGroup([KEY, X], [corrupt, doubles([1, 1])], { key: 's', values: ['x'] })).toBeUndefined();
    const withNull = stringKeys(['a', null], ['a', 'b']);
    const corruptWithNull: DecodedChunk = { ...withNull, values: { kind: 'dictionary', codes: Int32Array.from([2]), dictionary: (withNull.values as { dictionary: never }).dictionary } };
    expect(aggregateRowGroup([KEY, X], [corruptWithNull, doubles([1, 1])], { key: 's', values: ['x'] })).toBeUndefined();
    const plain: DecodedChunk = { rows: 2, valid: null, values: { kind: 'bytes', offsets: Int32Array.from([0, 1, 2]), bytes: new TextEncoder().encode('ab') } };
    expect(aggregateRowGroup([KEY, X], [plain, doubles([1, 1])], { key: 's', values: ['x'] })).toBeUndefined();
    const decimal = column('x', new arrow.Decimal(2, 9, 32), 'int32', 1);
    const unscaled: DecodedChunk = { rows: 2, valid: null, values: { kind: 'fixed', array: Int32Array.from([150, 275]) } };
    expect(aggregateRowGroup([KEY, decimal], [keys, unscaled], { key: 's', values: ['x'] })).toBeUndefined();
  });
});
