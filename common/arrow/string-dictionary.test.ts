import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { dataBytes } from './data-bytes.js';
import { CodedStringData, stringDictionaryOf } from './string-dictionary.js';
import { coded } from './testing/coded-strings.js';
import { take } from './take.js';

const long = 'a value well over thirty-two bytes long, copied with set';
const ROWS = ['AAPL', 'MSFT', null, 'AAPL', '', long, 'ünïcode', null, 'MSFT', long];

describe('CodedStringData: a string column held as dictionary codes', () => {
  it('reads as the plain column it encodes, its offsets and bytes built once on first read', () => {
    const data = coded(ROWS);
    expect(data.materialised).toBe(false);
    expect(data.nullCount).toBe(2);
    expect(arrow.makeVector(data).toArray()).toEqual(ROWS);
    expect(data.materialised).toBe(true);
    const offsets = data.valueOffsets;
    expect(data.valueOffsets).toBe(offsets); // built once
    expect([...offsets.subarray(0, 4)]).toEqual([0, 4, 8, 8]); // NULL rows are empty slots
    expect(new TextDecoder().decode(data.values)).toBe(ROWS.filter((v) => v !== null).join(''));
  });

  it('takes rows still coded, renumbered by first appearance, NULL for a negative index, without building either column', () => {
    const data = coded(ROWS);
    const taken = take(data, Int32Array.from([5, 2, -1, 0, 9, 4, 0])) as CodedStringData;
    expect(data.materialised).toBe(false);
    expect(taken).toBeInstanceOf(CodedStringData);
    expect(taken.materialised).toBe(false);
    expect(taken.nullCount).toBe(2);
    expect([...taken.coding.codes]).toEqual([0, -1, -1, 1, 0, 2, 1]);
    expect([...taken.coding.firstRows]).toEqual([0, 3, 5]);
    expect(new TextDecoder().decode(taken.coding.valueBytes)).toBe(`${long}AAPL`);
    expect(arrow.makeVector(taken).toArray()).toEqual([long, null, null, 'AAPL', long, '', 'AAPL']);
  });

  it('counts the memory it holds without building the column, and what it holds once built', () => {
    const data = coded(ROWS);
    const held = data.coding.codes.byteLength + data.coding.valueOffsets.byteLength + data.coding.valueBytes.byteLength + data.coding.firstRows.byteLength + (data.nullBitmap?.byteLength ?? 0);
    expect(dataBytes(data)).toBe(held);
    expect(data.materialised).toBe(false);
    data.materialise();
    expect(dataBytes(data)).toBe(held + data.valueOffsets.byteLength + data.values.byteLength);
  });

  it('slices and clones into ordinary columns over the built buffers, which keep the dictionary', () => {
    const data = coded(ROWS);
    const slice = data.slice(3, 4);
    expect(slice).not.toBeInstanceOf(CodedStringData);
    expect(arrow.makeVector(slice).toArray()).toEqual(['AAPL', '', long, 'ünïcode']);
    expect(stringDictionaryOf(data)).toBe(data.coding);
    expect(stringDictionaryOf(data.clone())).toBe(data.coding);
  });

  it('works as Binary, and as a column of only NULLs', () => {
    const binary = coded(['x', 'yz', 'x'], new arrow.Binary());
    expect(arrow.makeVector(binary).toArray().map((b: Uint8Array) => [...b])).toEqual([[120], [121, 122], [120]]);
    const nulls = coded([null, null]);
    expect(arrow.makeVector(nulls).toArray()).toEqual([null, null]);
    expect(nulls.values.length).toBe(0);
  });

  it('refuses to have its buffers assigned (they come from its dictionary)', () => {
    const data = coded(['a']);
    expect(() => {
      (data as unknown as { values: Uint8Array }).values = new Uint8Array(1);
    }).toThrow(/built from its dictionary/);
  });
});
