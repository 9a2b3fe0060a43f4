import { gzipSync } from 'node:zlib';
import { snappyCompress } from 'hysnappy';
import { describe, expect, it } from 'vitest';
import { Declined } from './decline.js';
import { decompress } from './decompress.js';
import { readsInPlace } from './snappy.js';

/** A page-sized payload snappy compresses partly (short repeats among random bytes), as price columns do. */
function sample(length: number): Uint8Array {
  const out = new Uint8Array(length);
  let seed = 12345;
  for (let i = 0; i < length; i++) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    out[i] = i % 8 < 4 ? (seed >>> 24) & 0xff : i & 0x0f;
  }
  return out;
}

describe('decompress', () => {
  it('decodes snappy, gzip and uncompressed pages to the same bytes', () => {
    const page = sample(300_000);
    expect(decompress('SNAPPY', snappyCompress(page), page.length)).toEqual(page);
    expect(new Uint8Array(decompress('GZIP', gzipSync(page), page.length))).toEqual(page);
    expect(decompress('UNCOMPRESSED', page, page.length)).toBe(page);
    // A second, smaller page through the same instance: no stale bytes from the first.
    const small = sample(100);
    expect(decompress('SNAPPY', snappyCompress(small), small.length)).toEqual(small);
  });

  it('declines a page whose size disagrees with its header', () => {
    const page = sample(1_000);
    expect(() => decompress('SNAPPY', snappyCompress(page), 999)).toThrow(new Declined('snappy page of 1000 bytes, header says 999'));
    expect(() => decompress('GZIP', gzipSync(page), 1_001)).toThrow(new Declined('page decompressed to 1000 bytes, header says 1001'));
  });

  it('declines corrupt snappy data, and the next page still decodes', () => {
    const page = sample(50_000);
    const corrupt = snappyCompress(page);
    corrupt.fill(0xff, 3, 40); // the length preamble intact, the tags after it garbage
    expect(() => decompress('SNAPPY', corrupt, page.length)).toThrow(Declined);
    expect(() => decompress('SNAPPY', snappyCompress(page).subarray(0, 1_000), page.length)).toThrow(Declined);
    expect(decompress('SNAPPY', snappyCompress(page), page.length)).toEqual(page);
  });

  it('reads snappy pages in place: the answer is a view of the decoder memory, valid until the next page', () => {
    expect(readsInPlace()).toBe(true);
    const first = sample(2_000);
    const view = decompress('SNAPPY', snappyCompress(first), first.length);
    expect(view).toEqual(first);
    expect(view.buffer.byteLength).toBeGreaterThan(view.length); // inside the instance's memory, not a copy
    const copy = view.slice();
    // A page bigger than the memory so far grows it; the earlier view is then stale, as documented.
    const big = sample(6_000_000);
    expect(decompress('SNAPPY', snappyCompress(big), big.length)).toEqual(big);
    expect(copy).toEqual(first);
    expect(view.length === 0 || !view.every((b, i) => b === first[i])).toBe(true);
  });
});
