import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { SqlError } from '../../common/sql-error.js';
import { dataFromValues, type ScalarValue } from '../arrow/scalar.js';
import { APPLY_CACHE_ENTRIES, ApplyExec, valuesKey, type ApplyRows } from './apply.js';
import { collect, MemorySource, schemaOf } from './hash-join/test-source.js';

// A correlated subquery run per row: `evaluate` stands for "plan the subquery with these values
// and run it" (planner/binder/per-value.ts); here it returns the multiples of its value up to 3×,
// so each run is checkable by hand, and counts how often it ran.
const input = (rows: ScalarValue[][], batchSize = 2) => new MemorySource(schemaOf([['id', new arrow.Int32()], ['k', new arrow.Int32()]]), rows, batchSize);
const rowsOf = (values: ScalarValue[]): ApplyRows => ({ columns: [dataFromValues(new arrow.Int64(), values)], length: values.length });

function multiples(upTo: number) {
  const runs: ScalarValue[][] = [];
  const evaluate = async (values: readonly ScalarValue[]): Promise<ApplyRows> => {
    runs.push([...values]);
    const k = values[0];
    if (k === null) return rowsOf([]);
    return rowsOf(Array.from({ length: Math.min(Number(k), upTo) }, (_, i) => BigInt(Number(k) * (i + 1))));
  };
  return { runs, evaluate };
}

const field = [new arrow.Field('m', new arrow.Int64(), true)];

describe('ApplyExec', () => {
  it('repeats each input row once per subquery row (LATERAL), dropping rows with none', async () => {
    const { evaluate } = multiples(3);
    const op = new ApplyExec(input([[1, 2], [2, 0], [3, 1]]), [1], evaluate, field, 'LATERAL (subquery)');
    expect((await collect(op)).rows).toEqual(['1|2|2', '1|2|4', '3|1|1']);
  });

  it('keeps a row with no subquery rows once, NULL-padded, for a LEFT JOIN LATERAL', async () => {
    const { evaluate } = multiples(3);
    const op = new ApplyExec(input([[1, 2], [2, 0], [3, null]]), [1], evaluate, field, 'LATERAL (subquery)', 'left');
    expect((await collect(op)).rows).toEqual(['1|2|2', '1|2|4', '2|0|NULL', '3|NULL|NULL']);
  });

  it('runs the subquery once per distinct value, across batches', async () => {
    const { runs, evaluate } = multiples(1);
    const op = new ApplyExec(input([[1, 5], [2, 7], [3, 5], [4, 7], [5, null], [6, null]], 2), [1], evaluate, field, '(subquery)', 'left');
    expect((await collect(op)).rows).toEqual(['1|5|5', '2|7|7', '3|5|5', '4|7|7', '5|NULL|NULL', '6|NULL|NULL']);
    expect(runs).toEqual([[5], [7], [null]]);
  });

  it('forgets its cache when it is full, and runs again', async () => {
    const { runs, evaluate } = multiples(1);
    const rows = Array.from({ length: APPLY_CACHE_ENTRIES + 1 }, (_, i) => [i, i + 1] as ScalarValue[]);
    rows.push([-1, 1]);
    const op = new ApplyExec(input(rows, 1024), [1], evaluate, field, '(subquery)');
    const { rows: out } = await collect(op);
    expect(out).toHaveLength(APPLY_CACHE_ENTRIES + 2);
    expect(out[out.length - 1]).toBe('-1|1|1');
    // Key 1 was run first, dropped with the full cache, and run again for the last row.
    expect(runs.filter((r) => r[0] === 1)).toHaveLength(2);
  });

  it('passes a subquery error on (21000 from a run)', async () => {
    const evaluate = async (): Promise<ApplyRows> => {
      throw new SqlError('21000', 'more than one row returned by a subquery used as an expression');
    };
    await expect(collect(new ApplyExec(input([[1, 1]]), [1], evaluate, field, '(subquery)'))).rejects.toMatchObject({ sqlstate: '21000' });
  });

  it('tells values apart by type in its cache key', () => {
    expect(valuesKey([1n])).not.toBe(valuesKey(['1n']));
    expect(valuesKey([1])).not.toBe(valuesKey(['1']));
    expect(valuesKey([null])).not.toBe(valuesKey(['null']));
    expect(valuesKey([new Uint8Array([1, 2])])).toBe(valuesKey([new Uint8Array([1, 2])]));
    expect(valuesKey([{ a: 1n }, [1, null]])).toBe(valuesKey([{ a: 1n }, [1, null]]));
  });
});
