import { describe, expect, it } from 'vitest';
import { orderedPrefetch } from './prefetch.js';

describe('orderedPrefetch', () => {
  it('yields every source in order while later sources have already started', async () => {
    const started: number[] = [];
    const source = (n: number) => async function* () {
      started.push(n);
      for (let i = 0; i < 3; i++) {
        await new Promise((r) => setTimeout(r, (3 - n) * 2));
        yield `${n}.${i}`;
      }
    };
    const out: string[] = [];
    for await (const item of orderedPrefetch([0, 1, 2, 3].map(source), 2)) {
      if (out.length === 0) expect(started).toEqual([0, 1]);
      out.push(item);
    }
    expect(out).toEqual(['0.0', '0.1', '0.2', '1.0', '1.1', '1.2', '2.0', '2.1', '2.2', '3.0', '3.1', '3.2']);
  });

  it('closes the sources it started when the consumer stops early', async () => {
    const closed: number[] = [];
    const source = (n: number) => async function* () {
      try {
        for (let i = 0; ; i++) yield n * 100 + i;
      } finally {
        closed.push(n);
      }
    };
    for await (const item of orderedPrefetch([0, 1, 2].map(source), 2)) if (item === 1) break;
    expect(closed.sort()).toEqual([0, 1]);
  });

  it('reports a failure of a prefetched source when its turn comes, not as an unhandled rejection', async () => {
    const ok = async function* () { yield 'a'; };
    const bad = async function* (): AsyncGenerator<string> { throw new Error('boom'); };
    const out: string[] = [];
    await expect((async () => { for await (const x of orderedPrefetch([ok, bad], 2)) out.push(x); })()).rejects.toThrow('boom');
    expect(out).toEqual(['a']);
  });
});
