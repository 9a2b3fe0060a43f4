import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { CodedStringData } from '../../common/arrow/string-dictionary.js';
import { coded } from '../../common/arrow/testing/coded-strings.js';
import { makeBatch } from '../arrow/batch.js';
import { dataFromValues } from '../arrow/scalar.js';
import type { CompareOp } from '../kernels/compare.js';
import { BinaryExpr } from './binary.js';
import { CastExpr } from './cast.js';
import { ColumnExpr } from './column.js';
import { FunctionExpr } from './function.js';
import { InListExpr } from './in-list.js';
import { LikeExpr } from './like.js';
import { LiteralExpr } from './literal.js';
import type { PhysicalExpr } from './physical-expr.js';

const utf8 = new arrow.Utf8();
const ROWS = ['AAPL', 'MSFT', null, 'aapl', '', 'MSFT', 'Straße', null, 'AAPL', 'IBM'];

/** The same rows as a dictionary-coded column and as an ordinary one. */
function batches(rows: readonly (string | null)[]): { codedBatch: arrow.RecordBatch; plainBatch: arrow.RecordBatch; column: CodedStringData } {
  const schema = new arrow.Schema([new arrow.Field('s', utf8, true)]);
  const column = coded(rows);
  return { codedBatch: makeBatch(schema, [column], rows.length), plainBatch: makeBatch(schema, [dataFromValues(utf8, [...rows])], rows.length), column };
}

const s = new ColumnExpr(0, 's', utf8);
const text = (v: string | null) => new LiteralExpr(v, utf8, v === null ? 'NULL' : `'${v}'`);
const rowsOf = (data: arrow.Data) => arrow.makeVector(data).toArray();

describe('row-wise expressions over a dictionary-coded string column, once per distinct value', () => {
  const { codedBatch, plainBatch, column } = batches(ROWS);
  const OPS: CompareOp[] = ['=', '<>', '<', '<=', '>', '>='];
  const cases: [string, PhysicalExpr][] = [
    ...OPS.map((op): [string, PhysicalExpr] => [`s ${op} 'MSFT'`, new BinaryExpr(op, s, text('MSFT'), new arrow.Bool())]),
    ...OPS.map((op): [string, PhysicalExpr] => [`'MSFT' ${op} s`, new BinaryExpr(op, text('MSFT'), s, new arrow.Bool())]),
    ["s = NULL", new BinaryExpr('=', s, text(null), new arrow.Bool())],
    ['upper(s)', new FunctionExpr('upper', [s], utf8)],
    ['length(s)', new FunctionExpr('length', [s], new arrow.Int32())],
    // concat skips NULL: a NULL row answers 'x', so the NULL value is evaluated too.
    ["concat(s, 'x')", new FunctionExpr('concat', [s, text('x')], utf8)],
    ["coalesce(s, 'none')", new FunctionExpr('coalesce', [s, text('none')], utf8)],
    ["s LIKE 'A%'", new LikeExpr(s, 'A%', false, false)],
    ["s NOT ILIKE 'a%'", new LikeExpr(s, 'a%', true, true)],
    ["s IN ('AAPL', 'IBM')", new InListExpr(s, [text('AAPL'), text('IBM')], false)],
    ["s NOT IN ('AAPL', NULL)", new InListExpr(s, [text('AAPL'), text(null)], true)],
    ['CAST(s AS bytea)', new CastExpr(s, new arrow.Binary())],
  ];

  it.each(cases)('%s answers what it answers row by row, without building the column', (_, expr) => {
    const expected = rowsOf(expr.evaluate(plainBatch));
    const got = expr.evaluate(codedBatch);
    expect(rowsOf(got)).toEqual(expected);
    expect(column.materialised).toBe(false);
  });

  it('evaluates a two-column expression row by row (building the column)', () => {
    const both = batches(ROWS);
    const eq = new BinaryExpr('=', s, s, new arrow.Bool());
    expect(rowsOf(eq.evaluate(both.codedBatch))).toEqual(rowsOf(eq.evaluate(both.plainBatch)));
    expect(both.column.materialised).toBe(true);
  });

  it('raises the error row-by-row evaluation raises (a cast of a non-number)', () => {
    const { codedBatch: bad } = batches(['1', '22', 'x', '1']);
    const toInt = new CastExpr(s, new arrow.Int32());
    expect(() => toInt.evaluate(bad)).toThrow(/invalid input syntax for type integer: "x"/);
    const { codedBatch: good, plainBatch } = batches(['1', '22', null, '1']);
    expect(rowsOf(toInt.evaluate(good))).toEqual(rowsOf(toInt.evaluate(plainBatch)));
  });
});
