import { describe, expect, it } from 'vitest';
import { BufferPool, sizeClass } from './buffer-pool.js';

describe('sizeClass', () => {
  it('rounds up to an eighth of the next power of two, 4 KiB at least', () => {
    expect([1, 4096, 4097, 16_413, 2_300_000, 2_621_440, 2_621_441].map(sizeClass)).toEqual([4096, 4096, 5120, 20_480, 2_621_440, 2_621_440, 3_145_728]);
  });
});

describe('BufferPool', () => {
  it('hands a buffer it was given back for the next take of its size class, not before', () => {
    const pool = new BufferPool();
    const a = pool.take(10_000);
    const b = pool.take(10_000);
    expect(a.length).toBe(10_000);
    expect(a.buffer).not.toBe(b.buffer); // both in use
    pool.give(a);
    const c = pool.take(9_000); // same class (10,240)
    expect(c.buffer).toBe(a.buffer);
    expect(c.length).toBe(9_000);
    expect(pool.take(9_000).buffer).not.toBe(a.buffer); // taken again: not handed out twice
  });

  it('keeps at most its limit of idle buffers per size, once each, and ignores bytes it did not make', () => {
    const pool = new BufferPool(2);
    const taken = [pool.take(5000), pool.take(5000), pool.take(5000)];
    for (const bytes of taken) pool.give(bytes);
    pool.give(taken[0] as Uint8Array); // twice
    const again = [pool.take(5000), pool.take(5000), pool.take(5000)].map((b) => b.buffer);
    expect(again.filter((buffer) => taken.some((t) => t.buffer === buffer))).toHaveLength(2);
    pool.give(new Uint8Array(5000)); // not a class size
    pool.give(new Uint8Array(new ArrayBuffer(5120), 8, 100)); // a view into the middle
    expect(taken.some((t) => t.buffer === pool.take(5000).buffer)).toBe(false);
  });
});
