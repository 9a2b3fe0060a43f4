import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import type { ScalarValue } from '../arrow/scalar.js';
import { AssertSingleRowExec } from './assert-single-row.js';
import { collect, MemorySource, schemaOf } from './hash-join/test-source.js';

// The three cases of a scalar subquery, as PostgreSQL 15 answers them over
// r(id int, k text, rv int) = (2,'b',200),(2,'b',201),(3,NULL,300),(NULL,'c',400),(5,'e',500),(1,'x',100),(4,'d',401):
//   SELECT (SELECT rv FROM r WHERE id = 5)  → 500
//   SELECT (SELECT rv FROM r WHERE id = 99) → NULL
//   SELECT (SELECT rv FROM r WHERE id = 2)  → ERROR 21000: more than one row returned by a subquery used as an expression

const strict = new arrow.Schema([new arrow.Field('rv', new arrow.Int32(), false), new arrow.Field('k', new arrow.Utf8(), false)]);
const source = (rows: ScalarValue[][], batchSize = 1) => new MemorySource(strict, rows, batchSize);

describe('AssertSingleRowExec (PostgreSQL 15 semantics)', () => {
  it('passes one row through', async () => {
    expect((await collect(new AssertSingleRowExec(source([[500, 'e']])))).rows).toEqual(['500|e']);
  });

  it('turns no row into one row of NULLs, with every field nullable', async () => {
    const op = new AssertSingleRowExec(source([]));
    const { rows, schema } = await collect(op);
    expect(rows).toEqual(['NULL|NULL']);
    expect(schema?.fields.map((f) => f.nullable)).toEqual([true, true]);
  });

  it.each([1, 2])('fails with 21000 on a second row (input batches of %i) and closes its input', async (batchSize) => {
    const input = source([[200, 'b'], [201, 'b'], [202, 'b']], batchSize);
    await expect(collect(new AssertSingleRowExec(input))).rejects.toMatchObject({
      sqlstate: '21000',
      message: 'more than one row returned by a subquery used as an expression',
    });
    expect(input.state).toMatchObject({ opened: 1, closed: 1 });
    expect(input.state.batches).toBe(batchSize === 1 ? 2 : 1);
  });

  it('handles nested and 64-bit types in both the row and the NULL row', async () => {
    const schema = schemaOf([['ts', new arrow.TimestampMicrosecond()], ['s', new arrow.Struct([new arrow.Field('a', new arrow.Int64(), true)])], ['l', new arrow.List(new arrow.Field('item', new arrow.Utf8(), true))]]);
    const { rows } = await collect(new AssertSingleRowExec(new MemorySource(schema, [])));
    expect(rows).toEqual(['NULL|NULL|NULL']);
    const one = await collect(new AssertSingleRowExec(new MemorySource(schema, [[1n, { a: 2n }, ['x', null]]])));
    expect(one.rows).toEqual(['1|{"a":"2"}|["x",null]']);
  });

  it('explains itself', () => {
    expect(new AssertSingleRowExec(source([])).explain()).toBe('AssertSingleRow');
  });
});
