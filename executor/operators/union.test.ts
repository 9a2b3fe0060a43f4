import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import type { ScalarValue } from '../arrow/scalar.js';
import { collect, MemorySource, schemaOf, sorted } from './hash-join/test-source.js';
import { UnionExec } from './union.js';

// Expected rows were produced by PostgreSQL 15 (psql -A -F'|' -P null=NULL) over
//   sa(x int, y text) = (1,'x'),(1,'x'),(1,'x'),(2,NULL),(2,NULL),(NULL,NULL),(3,'z')
//   sb(x int, y text) = (1,'x'),(1,'x'),(2,NULL),(NULL,NULL),(NULL,NULL),(4,'w')
// with `SELECT * FROM sa UNION [ALL] SELECT * FROM sb`. NULLs compare equal in UNION.

const int = new arrow.Int32();
const text = new arrow.Utf8();
const sa: ScalarValue[][] = [[1, 'x'], [1, 'x'], [1, 'x'], [2, null], [2, null], [null, null], [3, 'z']];
const sb: ScalarValue[][] = [[1, 'x'], [1, 'x'], [2, null], [null, null], [null, null], [4, 'w']];
const aSchema = schemaOf([['x', int], ['y', text]]);
const bSchema = schemaOf([['b_x', int], ['b_y', text]]);

describe('UnionExec against PostgreSQL 15', () => {
  it.each([1, 3, 100])('UNION removes duplicates across and within inputs, NULLs equal (batches of %i)', async (batchSize) => {
    const node = new UnionExec([new MemorySource(aSchema, sa, batchSize), new MemorySource(bSchema, sb, batchSize)], true);
    const { rows } = await collect(node);
    // SELECT * FROM sa UNION SELECT * FROM sb
    expect(sorted(rows)).toEqual(sorted(['1|x', '2|NULL', '3|z', '4|w', 'NULL|NULL']));
    // Streams first occurrences in input order.
    expect(rows).toEqual(['1|x', '2|NULL', 'NULL|NULL', '3|z', '4|w']);
  });

  it('UNION ALL keeps every row of every input, in order', async () => {
    const node = new UnionExec([new MemorySource(aSchema, sa, 2), new MemorySource(bSchema, sb, 4), new MemorySource(aSchema, [])], false);
    const { rows } = await collect(node);
    // SELECT * FROM sa UNION ALL SELECT * FROM sb: 13 rows
    expect(rows).toHaveLength(13);
    expect(rows).toEqual([...sa, ...sb].map((r) => r.map((v) => (v === null ? 'NULL' : String(v))).join('|')));
  });

  it('takes names from the first input and nullability from any', () => {
    const strict = new arrow.Schema([new arrow.Field('a', int, false), new arrow.Field('b', text, false)]);
    const loose = new arrow.Schema([new arrow.Field('c', int, true), new arrow.Field('d', text, false)]);
    const node = new UnionExec([new MemorySource(strict, []), new MemorySource(loose, [])], false);
    expect(node.schema.fields.map((f) => `${f.name}:${f.nullable}`)).toEqual(['a:true', 'b:false']);
    expect(node.explain()).toBe('Union: all inputs=2');
    expect(new UnionExec([new MemorySource(strict, [])], true).explain()).toBe('Union: distinct inputs=1');
  });

  it('closes the input it is reading when the consumer stops early, and never opens the rest', async () => {
    const a = new MemorySource(aSchema, sa, 2);
    const b = new MemorySource(bSchema, sb, 2);
    for await (const _ of new UnionExec([a, b], true).execute({})) break;
    expect(a.state).toMatchObject({ opened: 1, closed: 1 });
    expect(b.state.opened).toBe(0);
  });
});
