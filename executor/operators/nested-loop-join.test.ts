import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import type { ScalarValue } from '../arrow/scalar.js';
import { BinaryExpr } from '../expr/binary.js';
import { ColumnExpr } from '../expr/column.js';
import { LiteralExpr } from '../expr/literal.js';
import { collect, MemorySource, schemaOf, sorted } from './hash-join/test-source.js';
import { NestedLoopJoinExec, type JoinType } from './nested-loop-join.js';

// Expected rows were produced by PostgreSQL 15 (psql -A -F'|' -P null=NULL) on the same data:
// `SELECT l.*, r.* FROM l <type> JOIN r ON l.lv * 10 > r.rv`; SEMI/ANTI as WHERE [NOT] EXISTS.
// PostgreSQL refuses FULL JOIN on a non-equi condition, so FULL was computed there as
// `LEFT JOIN … UNION ALL SELECT NULL, NULL, NULL, r.* FROM r WHERE NOT EXISTS (…)`.

const int = new arrow.Int32();
const text = new arrow.Utf8();
const lSchema = schemaOf([['id', int], ['k', text], ['lv', int]]);
const rSchema = schemaOf([['id', int], ['k', text], ['rv', int]]);
const L: ScalarValue[][] = [[1, 'a', 10], [2, 'b', 20], [2, 'b', 21], [3, null, 30], [null, 'c', 40], [4, 'd', 50], [null, null, 60]];
const R: ScalarValue[][] = [[2, 'b', 200], [2, 'b', 201], [3, null, 300], [null, 'c', 400], [5, 'e', 500], [1, 'x', 100], [4, 'd', 401]];
const col = (i: number, name: string) => new ColumnExpr(i, name, int);
/** `l.lv * 10 > r.rv` over (l.id, l.k, l.lv, r.id, r.k, r.rv). */
const condition = new BinaryExpr('>', new BinaryExpr('*', col(2, 'l.lv'), new LiteralExpr(10, int, '10'), int), col(5, 'r.rv'), new arrow.Bool());

const lines = (s: string) => s.trim().split('\n').map((l) => l.trim());
const INNER = `2|b|20|1|x|100
  2|b|21|1|x|100
  2|b|21|2|b|200
  2|b|21|2|b|201
  3|NULL|30|1|x|100
  3|NULL|30|2|b|200
  3|NULL|30|2|b|201
  4|d|50|1|x|100
  4|d|50|2|b|200
  4|d|50|2|b|201
  4|d|50|3|NULL|300
  4|d|50|4|d|401
  4|d|50|NULL|c|400
  NULL|c|40|1|x|100
  NULL|c|40|2|b|200
  NULL|c|40|2|b|201
  NULL|c|40|3|NULL|300
  NULL|NULL|60|1|x|100
  NULL|NULL|60|2|b|200
  NULL|NULL|60|2|b|201
  NULL|NULL|60|3|NULL|300
  NULL|NULL|60|4|d|401
  NULL|NULL|60|5|e|500
  NULL|NULL|60|NULL|c|400`;
const EXPECTED: Record<JoinType, string[]> = {
  inner: lines(INNER),
  left: [...lines(INNER), '1|a|10|NULL|NULL|NULL'],
  // Every right row matches some left row, so RIGHT equals INNER here.
  right: lines(INNER),
  full: [...lines(INNER), '1|a|10|NULL|NULL|NULL'],
  semi: lines(`2|b|20
    2|b|21
    3|NULL|30
    4|d|50
    NULL|c|40
    NULL|NULL|60`),
  anti: ['1|a|10'],
};
const TYPES: JoinType[] = ['inner', 'left', 'right', 'full', 'semi', 'anti'];

describe.each([1, 3, 100])('NestedLoopJoinExec against PostgreSQL 15 (input batches of %i rows)', (batchSize) => {
  it.each(TYPES)('%s join on l.lv * 10 > r.rv', async (type) => {
    const op = new NestedLoopJoinExec(new MemorySource(lSchema, L, batchSize), new MemorySource(rSchema, R, batchSize), type, condition);
    expect(sorted((await collect(op)).rows)).toEqual(sorted(EXPECTED[type]));
  });
});

describe('NestedLoopJoinExec', () => {
  it('without a condition is a cross join (SELECT count(*) FROM l CROSS JOIN r = 49 in PostgreSQL 15)', async () => {
    const op = new NestedLoopJoinExec(new MemorySource(lSchema, L, 2), new MemorySource(rSchema, R, 3), 'inner');
    const { rows } = await collect(op);
    expect(rows).toHaveLength(49);
    expect(new Set(rows).size).toBe(49);
    expect(rows[0]).toBe('1|a|10|2|b|200');
    expect(op.explain()).toBe('CrossJoin');
  });

  it('a condition that is NULL for some pairs keeps only the TRUE ones; unmatched right rows pad with NULLs', async () => {
    // r.rv > l.lv * 10 with l.lv NULL: SELECT … FROM l RIGHT JOIN r ON r.rv > l.lv * 10 (PostgreSQL 15)
    const left: ScalarValue[][] = [[1, 'a', null], [2, 'b', 45]];
    const cond = new BinaryExpr('>', col(5, 'r.rv'), new BinaryExpr('*', col(2, 'l.lv'), new LiteralExpr(10, int, '10'), int), new arrow.Bool());
    const op = new NestedLoopJoinExec(new MemorySource(lSchema, left), new MemorySource(rSchema, R), 'right', cond);
    expect(sorted((await collect(op)).rows)).toEqual(sorted([
      '2|b|45|5|e|500',
      'NULL|NULL|NULL|2|b|200', 'NULL|NULL|NULL|2|b|201', 'NULL|NULL|NULL|3|NULL|300', 'NULL|NULL|NULL|NULL|c|400',
      'NULL|NULL|NULL|1|x|100', 'NULL|NULL|NULL|4|d|401',
    ]));
  });

  it.each(TYPES)('%s join with empty inputs', async (type) => {
    const padRight = L.map((r) => [...r, null, null, null].map((v) => (v === null ? 'NULL' : String(v))).join('|'));
    const plain = L.map((r) => r.map((v) => (v === null ? 'NULL' : String(v))).join('|'));
    const emptyRight = await collect(new NestedLoopJoinExec(new MemorySource(lSchema, L), new MemorySource(rSchema, []), type, condition));
    const expected = type === 'left' || type === 'full' ? padRight : type === 'anti' ? plain : [];
    expect(sorted(emptyRight.rows)).toEqual(sorted(expected));
    const emptyLeft = await collect(new NestedLoopJoinExec(new MemorySource(lSchema, []), new MemorySource(rSchema, R), type, condition));
    const padLeft = R.map((r) => [null, null, null, ...r].map((v) => (v === null ? 'NULL' : String(v))).join('|'));
    expect(sorted(emptyLeft.rows)).toEqual(type === 'right' || type === 'full' ? sorted(padLeft) : []);
  });

  it('blocks of pairs never exceed 65,536 rows (a 300 × 300 cross join)', async () => {
    const many = Array.from({ length: 300 }, (_, i) => [i, 'k', i] as ScalarValue[]);
    const op = new NestedLoopJoinExec(new MemorySource(lSchema, many, 300), new MemorySource(rSchema, many, 100), 'inner');
    const { rows, batchSizes } = await collect(op);
    expect(rows).toHaveLength(90_000);
    expect(Math.max(...batchSizes)).toBeLessThanOrEqual(65_536);
    expect(rows[89_999]).toBe('299|k|299|299|k|299');
  });

  it('closes both inputs when the consumer stops early', async () => {
    const left = new MemorySource(lSchema, L, 1);
    const right = new MemorySource(rSchema, R, 2);
    for await (const _ of new NestedLoopJoinExec(left, right, 'inner').execute({})) break;
    expect(left.state).toMatchObject({ opened: 1, closed: 1, batches: 1 });
    expect(right.state).toMatchObject({ opened: 1, closed: 1 });
  });

  it('explains itself', () => {
    const op = new NestedLoopJoinExec(new MemorySource(lSchema, L), new MemorySource(rSchema, R), 'left', condition);
    expect(op.explain()).toBe('NestedLoopJoin: type=left condition=(l.lv * 10) > r.rv');
    expect(op.schema.fields.map((f) => `${f.name}:${f.nullable}`)).toEqual(['id:true', 'k:true', 'lv:true', 'id:true', 'k:true', 'rv:true']);
  });
});
