import { describe, expect, it } from 'vitest';
import { keepMask } from './selection.js';

const deleted = (...rows: number[]) => Float64Array.from(rows);
const mask = (m: Uint8Array | undefined) => (m === undefined ? undefined : [...m]);

describe('keepMask', () => {
  it('is undefined when the file has no deleted rows', () => {
    expect(keepMask(deleted(), 0, 10)).toBeUndefined();
  });

  it('is undefined when every deleted row is before or after the batch', () => {
    expect(keepMask(deleted(0, 1, 20, 30), 2, 18)).toBeUndefined(); // rows 2..19
  });

  it('drops the deleted rows of a whole file (table-with-dv-small: rows 0 and 9)', () => {
    expect(mask(keepMask(deleted(0, 9), 0, 10))).toEqual([0, 1, 1, 1, 1, 1, 1, 1, 1, 0]);
  });

  it('indexes the mask from the batch start', () => {
    expect(mask(keepMask(deleted(0, 9), 8, 4))).toEqual([1, 0, 1, 1]);
  });

  it('includes the first row and excludes the row just past the batch', () => {
    expect(mask(keepMask(deleted(5, 7, 8), 5, 3))).toEqual([0, 1, 0]);
    expect(mask(keepMask(deleted(4, 8), 5, 3))).toBeUndefined();
  });

  it('works for row indexes past 2^32', () => {
    const base = 2 ** 32;
    expect(mask(keepMask(deleted(1, base + 1, base + 3), base, 4))).toEqual([1, 0, 1, 0]);
  });

  it('handles an empty batch', () => {
    expect(keepMask(deleted(0, 1), 0, 0)).toBeUndefined();
  });
});
