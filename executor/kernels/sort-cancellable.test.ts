import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { SqlError } from '../../common/sql-error.js';
import { sortIndicesCancellable } from './sort-cancellable.js';
import { sortIndices, type SortKey } from './sort.js';

/** 300,000 rows: a low-cardinality key with NULLs (many ties) and a float key, in a fixed pseudo-random order. */
function keys(): SortKey[] {
  const n = 300_000;
  let seed = 7;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const group = arrow.vectorFromArray(Array.from({ length: n }, () => (next() < 0.05 ? null : Math.floor(next() * 50))), new arrow.Int32()).data[0]!;
  const value = arrow.vectorFromArray(Array.from({ length: n }, () => Math.round(next() * 1000) / 10), new arrow.Float64()).data[0]!;
  return [
    { data: group, descending: true, nullsFirst: false },
    { data: value, descending: false, nullsFirst: true },
  ];
}

describe('sortIndicesCancellable', () => {
  it('gives the stable order sortIndices gives, over several runs and merges', async () => {
    const k = keys();
    const expected = sortIndices(k, 300_000);
    expect(Array.from(await sortIndicesCancellable(k, 300_000, undefined))).toEqual(Array.from(expected));
    // Ties keep input order: the single-key order differs from the two-key one.
    const single = [k[0]!];
    expect(Array.from(await sortIndicesCancellable(single, 300_000, undefined))).toEqual(Array.from(sortIndices(single, 300_000)));
  });

  it('radix-sorts text keys through their ranks: few distinct values, NULLs, DESC, a sliced column', async () => {
    const n = 300_000;
    let seed = 11;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const tickers = arrow.vectorFromArray(Array.from({ length: n + 1000 }, () => (next() < 0.03 ? null : `T${Math.floor(next() * 700)}`)), new arrow.Utf8()).data[0]!.slice(1000, n);
    const close = arrow.vectorFromArray(Array.from({ length: n }, () => (next() < 0.01 ? null : Math.round(next() * 500) / 4)), new arrow.Float64()).data[0]!;
    for (const k of [
      [{ data: tickers, descending: false, nullsFirst: false }, { data: close, descending: true, nullsFirst: true }],
      [{ data: tickers, descending: true, nullsFirst: true }],
      [{ data: close, descending: false, nullsFirst: false }, { data: tickers, descending: true, nullsFirst: false }],
    ] satisfies SortKey[][]) {
      expect(Array.from(await sortIndicesCancellable(k, n, undefined))).toEqual(Array.from(sortIndices(k, n)));
    }
  });

  it('sorts a radix bucket of more than 2^20 rows (values crowded into one 16-bit prefix) in runs and merges', async () => {
    const n = 1_100_000;
    let seed = 5;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    // 100.00 … 100.49 share the top 16 bits of their high word, so ~1.08M rows share one bucket;
    // 1% of 5000.x keep the high halves varying (else the low halves would be the buckets).
    const value = () => (next() < 0.01 ? 5000 + Math.floor(next() * 10) : 100 + Math.floor(next() * 50) / 100);
    const crowded = arrow.vectorFromArray(Array.from({ length: n }, () => (next() < 0.01 ? null : value())), new arrow.Float64()).data[0]!;
    const tie = arrow.vectorFromArray(Array.from({ length: n }, () => Math.floor(next() * 3)), new arrow.Int32()).data[0]!;
    const k: SortKey[] = [{ data: crowded, descending: true, nullsFirst: false }, { data: tie, descending: false, nullsFirst: false }];
    expect(Array.from(await sortIndicesCancellable(k, n, undefined))).toEqual(Array.from(sortIndices(k, n)));
  });

  it('falls back to comparing text with many distinct values, same order', async () => {
    const n = 200_000;
    const words = arrow.vectorFromArray(Array.from({ length: n }, (_, i) => `w${(i * 7919) % n}`), new arrow.Utf8()).data[0]!;
    const k: SortKey[] = [{ data: words, descending: true, nullsFirst: false }];
    const order = await sortIndicesCancellable(k, n, undefined);
    expect(Array.from(order)).toEqual(Array.from(sortIndices(k, n)));
    expect(arrow.makeVector(words).get(order[0] as number)).toBe('w99999'); // the greatest by bytes
  });

  it('stops with 57014 once its signal is aborted, letting a timer run meanwhile', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 1);
    const error = await sortIndicesCancellable(keys(), 300_000, controller.signal).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(SqlError);
    expect((error as SqlError).sqlstate).toBe('57014');
  });
});
