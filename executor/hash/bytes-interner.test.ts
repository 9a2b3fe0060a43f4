import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { dataFromValues } from '../arrow/scalar.js';
import { BytesInterner } from './bytes-interner.js';
import { chunkDictionary } from './chunk-dictionary.js';
import { hashBytes } from './value-hash.js';

const utf8 = new TextEncoder();
const text = (interner: BytesInterner, id: number) => new TextDecoder().decode(interner.bytes.subarray(interner.start(id), interner.end(id)));

describe('BytesInterner', () => {
  it('numbers distinct strings in order of first sight, the empty string included', () => {
    const strings = new BytesInterner();
    const ids = ['AAPL', 'MSFT', 'AAPL', '', 'MSFT', ''].map((s) => {
      const b = utf8.encode(s);
      return strings.intern(b, 0, b.length, hashBytes(b, 0, b.length), true);
    });
    expect(ids).toEqual([0, 1, 0, 2, 1, 2]);
    expect([0, 1, 2].map((id) => text(strings, id))).toEqual(['AAPL', 'MSFT', '']);
  });

  it('tells apart different strings with the same hash (collisions compare bytes)', () => {
    const strings = new BytesInterner();
    const words = ['a', 'b', 'ab', 'ba', 'abc'].map((s) => utf8.encode(s));
    // Every string under one hash: every lookup walks the same probe chain.
    const ids = words.map((b) => strings.intern(b, 0, b.length, 7, true));
    expect(ids).toEqual([0, 1, 2, 3, 4]);
    expect(words.map((b) => strings.intern(b, 0, b.length, 7, false))).toEqual([0, 1, 2, 3, 4]);
    expect(strings.intern(utf8.encode('zz'), 0, 2, 7, false)).toBe(-1);
    expect(strings.size).toBe(5);
  });

  it('keeps every string through many growths (100,000 distinct)', () => {
    const strings = new BytesInterner();
    const key = (i: number) => utf8.encode(`key-${i * 7919}`);
    for (let i = 0; i < 100_000; i++) {
      const b = key(i);
      expect(strings.intern(b, 0, b.length, hashBytes(b, 0, b.length), true)).toBe(i);
    }
    for (const i of [0, 1, 4_095, 65_536, 99_999]) {
      const b = key(i);
      expect(strings.intern(b, 0, b.length, hashBytes(b, 0, b.length), false)).toBe(i);
      expect(text(strings, i)).toBe(`key-${i * 7919}`);
    }
  });
});

describe('chunkDictionary', () => {
  it('encodes rows as indexes into their distinct values, NULL as -1, with each value’s first row', () => {
    const data = dataFromValues(new arrow.Utf8(), ['b', null, 'a', 'b', '', 'a', null]);
    const { codes, values, firstRows } = chunkDictionary(data);
    expect(Array.from(codes)).toEqual([0, -1, 1, 0, 2, 1, -1]);
    expect([0, 1, 2].map((id) => text(values, id))).toEqual(['b', 'a', '']);
    expect(Array.from(firstRows)).toEqual([0, 2, 4]);
  });

  it('reuses the dictionary of a repeated column read from the same buffers, and of no other', () => {
    const rows = Array.from({ length: 4096 }, (_, i) => `T${i % 50}`);
    const data = dataFromValues(new arrow.Utf8(), rows);
    // A scan re-makes its Data objects over the same buffers (storage/scan/conform.ts).
    const again = arrow.makeData({ type: new arrow.Utf8(), length: data.length, nullCount: 0, valueOffsets: data.valueOffsets, data: data.values });
    expect(chunkDictionary(again)).toBe(chunkDictionary(data));
    const slice = data.slice(1, 4000);
    expect(chunkDictionary(slice)).not.toBe(chunkDictionary(data));
    expect(chunkDictionary(slice).codes[0]).toBe(0);
    expect(text(chunkDictionary(slice).values, 0)).toBe('T1');
    // The same offsets over other bytes (a kernel that keeps the lengths) are another column.
    const upper = arrow.makeData({ type: new arrow.Utf8(), length: data.length, nullCount: 0, valueOffsets: data.valueOffsets, data: data.values!.map((b) => (b === 84 ? 85 : b)) });
    expect(text(chunkDictionary(upper).values, 0)).toBe('U0');
    expect(text(chunkDictionary(data).values, 0)).toBe('T0');
    // Nearly unique strings are not kept: they would double the column's memory.
    const unique = dataFromValues(new arrow.Utf8(), Array.from({ length: 4096 }, (_, i) => `u${i}`));
    expect(chunkDictionary(unique)).not.toBe(chunkDictionary(unique));
  });

  it('keys short strings (≤ 7 bytes) by packed words: lengths, zero bytes, high bytes and many values stay apart', () => {
    const rows = ['', 'a', 'a\u0000', 'ab', 'abc', 'abcd', 'abcdefg', 'abcdef', 'é', 'éé', '\u00ff\u00ff\u00ff', null, 'a', 'abcdefg', 'é'];
    const { codes, values, firstRows } = chunkDictionary(dataFromValues(new arrow.Utf8(), rows));
    expect(Array.from(codes)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, -1, 1, 6, 8]);
    expect(Array.from({ length: values.size }, (_, id) => text(values, id))).toEqual(rows.slice(0, 11));
    expect(Array.from(firstRows)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    // 5,000 distinct short values across table growths, then each again.
    const many = Array.from({ length: 10_000 }, (_, i) => `v${i % 5000}`);
    const encoded = chunkDictionary(dataFromValues(new arrow.Utf8(), many));
    expect(encoded.values.size).toBe(5000);
    expect(Array.from(encoded.codes.subarray(4998, 5002))).toEqual([4998, 4999, 0, 1]);
    expect(text(encoded.values, 4999)).toBe('v4999');
  });

  it('gives the same encoding when one row is longer than 7 bytes (the general path)', () => {
    const rows = ['b', null, 'a', 'b', 'a-much-longer-value', 'a'];
    const { codes, values } = chunkDictionary(dataFromValues(new arrow.Utf8(), rows));
    expect(Array.from(codes)).toEqual([0, -1, 1, 0, 2, 1]);
    expect(text(values, 2)).toBe('a-much-longer-value');
  });

  it('encodes an empty column', () => {
    const { codes, values } = chunkDictionary(dataFromValues(new arrow.Utf8(), []));
    expect(codes.length).toBe(0);
    expect(values.size).toBe(0);
  });
});
