import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { makeBatch } from '../arrow/batch.js';
import type { ExecContext, PhysicalOperator } from '../operator.js';
import { collect, MemorySource, schemaOf } from './hash-join/test-source.js';
import { RecursiveUnionExec } from './recursive-union.js';
import { WorkTableExec, type WorkTableSlot } from './work-table.js';

const int = new arrow.Int32();
const schema = schemaOf([['x', int]]);

/** The recursive term `SELECT next(x) FROM work WHERE next(x) IS NOT NULL`, over the real WorkTableExec. */
class Step implements PhysicalOperator {
  readonly children: readonly PhysicalOperator[];
  readonly schema = schema;
  constructor(readonly input: PhysicalOperator, readonly next: (x: number) => number | null) {
    this.children = [input];
  }
  explain(): string {
    return 'Step';
  }
  execute(ctx: ExecContext): AsyncIterable<arrow.RecordBatch> {
    const { input, next } = this;
    return (async function* step() {
      for await (const batch of input.execute(ctx)) {
        const values = batch.getChildAt(0)?.data[0].values as Int32Array;
        const out = [...values.subarray(0, batch.numRows)].map(next).filter((v): v is number => v !== null);
        if (out.length > 0) yield makeBatch(schema, [arrow.makeData({ type: int, length: out.length, data: Int32Array.from(out) })], out.length);
      }
    })();
  }
}

function recursive(anchor: number[], next: (x: number) => number | null, distinct: boolean, maxRounds?: number): RecursiveUnionExec {
  const slot: WorkTableSlot = { batches: [] };
  const step = new Step(new WorkTableExec(slot, 't', schema), next);
  return new RecursiveUnionExec(new MemorySource(schema, anchor.map((x) => [x]), 2), step, slot, distinct, 't', schema, maxRounds);
}

describe('RecursiveUnionExec', () => {
  it('UNION ALL: the anchor, then each round over the previous one, until a round is empty', async () => {
    // WITH RECURSIVE t(x) AS (VALUES (1), (10) UNION ALL SELECT x + 1 FROM t WHERE x < 3) → 1, 10, 2, 3
    const { rows } = await collect(recursive([1, 10], (x) => (x < 3 ? x + 1 : null), false));
    expect(rows).toEqual(['1', '10', '2', '3']);
  });

  it('UNION: rows seen before do not feed the next round, so a cycle ends', async () => {
    // x → (x % 3) + 1 cycles 1 → 2 → 3 → 1; duplicates in the anchor go too.
    const { rows } = await collect(recursive([1, 1, 2], (x) => (x % 3) + 1, true));
    expect(rows).toEqual(['1', '2', '3']);
  });

  it('stops a recursion that does not end with 54001 after maxRounds rounds', async () => {
    await expect(collect(recursive([1], (x) => x + 1, false, 50))).rejects.toMatchObject({ sqlstate: '54001', message: 'recursive query "t" did not finish within 50 iterations' });
  });

  it('stops when the consumer does, and a second run of the same plan starts from the anchor again', async () => {
    const node = recursive([1], (x) => (x < 7 ? x + 1 : null), false, 1_000);
    const seen: number[] = [];
    for await (const batch of node.execute({})) {
      seen.push((batch.getChildAt(0)?.data[0].values as Int32Array)[0]);
      if (seen.length === 3) break;
    }
    expect(seen).toEqual([1, 2, 3]);
    expect((await collect(node)).rows).toEqual(['1', '2', '3', '4', '5', '6', '7']);
    expect(node.explain()).toBe('RecursiveUnion: t all max_rounds=1000');
  });
});
