import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import type { ScalarValue } from '../arrow/scalar.js';
import { collect, MemorySource, schemaOf, sorted } from './hash-join/test-source.js';
import { SetOpExec } from './set-op.js';

// Expected rows were produced by PostgreSQL 15 (psql -A -F'|' -P null=NULL) over
//   sa(x int, y text) = (1,'x'),(1,'x'),(1,'x'),(2,NULL),(2,NULL),(NULL,NULL),(3,'z')
//   sb(x int, y text) = (1,'x'),(1,'x'),(2,NULL),(NULL,NULL),(NULL,NULL),(4,'w')
// with `SELECT * FROM sa <op> SELECT * FROM sb`. NULLs compare equal in set operations.

const int = new arrow.Int32();
const text = new arrow.Utf8();
const sa: ScalarValue[][] = [[1, 'x'], [1, 'x'], [1, 'x'], [2, null], [2, null], [null, null], [3, 'z']];
const sb: ScalarValue[][] = [[1, 'x'], [1, 'x'], [2, null], [null, null], [null, null], [4, 'w']];
const aSchema = schemaOf([['x', int], ['y', text]]);
const bSchema = schemaOf([['b_x', int], ['b_y', text]]);

const cases: [string, 'intersect' | 'except', boolean, 'ab' | 'ba', string[]][] = [
  ['INTERSECT', 'intersect', false, 'ab', ['1|x', '2|NULL', 'NULL|NULL']],
  ['INTERSECT ALL', 'intersect', true, 'ab', ['1|x', '1|x', '2|NULL', 'NULL|NULL']],
  ['EXCEPT', 'except', false, 'ab', ['3|z']],
  ['EXCEPT ALL', 'except', true, 'ab', ['1|x', '2|NULL', '3|z']],
  ['sb EXCEPT ALL sa', 'except', true, 'ba', ['4|w', 'NULL|NULL']],
];

describe.each([1, 2, 100])('SetOpExec against PostgreSQL 15 (input batches of %i rows)', (batchSize) => {
  it.each(cases)('%s', async (_name, op, all, order, expected) => {
    const [l, r] = order === 'ab' ? [sa, sb] : [sb, sa];
    const node = new SetOpExec(new MemorySource(aSchema, l, batchSize), new MemorySource(bSchema, r, batchSize), op, all);
    expect(sorted((await collect(node)).rows)).toEqual(sorted(expected));
  });
});

describe('SetOpExec', () => {
  it('keeps the left input order and its names', async () => {
    const node = new SetOpExec(new MemorySource(aSchema, sa), new MemorySource(bSchema, sb), 'except', true);
    const { rows, schema } = await collect(node);
    expect(rows).toEqual(['1|x', '2|NULL', '3|z']);
    expect(schema?.fields.map((f) => f.name)).toEqual(['x', 'y']);
  });

  it('with an empty side: INTERSECT is empty (left unread), EXCEPT [ALL] returns the left side', async () => {
    const left = new MemorySource(aSchema, sa);
    expect((await collect(new SetOpExec(left, new MemorySource(bSchema, []), 'intersect', true))).rows).toEqual([]);
    expect(left.state.opened).toBe(0);
    expect(sorted((await collect(new SetOpExec(new MemorySource(aSchema, sa), new MemorySource(bSchema, []), 'except', true))).rows)).toEqual(sorted(['1|x', '1|x', '1|x', '2|NULL', '2|NULL', 'NULL|NULL', '3|z']));
    expect(sorted((await collect(new SetOpExec(new MemorySource(aSchema, sa), new MemorySource(bSchema, []), 'except', false))).rows)).toEqual(sorted(['1|x', '2|NULL', 'NULL|NULL', '3|z']));
    expect((await collect(new SetOpExec(new MemorySource(aSchema, []), new MemorySource(bSchema, sb), 'except', false))).rows).toEqual([]);
  });

  it('counts multiplicities across many batches (INTERSECT ALL = min(m, n), EXCEPT ALL = max(m − n, 0))', async () => {
    // value v appears v % 7 times on the left and v % 5 times on the right.
    const rowsOf = (mod: number) => Array.from({ length: 200 }, (_, v) => Array.from({ length: v % mod }, () => [v, `s${v}`] as ScalarValue[])).flat();
    const left = rowsOf(7);
    const right = rowsOf(5);
    const count = async (op: 'intersect' | 'except') => {
      const { rows } = await collect(new SetOpExec(new MemorySource(aSchema, left, 33), new MemorySource(bSchema, right, 29), op, true));
      const counts = new Map<string, number>();
      for (const r of rows) counts.set(r, (counts.get(r) ?? 0) + 1);
      return counts;
    };
    const intersect = await count('intersect');
    const except = await count('except');
    for (let v = 0; v < 200; v++) {
      expect(intersect.get(`${v}|s${v}`) ?? 0).toBe(Math.min(v % 7, v % 5));
      expect(except.get(`${v}|s${v}`) ?? 0).toBe(Math.max((v % 7) - (v % 5), 0));
    }
  });

  it('explains itself', () => {
    expect(new SetOpExec(new MemorySource(aSchema, []), new MemorySource(bSchema, []), 'intersect', true).explain()).toBe('SetOp: INTERSECT ALL');
    expect(new SetOpExec(new MemorySource(aSchema, []), new MemorySource(bSchema, []), 'except', false).explain()).toBe('SetOp: EXCEPT');
  });
});
