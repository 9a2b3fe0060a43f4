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

  it('stops with 57014 once its signal is aborted, letting a timer run meanwhile', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 1);
    const error = await sortIndicesCancellable(keys(), 300_000, controller.signal).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(SqlError);
    expect((error as SqlError).sqlstate).toBe('57014');
  });
});
