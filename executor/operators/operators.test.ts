import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { makeBatch } from '../arrow/batch.js';
import { dataFromValues, valuesOf } from '../arrow/scalar.js';
import { ColumnExpr } from '../expr/column.js';
import { BinaryExpr } from '../expr/binary.js';
import { LiteralExpr } from '../expr/literal.js';
import type { ExecContext, PhysicalOperator } from '../operator.js';
import { FilterExec } from './filter.js';
import { LimitExec } from './limit.js';
import { ScanExec } from './scan.js';
import { SortExec } from './sort.js';

const schema = new arrow.Schema([new arrow.Field('n', new arrow.Int32(), true)]);

/** A source of `batches` batches of `rows` rows (n = 0, 1, 2, …) that records how far it was read. */
function countingSource(batches: number, rows: number) {
  const state = { pulled: 0, closed: false };
  const source = {
    displayName: 'test.numbers',
    version: 0,
    async *scan() {
      try {
        for (let b = 0; b < batches; b++) {
          state.pulled++;
          const values = Array.from({ length: rows }, (_, i) => b * rows + i);
          yield makeBatch(schema, [dataFromValues(new arrow.Int32(), values)], rows);
        }
      } finally {
        state.closed = true;
      }
    },
  };
  return { scan: new ScanExec(source, ['n'], schema), state };
}

async function rows(op: PhysicalOperator, ctx: ExecContext = {}): Promise<number[]> {
  const out: number[] = [];
  for await (const batch of op.execute(ctx)) out.push(...(valuesOf(batch.data.children[0]) as number[]));
  return out;
}

describe('LimitExec', () => {
  it('stops pulling once it has its rows and closes the upstream iterator', async () => {
    const { scan, state } = countingSource(100, 10);
    expect(await rows(new LimitExec(scan, 15, 3))).toEqual(Array.from({ length: 15 }, (_, i) => i + 3));
    expect(state.pulled).toBe(2);
    expect(state.closed).toBe(true);
  });

  it('LIMIT 0 reads nothing; OFFSET past the end gives nothing', async () => {
    const a = countingSource(5, 10);
    expect(await rows(new LimitExec(a.scan, 0, 0))).toEqual([]);
    expect(a.state.pulled).toBe(0);
    const b = countingSource(2, 10);
    expect(await rows(new LimitExec(b.scan, undefined, 25))).toEqual([]);
  });
});

describe('SortExec', () => {
  const key = (descending: boolean) => ({ expr: new ColumnExpr(0, 'n', new arrow.Int32()), descending, nullsFirst: descending });

  it('sorts across batches', async () => {
    const { scan } = countingSource(4, 5);
    expect(await rows(new SortExec(scan, [key(true)]))).toEqual(Array.from({ length: 20 }, (_, i) => 19 - i));
  });

  it('keeps only the best `fetch` rows as a top-N over many batches', async () => {
    const { scan } = countingSource(50, 4000);
    const sorted = await rows(new SortExec(scan, [key(true)], 3));
    expect(sorted).toEqual([199_999, 199_998, 199_997]);
  });

  it('explains itself', () => {
    const { scan } = countingSource(1, 1);
    expect(new SortExec(scan, [key(false)], 7).explain()).toBe('TopN: fetch=7 n ASC NULLS LAST dynamic_filter=[n]');
    expect(new FilterExec(scan, new BinaryExpr('>', new ColumnExpr(0, 'n', new arrow.Int32()), new LiteralExpr(3, new arrow.Int32(), '3'), new arrow.Bool())).explain()).toBe('Filter: n > 3');
  });
});

describe('cancellation', () => {
  it('stops with 57014 when the signal is aborted between batches', async () => {
    const { scan } = countingSource(10, 2);
    const controller = new AbortController();
    const seen: number[] = [];
    await expect(async () => {
      for await (const batch of new FilterExec(scan, new LiteralExpr(true, new arrow.Bool(), 'true')).execute({ signal: controller.signal })) {
        seen.push(batch.numRows);
        controller.abort();
      }
    }).rejects.toMatchObject({ sqlstate: '57014' });
    expect(seen).toEqual([2]);
  });
});

describe('SortExec top-N over many batches', () => {
  it('keeps exactly the rows a full sort would, ties in input order, across batches that mostly lose', async () => {
    const n = 20_000;
    const values = Array.from({ length: n }, (_, i) => (i * 7919) % 1000); // many ties
    const ids = Array.from({ length: n }, (_, i) => i);
    const schema = new arrow.Schema([new arrow.Field('v', new arrow.Int32()), new arrow.Field('id', new arrow.Int32())]);
    const batches = Array.from({ length: 20 }, (_, b) =>
      new arrow.RecordBatch(schema, arrow.makeData({ type: new arrow.Struct(schema.fields), length: 1000, nullCount: 0, children: [
        arrow.makeData({ type: new arrow.Int32(), length: 1000, nullCount: 0, data: Int32Array.from(values.slice(b * 1000, b * 1000 + 1000)) }),
        arrow.makeData({ type: new arrow.Int32(), length: 1000, nullCount: 0, data: Int32Array.from(ids.slice(b * 1000, b * 1000 + 1000)) }),
      ] })));
    const source = { schema, children: [], explain: () => 'Source', execute: async function* () { yield* batches; } };
    for (const [fetch, descending] of [[7, true], [7, false], [1500, true], [0, false]] as const) {
      const sort = new SortExec(source, [{ expr: new ColumnExpr(0, 'v', new arrow.Int32()), descending, nullsFirst: false }], fetch);
      const got: number[] = [];
      for await (const b of sort.execute({})) got.push(...(b.getChildAt(1)!.toArray() as Int32Array));
      const expected = ids.slice().sort((a, b) => (descending ? values[b]! - values[a]! : values[a]! - values[b]!) || a - b).slice(0, fetch);
      expect(got, `fetch=${fetch} desc=${descending}`).toEqual(expected);
    }
  });
});
