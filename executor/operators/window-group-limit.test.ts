import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { ColumnExpr } from '../expr/column.js';
import type { ScalarValue } from '../arrow/scalar.js';
import { collect, MemorySource, schemaOf, sorted } from './hash-join/test-source.js';
import { WindowExec } from './window.js';
import { WindowGroupLimitExec, type GroupLimitRank } from './window-group-limit.js';
import type { PhysicalSortKey } from './sort.js';

/**
 * The group limit must never change a window's answer: for every ranking function, limit,
 * direction and NULL placement, `window(limit(input))` filtered to `rank <= k` equals
 * `window(input)` filtered the same way — over data with ties, NULLs, NaN and int64 keys, cut
 * mid-stream (a small first cut) and not.
 */

/** Deterministic pseudo-random numbers (mulberry32). */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const schema = schemaOf([
  ['k', new arrow.Utf8()],
  ['v', new arrow.Float64()],
  ['w', new arrow.Int64()],
  ['id', new arrow.Int32()],
]);

/** `rising`: v grows with the row number, like a price series; else a few values in random order (many ties). */
function rows(count: number, seed: number, rising: boolean): ScalarValue[][] {
  const next = random(seed);
  const out: ScalarValue[][] = [];
  for (let i = 0; i < count; i++) {
    const r = next();
    // v: few distinct values (ties), some NULL and NaN, rising with i like a price series.
    const v = r < 0.05 ? null : r < 0.08 ? NaN : rising ? Math.floor(next() * 20) + Math.floor(i / 500) : Math.floor(next() * 4);
    const w = next() < 0.05 ? null : BigInt(Math.floor(next() * 7) - 3) * 3_000_000_000n;
    out.push([`k${Math.floor(next() * 13)}`, v, w, i]);
  }
  return out;
}

async function ranked(input: MemorySource, limited: boolean, rank: GroupLimitRank, k: number, order: PhysicalSortKey[], partition: boolean, minPrune: number): Promise<string[]> {
  const partitionBy = partition ? [new ColumnExpr(0, 'k', new arrow.Utf8())] : [];
  const source = limited ? new WindowGroupLimitExec(input, partitionBy, order, rank, k, minPrune) : input;
  const window = new WindowExec(source, partitionBy, order, [{ name: rank, args: [], type: new arrow.Int64(), outputName: 'rk' }]);
  const out = await collect(window);
  return sorted(out.rows.filter((row) => Number(row.split('|')[4]) <= k));
}

const v = new ColumnExpr(1, 'v', new arrow.Float64());
const w = new ColumnExpr(2, 'w', new arrow.Int64());
const id = new ColumnExpr(3, 'id', new arrow.Int32());
const orders: Record<string, PhysicalSortKey[]> = {
  'v DESC NULLS FIRST': [{ expr: v, descending: true, nullsFirst: true }],
  'v ASC NULLS LAST': [{ expr: v, descending: false, nullsFirst: false }],
  'v DESC NULLS LAST, w ASC NULLS FIRST': [{ expr: v, descending: true, nullsFirst: false }, { expr: w, descending: false, nullsFirst: true }],
  'w ASC NULLS FIRST': [{ expr: w, descending: false, nullsFirst: true }],
  'w DESC NULLS LAST, id': [{ expr: w, descending: true, nullsFirst: false }, { expr: id, descending: false, nullsFirst: false }],
};

describe('WindowGroupLimitExec', () => {
  const data = rows(6_000, 7, true);
  const ties = rows(1_500, 11, false);
  for (const [name, order] of Object.entries(orders)) {
    for (const rank of ['rank', 'dense_rank', 'row_number'] as const) {
      // row_number is only determined when the order has no ties: the unique `id` breaks them.
      if (rank === 'row_number' && !name.endsWith('id')) continue;
      it(`${rank} over ${name}: the same rows as the window alone`, async () => {
        for (const k of [1, 2, 5]) {
          for (const partition of [true, false]) {
            for (const [minPrune, rowsIn, batchSize] of [[64, data, 512], [100_000, data, 512], [16, ties, 16]] as const) {
              const input = new MemorySource(schema, rowsIn, batchSize);
              const expected = await ranked(input, false, rank, k, order, partition, minPrune);
              const actual = await ranked(input, true, rank, k, order, partition, minPrune);
              expect(actual).toEqual(expected);
              expect(expected.length).toBeGreaterThanOrEqual(partition ? 13 : 1);
            }
          }
        }
      });
    }
  }

  it('passes on far fewer rows than it reads for the top row per key', async () => {
    const input = new MemorySource(schema, data, 512);
    const limited = new WindowGroupLimitExec(input, [new ColumnExpr(0, 'k', new arrow.Utf8())], orders['v DESC NULLS FIRST']!, 'dense_rank', 1, 64);
    const out = await collect(limited);
    // 13 keys: each keeps its NULL-valued rows (NULLS FIRST ranks them first) and its best
    // values' ties; the rest of the 6,000 rows are cut.
    expect(out.rows.length).toBeLessThan(600);
    const nulls = data.filter((r) => r[1] === null).length;
    expect(out.rows.filter((r) => r.split('|')[1] === 'NULL').length).toBe(nulls);
  });

  it('keeps nothing for a limit below 1, and explains itself', async () => {
    const input = new MemorySource(schema, data.slice(0, 10), 4);
    const limited = new WindowGroupLimitExec(input, [], orders['v ASC NULLS LAST']!, 'rank', 0);
    expect((await collect(limited)).rows).toEqual([]);
    expect(input.state.opened).toBe(1);
    expect(limited.explain()).toBe('WindowGroupLimit: rank <= 0 partition=[] order=[v ASC NULLS LAST]');
  });
});
