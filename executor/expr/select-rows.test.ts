import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { maskIndices } from '../arrow/filter.js';
import { makeBatch } from '../arrow/batch.js';
import { dataFromValues, type ScalarValue } from '../arrow/scalar.js';
import type { CompareOp } from '../kernels/compare.js';
import { BinaryExpr } from './binary.js';
import { ColumnExpr } from './column.js';
import { LiteralExpr } from './literal.js';
import type { PhysicalExpr } from './physical-expr.js';
import { selectRows } from './select-rows.js';

const bool = new arrow.Bool();
const OPS: CompareOp[] = ['=', '<>', '<', '<=', '>', '>='];

function batchOf(columns: [string, arrow.DataType, ScalarValue[]][]): arrow.RecordBatch {
  const schema = new arrow.Schema(columns.map(([name, type]) => new arrow.Field(name, type, true)));
  return makeBatch(schema, columns.map(([, type, values]) => dataFromValues(type, values)), columns[0]?.[2].length ?? 0);
}

const column = (batch: arrow.RecordBatch, name: string) => {
  const index = batch.schema.fields.findIndex((f) => f.name === name);
  return new ColumnExpr(index, name, batch.schema.fields[index]!.type);
};
const cmp = (op: CompareOp, l: PhysicalExpr, r: PhysicalExpr) => new BinaryExpr(op, l, r, bool);
/** What the expression path (compare kernels, three-valued AND/OR, mask) answers. */
const reference = (p: PhysicalExpr, batch: arrow.RecordBatch) => Array.from(maskIndices(p.evaluate(batch)));

describe('selectRows', () => {
  it('selects like the comparison kernels for every operator over floats with NULL, NaN, -0 and infinities', () => {
    const f = new arrow.Float64();
    const batch = batchOf([
      ['a', f, [1, NaN, NaN, 2, null, -0, Infinity, -Infinity, 3]],
      ['b', f, [1, NaN, 5, NaN, 1, 0, 1, null, 2.5]],
    ]);
    for (const op of OPS) {
      const p = cmp(op, column(batch, 'a'), column(batch, 'b'));
      expect(Array.from(selectRows(p, batch)), op).toEqual(reference(p, batch));
      const c = cmp(op, column(batch, 'a'), new LiteralExpr(2, f, '2'));
      expect(Array.from(selectRows(c, batch)), `${op} 2`).toEqual(reference(c, batch));
    }
    // Spelled out for one operator: NaN = NaN, NaN is above 5, NULL rows never pass, -0 = 0.
    expect(Array.from(selectRows(cmp('>=', column(batch, 'a'), column(batch, 'b')), batch))).toEqual([0, 1, 2, 5, 6, 8]);
  });

  it('compares 64-bit integers and timestamps exactly across the 32-bit word boundary, either side a constant', () => {
    const big = new arrow.Int64();
    const values = [0n, -1n, 2n ** 32n, 2n ** 32n - 1n, -(2n ** 32n), 2n ** 62n, -(2n ** 63n), null, 2500000n];
    const batch = batchOf([['v', big, values], ['w', big, [...values].reverse()]]);
    for (const op of OPS) {
      for (const p of [
        cmp(op, column(batch, 'v'), column(batch, 'w')),
        cmp(op, column(batch, 'v'), new LiteralExpr(2n ** 32n - 1n, big, '4294967295')),
        cmp(op, new LiteralExpr(-1n, big, '-1'), column(batch, 'v')),
        cmp(op, column(batch, 'v'), new LiteralExpr(2500000, big, '2500000')),
      ]) {
        expect(Array.from(selectRows(p, batch)), String(p)).toEqual(reference(p, batch));
      }
    }
    const ts = new arrow.TimestampMicrosecond('UTC');
    const times = batchOf([['t', ts, [1_700_000_000_000_000n, null, -5n]]]);
    expect(Array.from(selectRows(cmp('<', column(times, 't'), new LiteralExpr(0n, ts, '0')), times))).toEqual([2]);
  });

  it('narrows conjunctions term by term and falls back to the expression for OR, strings and constants', () => {
    const i = new arrow.Int32();
    const d = new arrow.DateDay();
    const batch = batchOf([
      ['x', i, [1, 5, null, 7, 9, 3]],
      ['day', d, [19_000, 19_001, 19_002, null, 19_004, 19_005]],
      ['s', new arrow.Utf8(), ['a', 'b', 'c', 'd', null, 'f']],
    ]);
    const x = column(batch, 'x');
    const inRange = new BinaryExpr('AND', cmp('>', x, new LiteralExpr(2, i, '2')), cmp('<=', column(batch, 'day'), new LiteralExpr(19_004, d, "'2022-01-08'")), bool);
    expect(Array.from(selectRows(inRange, batch))).toEqual([1, 4]);
    const withString = new BinaryExpr('AND', inRange, cmp('<>', column(batch, 's'), new LiteralExpr('b', new arrow.Utf8(), "'b'")), bool);
    expect(Array.from(selectRows(withString, batch))).toEqual([]);
    const either = new BinaryExpr('OR', cmp('<', x, new LiteralExpr(2, i, '2')), cmp('=', column(batch, 's'), new LiteralExpr('f', new arrow.Utf8(), "'f'")), bool);
    expect(Array.from(selectRows(either, batch))).toEqual([0, 5]);
    expect(Array.from(selectRows(cmp('<', new LiteralExpr(1, i, '1'), new LiteralExpr(2, i, '2')), batch))).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('selects nothing from an empty batch', () => {
    const batch = batchOf([['x', new arrow.Int32(), []]]);
    expect(selectRows(cmp('>', column(batch, 'x'), new LiteralExpr(0, new arrow.Int32(), '0')), batch).length).toBe(0);
  });
});
