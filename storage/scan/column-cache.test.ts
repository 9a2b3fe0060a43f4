import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { LocalObjectStore } from '../object-store/local.js';
import { DeltaTable } from '../table.js';
import { corpusPath } from '../testing/corpus.js';
import { ColumnCache } from './column-cache.js';
import { scanSnapshot } from './scan.js';

const store = new LocalObjectStore();

async function scanAll(name: string, columns: string[], cache: ColumnCache): Promise<unknown[][]> {
  const snapshot = await new DeltaTable(store, corpusPath(name), name).latest();
  const rows: unknown[][] = [];
  for await (const batch of scanSnapshot(store, snapshot, { columns, cache })) {
    for (let i = 0; i < batch.numRows; i++) rows.push(batch.schema.fields.map((_, c) => batch.getChildAt(c)!.get(i)));
  }
  return rows;
}

describe('the column cache', () => {
  it('serves a second scan of the same columns from memory, with the same rows', async () => {
    const cache = new ColumnCache(64 * 1024 * 1024);
    const first = await scanAll('dv-partitioned-with-checkpoint', ['col1', 'col2', 'part'], cache);
    const misses = cache.stats.misses;
    const second = await scanAll('dv-partitioned-with-checkpoint', ['col1', 'col2', 'part'], cache);
    expect(second).toEqual(first);
    expect(cache.stats.misses).toBe(misses);
    expect(cache.stats.hits).toBeGreaterThan(0);
  });

  it('applies deletion vectors to cached columns on every scan (the cache holds file columns as stored)', async () => {
    const cache = new ColumnCache(64 * 1024 * 1024);
    const uncached = await scanAll('table-with-dv-small', ['value'], new ColumnCache(0));
    await scanAll('table-with-dv-small', ['value'], cache);
    expect(await scanAll('table-with-dv-small', ['value'], cache)).toEqual(uncached);
    expect(uncached.length).toBe(8);
  });

  it('evicts the least recently used files to stay within its budget', () => {
    const data = (n: number) => arrow.makeData({ type: new arrow.Int32(), length: n, nullCount: 0, data: new Int32Array(n) });
    const cache = new ColumnCache(4 * 4000);
    const store3 = (key: string) => cache.store(key, [], [1000], new Map([['c', [data(1000)]]]));
    store3('a');
    store3('b');
    store3('c');
    expect(cache.lookup('a', ['c'])).toBeDefined(); // a is now the most recent
    store3('d');
    store3('e');
    expect(cache.bytesUsed).toBeLessThanOrEqual(cache.budgetBytes);
    expect(cache.lookup('a', ['c'])).toBeDefined();
    expect(cache.lookup('b', ['c'])).toBeUndefined();
    expect(cache.stats.evictions).toBeGreaterThan(0);
  });

  it('asks for a whole read the second time a narrowed read of the same chunks comes, and never without a budget', () => {
    const cache = new ColumnCache(1024);
    expect(cache.readWhole('a')).toBe(false);
    expect(cache.readWhole('b')).toBe(false);
    expect(cache.readWhole('a')).toBe(true);
    // The whole read was asked for once: the next narrowed read of `a` (the cache evicted it, say) starts over.
    expect(cache.readWhole('a')).toBe(false);
    expect(cache.readWhole('b')).toBe(true);
    const none = new ColumnCache(0);
    expect(none.readWhole('a')).toBe(false);
    expect(none.readWhole('a')).toBe(false);
  });
});
