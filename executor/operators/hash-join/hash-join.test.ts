import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { BinaryExpr } from '../../expr/binary.js';
import { ColumnExpr } from '../../expr/column.js';
import { LiteralExpr } from '../../expr/literal.js';
import type { PhysicalExpr } from '../../expr/physical-expr.js';
import type { ScalarValue } from '../../arrow/scalar.js';
import { NestedLoopJoinExec } from '../nested-loop-join.js';
import { newSpillMetrics } from '../../spill/metrics.js';
import { buildHashTable } from './build.js';
import { HashJoinExec, type JoinType } from './operator.js';
import { collect, MemorySource, schemaOf, sorted } from './test-source.js';

// Expected rows below were produced by PostgreSQL 15 (psql -A -F'|' -P null=NULL) on the same
// data; SEMI is `WHERE EXISTS (…)`, ANTI is `WHERE NOT EXISTS (…)`, null-aware ANTI is `NOT IN`.

const int = new arrow.Int32();
const text = new arrow.Utf8();
const lSchema = schemaOf([['id', int], ['k', text], ['lv', int]]);
const rSchema = schemaOf([['id', int], ['k', text], ['rv', int]]);
const L: ScalarValue[][] = [[1, 'a', 10], [2, 'b', 20], [2, 'b', 21], [3, null, 30], [null, 'c', 40], [4, 'd', 50], [null, null, 60]];
const R: ScalarValue[][] = [[2, 'b', 200], [2, 'b', 201], [3, null, 300], [null, 'c', 400], [5, 'e', 500], [1, 'x', 100], [4, 'd', 401]];

const col = (i: number, name: string, type: arrow.DataType = int) => new ColumnExpr(i, name, type);
/** `r.rv >= l.lv * 10` over the pair schema (l.id, l.k, l.lv, r.id, r.k, r.rv). */
const residual = new BinaryExpr('>=', col(5, 'r.rv'), new BinaryExpr('*', col(2, 'l.lv'), new LiteralExpr(10, int, '10'), int), new arrow.Bool());

function join(type: JoinType, keys: 'id' | 'id,k', opts: { residual?: PhysicalExpr; batchSize?: number; left?: ScalarValue[][]; right?: ScalarValue[][]; nullAwareAnti?: boolean } = {}) {
  const left = new MemorySource(lSchema, opts.left ?? L, opts.batchSize ?? 3);
  const right = new MemorySource(rSchema, opts.right ?? R, opts.batchSize ?? 3);
  const lk = keys === 'id' ? [col(0, 'l.id')] : [col(0, 'l.id'), col(1, 'l.k', text)];
  const rk = keys === 'id' ? [col(0, 'r.id')] : [col(0, 'r.id'), col(1, 'r.k', text)];
  return { op: new HashJoinExec(left, right, lk, rk, type, opts.residual, { nullAwareAnti: opts.nullAwareAnti }), left, right };
}

const lines = (s: string) => s.trim().split('\n').map((l) => l.trim());

const EXPECTED: Record<string, string> = {
  'inner id': `1|a|10|1|x|100
    2|b|20|2|b|200
    2|b|20|2|b|201
    2|b|21|2|b|200
    2|b|21|2|b|201
    3|NULL|30|3|NULL|300
    4|d|50|4|d|401`,
  'left id': `1|a|10|1|x|100
    2|b|20|2|b|200
    2|b|20|2|b|201
    2|b|21|2|b|200
    2|b|21|2|b|201
    3|NULL|30|3|NULL|300
    4|d|50|4|d|401
    NULL|c|40|NULL|NULL|NULL
    NULL|NULL|60|NULL|NULL|NULL`,
  'right id': `1|a|10|1|x|100
    2|b|20|2|b|200
    2|b|20|2|b|201
    2|b|21|2|b|200
    2|b|21|2|b|201
    3|NULL|30|3|NULL|300
    4|d|50|4|d|401
    NULL|NULL|NULL|5|e|500
    NULL|NULL|NULL|NULL|c|400`,
  'full id': `1|a|10|1|x|100
    2|b|20|2|b|200
    2|b|20|2|b|201
    2|b|21|2|b|200
    2|b|21|2|b|201
    3|NULL|30|3|NULL|300
    4|d|50|4|d|401
    NULL|c|40|NULL|NULL|NULL
    NULL|NULL|60|NULL|NULL|NULL
    NULL|NULL|NULL|5|e|500
    NULL|NULL|NULL|NULL|c|400`,
  'semi id': `1|a|10
    2|b|20
    2|b|21
    3|NULL|30
    4|d|50`,
  'anti id': `NULL|c|40
    NULL|NULL|60`,
  'inner id,k': `2|b|20|2|b|200
    2|b|20|2|b|201
    2|b|21|2|b|200
    2|b|21|2|b|201
    4|d|50|4|d|401`,
  'left id,k': `1|a|10|NULL|NULL|NULL
    2|b|20|2|b|200
    2|b|20|2|b|201
    2|b|21|2|b|200
    2|b|21|2|b|201
    3|NULL|30|NULL|NULL|NULL
    4|d|50|4|d|401
    NULL|c|40|NULL|NULL|NULL
    NULL|NULL|60|NULL|NULL|NULL`,
  'right id,k': `2|b|20|2|b|200
    2|b|20|2|b|201
    2|b|21|2|b|200
    2|b|21|2|b|201
    4|d|50|4|d|401
    NULL|NULL|NULL|1|x|100
    NULL|NULL|NULL|3|NULL|300
    NULL|NULL|NULL|5|e|500
    NULL|NULL|NULL|NULL|c|400`,
  'full id,k': `1|a|10|NULL|NULL|NULL
    2|b|20|2|b|200
    2|b|20|2|b|201
    2|b|21|2|b|200
    2|b|21|2|b|201
    3|NULL|30|NULL|NULL|NULL
    4|d|50|4|d|401
    NULL|c|40|NULL|NULL|NULL
    NULL|NULL|60|NULL|NULL|NULL
    NULL|NULL|NULL|1|x|100
    NULL|NULL|NULL|3|NULL|300
    NULL|NULL|NULL|5|e|500
    NULL|NULL|NULL|NULL|c|400`,
  'semi id,k': `2|b|20
    2|b|21
    4|d|50`,
  'anti id,k': `1|a|10
    3|NULL|30
    NULL|c|40
    NULL|NULL|60`,
  'inner id residual': `1|a|10|1|x|100
    2|b|20|2|b|200
    2|b|20|2|b|201
    3|NULL|30|3|NULL|300`,
  'left id residual': `1|a|10|1|x|100
    2|b|20|2|b|200
    2|b|20|2|b|201
    2|b|21|NULL|NULL|NULL
    3|NULL|30|3|NULL|300
    4|d|50|NULL|NULL|NULL
    NULL|c|40|NULL|NULL|NULL
    NULL|NULL|60|NULL|NULL|NULL`,
  'right id residual': `1|a|10|1|x|100
    2|b|20|2|b|200
    2|b|20|2|b|201
    3|NULL|30|3|NULL|300
    NULL|NULL|NULL|4|d|401
    NULL|NULL|NULL|5|e|500
    NULL|NULL|NULL|NULL|c|400`,
  'full id residual': `1|a|10|1|x|100
    2|b|20|2|b|200
    2|b|20|2|b|201
    2|b|21|NULL|NULL|NULL
    3|NULL|30|3|NULL|300
    4|d|50|NULL|NULL|NULL
    NULL|c|40|NULL|NULL|NULL
    NULL|NULL|60|NULL|NULL|NULL
    NULL|NULL|NULL|4|d|401
    NULL|NULL|NULL|5|e|500
    NULL|NULL|NULL|NULL|c|400`,
  'semi id residual': `1|a|10
    2|b|20
    3|NULL|30`,
  'anti id residual': `2|b|21
    4|d|50
    NULL|c|40
    NULL|NULL|60`,
};

const TYPES: JoinType[] = ['inner', 'left', 'right', 'full', 'semi', 'anti'];

describe.each([1, 3, 100])('HashJoinExec against PostgreSQL 15 (input batches of %i rows)', (batchSize) => {
  describe.each(TYPES)('%s join', (type) => {
    it('on one key with NULL keys and duplicates on both sides', async () => {
      const { op } = join(type, 'id', { batchSize });
      expect(sorted((await collect(op)).rows)).toEqual(sorted(lines(EXPECTED[`${type} id`])));
    });

    it('on two keys of different types (int, text)', async () => {
      const { op } = join(type, 'id,k', { batchSize });
      expect(sorted((await collect(op)).rows)).toEqual(sorted(lines(EXPECTED[`${type} id,k`])));
    });

    it('with a residual condition r.rv >= l.lv * 10', async () => {
      const { op } = join(type, 'id', { batchSize, residual });
      expect(sorted((await collect(op)).rows)).toEqual(sorted(lines(EXPECTED[`${type} id residual`])));
    });
  });
});

describe('HashJoinExec outputting some columns only', () => {
  // Columns of left ++ right: l.k and r.rv (semi/anti: l.k and l.lv).
  const outputs: Record<JoinType, number[]> = { inner: [1, 5], left: [1, 5], right: [1, 5], full: [1, 5], semi: [1, 2], anti: [1, 2] };
  const project = (rows: string[], columns: number[]) => rows.map((r) => columns.map((c) => r.split('|')[c]).join('|'));

  describe.each(TYPES)('%s join', (type) => {
    it.each([
      ['one key', 'id', undefined],
      ['two keys', 'id,k', undefined],
      ['a residual reading columns not output (r.rv, l.lv)', 'id', residual],
    ] as const)('gives the whole output’s columns, on %s', async (_what, keys, cond) => {
      const columns = outputs[type];
      const left = new MemorySource(lSchema, L, 2);
      const right = new MemorySource(rSchema, R, 2);
      const lk = keys === 'id' ? [col(0, 'l.id')] : [col(0, 'l.id'), col(1, 'l.k', text)];
      const rk = keys === 'id' ? [col(0, 'r.id')] : [col(0, 'r.id'), col(1, 'r.k', text)];
      const op = new HashJoinExec(left, right, lk, rk, type, cond, { outputColumns: columns });
      expect(op.schema.fields.map((f) => f.name)).toEqual(columns.map((c) => ['id', 'k', 'lv', 'id', 'k', 'rv'][c]));
      const expected = EXPECTED[`${type} ${keys}${cond === undefined ? '' : ' residual'}`] as string;
      expect(sorted((await collect(op)).rows)).toEqual(sorted(project(lines(expected), columns)));
      expect(op.explain()).toContain(` output=[${op.schema.fields.map((f) => f.name).join(', ')}]`);
    });
  });

  it('outputs no column at all (a count over the join), and refuses indexes out of order', async () => {
    const op = new HashJoinExec(new MemorySource(lSchema, L, 3), new MemorySource(rSchema, R, 3), [col(0, 'l.id')], [col(0, 'r.id')], 'inner', undefined, { outputColumns: [] });
    const { batchSizes, schema } = await collect(op);
    expect(batchSizes.reduce((n, rows) => n + rows, 0)).toBe(7);
    expect(schema?.fields).toEqual([]);
    expect(() => new HashJoinExec(new MemorySource(lSchema, L, 3), new MemorySource(rSchema, R, 3), [col(0, 'l.id')], [col(0, 'r.id')], 'inner', undefined, { outputColumns: [2, 1] })).toThrow(/ascending/);
  });
});

describe('HashJoinExec with empty inputs', () => {
  const nullRight = (row: ScalarValue[]) => [...row, null, null, null].map((v) => (v === null ? 'NULL' : String(v))).join('|');
  const nullLeft = (row: ScalarValue[]) => [null, null, null, ...row].map((v) => (v === null ? 'NULL' : String(v))).join('|');
  const plain = (row: ScalarValue[]) => row.map((v) => (v === null ? 'NULL' : String(v))).join('|');
  const emptyRight: Record<JoinType, string[]> = {
    inner: [], right: [], semi: [], left: L.map(nullRight), full: L.map(nullRight), anti: L.map(plain),
  };
  const emptyLeft: Record<JoinType, string[]> = {
    inner: [], left: [], semi: [], anti: [], right: R.map(nullLeft), full: R.map(nullLeft),
  };

  it.each(TYPES)('%s join with an empty build side', async (type) => {
    const { op, left } = join(type, 'id', { right: [] });
    expect(sorted((await collect(op)).rows)).toEqual(sorted(emptyRight[type]));
    // INNER, RIGHT and SEMI joins know the answer is empty without reading the probe side.
    expect(left.state.opened).toBe(type === 'inner' || type === 'right' || type === 'semi' ? 0 : 1);
  });

  it.each(TYPES)('%s join with an empty probe side', async (type) => {
    const { op } = join(type, 'id', { left: [] });
    expect(sorted((await collect(op)).rows)).toEqual(sorted(emptyLeft[type]));
  });

  it('both sides empty', async () => {
    for (const type of TYPES) expect((await collect(join(type, 'id', { left: [], right: [] }).op)).rows).toEqual([]);
  });
});

describe('HashJoinExec null-aware anti join (x NOT IN (subquery)), PostgreSQL 15', () => {
  it('a NULL in the subquery means no row qualifies', async () => {
    // SELECT l.* FROM l WHERE l.id NOT IN (SELECT id FROM r) → 0 rows
    const { op, left } = join('anti', 'id', { nullAwareAnti: true });
    expect((await collect(op)).rows).toEqual([]);
    expect(left.state.opened).toBe(0);
  });

  it('without NULLs in the subquery, NULL left keys do not qualify', async () => {
    // SELECT l.* FROM l WHERE l.id NOT IN (SELECT id FROM r WHERE id IN (2,3))
    const { op } = join('anti', 'id', { nullAwareAnti: true, right: R.filter((r) => r[0] === 2 || r[0] === 3) });
    expect(sorted((await collect(op)).rows)).toEqual(['1|a|10', '4|d|50']);
  });

  it('an empty subquery lets every row through, NULL keys included', async () => {
    // SELECT l.* FROM l WHERE l.id NOT IN (SELECT id FROM r WHERE false) → all 7 rows
    const { op } = join('anti', 'id', { nullAwareAnti: true, right: [] });
    expect((await collect(op)).rows).toHaveLength(7);
    expect((await collect(op)).rows).toContain('NULL|NULL|60');
  });

  it('differs from NOT EXISTS, which keeps NULL keys', async () => {
    const { op } = join('anti', 'id', { right: R.filter((r) => r[0] === 2 || r[0] === 3) });
    expect(sorted((await collect(op)).rows)).toEqual(['1|a|10', '4|d|50', 'NULL|NULL|60', 'NULL|c|40']);
  });
});

describe('HashJoinExec keys of other types', () => {
  // CREATE TABLE l2(a bigint, d date, n numeric(10,2), f float8, tag text); likewise r2;
  // SELECT l2.tag, r2.tag FROM l2 FULL JOIN r2 ON l2.a = r2.a AND l2.d = r2.d AND l2.n = r2.n AND l2.f = r2.f
  // PostgreSQL 15: -0 = 0 and NaN = NaN hold for float8, and 2^53 + 1 ≠ 2^53 for bigint.
  const types: [string, arrow.DataType][] = [['a', new arrow.Int64()], ['d', new arrow.DateDay()], ['n', new arrow.Decimal(2, 10, 128)], ['f', new arrow.Float64()], ['tag', text]];
  const day = (s: string) => Date.parse(`${s}T00:00:00Z`) / 86_400_000;
  const L2: ScalarValue[][] = [
    [1n, day('2024-01-01'), 150n, 0, 'x1'], [1n, day('2024-01-01'), 150n, NaN, 'x2'], [2n, day('2024-01-02'), 200n, -0, 'x3'],
    [2n, day('2024-01-02'), null, 1, 'x4'], [9007199254740993n, day('2024-01-03'), 325n, 2.5, 'x5'],
  ];
  const R2: ScalarValue[][] = [
    [1n, day('2024-01-01'), 150n, -0, 'y1'], [1n, day('2024-01-01'), 150n, NaN, 'y2'], [2n, day('2024-01-02'), 200n, 0, 'y3'],
    [2n, day('2024-01-02'), null, 1, 'y4'], [9007199254740992n, day('2024-01-03'), 325n, 2.5, 'y5'], [9007199254740993n, day('2024-01-03'), 325n, 2.5, 'y6'],
  ];

  it('bigint, date, numeric(10,2) and float8 keys together (full join)', async () => {
    const s = schemaOf(types);
    const keys = types.slice(0, 4).map(([name, type], i) => col(i, name, type));
    const rightKeys = types.slice(0, 4).map(([name, type], i) => col(i, name, type));
    const op = new HashJoinExec(new MemorySource(s, L2, 2), new MemorySource(s, R2, 4), keys, rightKeys, 'full');
    const tags = (await collect(op)).rows.map((r) => { const v = r.split('|'); return `${v[4]}|${v[9]}`; });
    expect(sorted(tags)).toEqual(sorted(['x1|y1', 'x2|y2', 'x3|y3', 'x4|NULL', 'x5|y6', 'NULL|y4', 'NULL|y5']));
  });

  it('refuses key pairs of different types (the planner must coerce them)', () => {
    const s = schemaOf(types);
    expect(() => new HashJoinExec(new MemorySource(s, []), new MemorySource(s, []), [col(0, 'a', new arrow.Int64())], [col(1, 'd', new arrow.DateDay())], 'inner'))
      .toThrow(/planner must coerce/);
  });
});

describe('HashJoinExec last-touch attribution (PRODUCT.md job 3), PostgreSQL 15', () => {
  // impressions ⋈ conversions ON userId, advertiserId AND impTimestamp < convTimestamp, then
  // dense_rank() OVER (PARTITION BY conversion ORDER BY impTimestamp DESC) = 1.
  const ts = new arrow.TimestampMicrosecond();
  const micros = (s: string) => BigInt(Date.parse(`${s.replace(' ', 'T')}Z`)) * 1000n;
  const impSchema = schemaOf([['userId', text], ['advertiserId', new arrow.Int64()], ['impTimestamp', ts], ['impId', int]]);
  const convSchema = schemaOf([['userId', text], ['advertiserId', new arrow.Int64()], ['convTimestamp', ts], ['value', new arrow.Float64()]]);
  const imps: ScalarValue[][] = [
    ['u1', 10n, '2024-05-01 10:00', 1], ['u1', 10n, '2024-05-01 11:00', 2], ['u1', 10n, '2024-05-01 13:00', 3],
    ['u1', 20n, '2024-05-01 09:00', 4], ['u2', 10n, '2024-05-01 08:00', 5], ['u2', 10n, '2024-05-01 08:00', 6],
    ['u3', 30n, '2024-05-01 12:00', 7], [null, 10n, '2024-05-01 07:00', 8], ['u4', 40n, '2024-05-02 00:00', 9],
    ['u1', 10n, '2024-05-01 12:00', 10],
  ].map((r) => [r[0], r[1], micros(r[2] as string), r[3]] as ScalarValue[]);
  const convs: ScalarValue[][] = [
    ['u1', 10n, '2024-05-01 12:00', 5.0], ['u1', 10n, '2024-05-01 14:00', 7.5], ['u2', 10n, '2024-05-01 09:00', 3.0],
    ['u3', 30n, '2024-05-01 11:00', 1.0], [null, 10n, '2024-05-01 09:00', 2.0], ['u4', 40n, '2024-05-02 00:00', 4.0],
  ].map((r) => [r[0], r[1], micros(r[2] as string), r[3]] as ScalarValue[]);
  const toMicros = (line: string) => line.replace(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/g, (m) => String(micros(m)));

  const attributionJoin = () =>
    new HashJoinExec(
      new MemorySource(impSchema, imps, 4),
      new MemorySource(convSchema, convs, 4),
      [col(0, 'imps.userId', text), col(1, 'imps.advertiserId', new arrow.Int64())],
      [col(0, 'convs.userId', text), col(1, 'convs.advertiserId', new arrow.Int64())],
      'inner',
      new BinaryExpr('<', col(2, 'imps.impTimestamp', ts), col(6, 'convs.convTimestamp', ts), new arrow.Bool()),
    );

  it('joins each conversion to the earlier impressions of the same user and advertiser', async () => {
    const rows = (await collect(attributionJoin())).rows.map((r) => { const v = r.split('|'); return [v[0], v[1], v[2], v[3], v[6], v[7]].join('|'); });
    expect(sorted(rows)).toEqual(sorted(lines(`u1|10|2024-05-01 10:00:00|1|2024-05-01 12:00:00|5
      u1|10|2024-05-01 10:00:00|1|2024-05-01 14:00:00|7.5
      u1|10|2024-05-01 11:00:00|2|2024-05-01 12:00:00|5
      u1|10|2024-05-01 11:00:00|2|2024-05-01 14:00:00|7.5
      u1|10|2024-05-01 12:00:00|10|2024-05-01 14:00:00|7.5
      u1|10|2024-05-01 13:00:00|3|2024-05-01 14:00:00|7.5
      u2|10|2024-05-01 08:00:00|5|2024-05-01 09:00:00|3
      u2|10|2024-05-01 08:00:00|6|2024-05-01 09:00:00|3`).map(toMicros)));
  });

  it('keeps the last touch per conversion (ties kept, as dense_rank = 1 does)', async () => {
    const rows = (await collect(attributionJoin())).rows.map((r) => r.split('|'));
    const conversion = (v: string[]) => `${v[4]}|${v[5]}|${v[6]}`;
    const latest = new Map<string, bigint>();
    for (const v of rows) if (!latest.has(conversion(v)) || BigInt(v[2]) > latest.get(conversion(v))!) latest.set(conversion(v), BigInt(v[2]));
    const lastTouch = rows.filter((v) => BigInt(v[2]) === latest.get(conversion(v))).map((v) => `${v[0]}|${v[1]}|${v[6]}|${v[3]}|${v[2]}`);
    expect(sorted(lastTouch)).toEqual(sorted(lines(`u1|10|2024-05-01 12:00:00|2|2024-05-01 11:00:00
      u1|10|2024-05-01 14:00:00|3|2024-05-01 13:00:00
      u2|10|2024-05-01 09:00:00|5|2024-05-01 08:00:00
      u2|10|2024-05-01 09:00:00|6|2024-05-01 08:00:00`).map(toMicros)));
  });
});

describe('HashJoinExec agrees with NestedLoopJoinExec on random data', () => {
  // A differential check over many batches: keys drawn from a small range (lots of duplicates)
  // with NULLs, and a residual; the nested-loop join is checked against PostgreSQL above.
  function random(seed: number) {
    let s = seed;
    return () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32);
  }
  const rnd = random(42);
  const rows = (n: number) => Array.from({ length: n }, (_, i) => [rnd() < 0.1 ? null : Math.floor(rnd() * 40), rnd() < 0.1 ? null : `k${Math.floor(rnd() * 3)}`, i] as ScalarValue[]);
  const left = rows(700);
  const right = rows(500);
  // l.id = r.id AND l.k = r.k AND r.rv >= l.lv (pair schema: l.id, l.k, l.lv, r.id, r.k, r.rv)
  const bool = new arrow.Bool();
  const eq = new BinaryExpr('AND', new BinaryExpr('=', col(0, 'l.id'), col(3, 'r.id'), bool), new BinaryExpr('=', col(1, 'l.k', text), col(4, 'r.k', text), bool), bool);
  const res = new BinaryExpr('>=', col(5, 'r.rv'), col(2, 'l.lv'), bool);

  it.each(TYPES)('%s join', async (type) => {
    const hash = new HashJoinExec(new MemorySource(lSchema, left, 97), new MemorySource(rSchema, right, 61), [col(0, 'l.id'), col(1, 'l.k', text)], [col(0, 'r.id'), col(1, 'r.k', text)], type, res);
    const loop = new NestedLoopJoinExec(new MemorySource(lSchema, left, 97), new MemorySource(rSchema, right, 61), type, new BinaryExpr('AND', eq, res, bool));
    const expected = sorted((await collect(loop)).rows);
    expect(expected.length).toBeGreaterThan(100);
    expect(sorted((await collect(hash)).rows)).toEqual(expected);
  });
});

describe('HashJoinExec batches and lifecycle', () => {
  it('splits a many-to-many key into output batches of at most 65,536 rows', async () => {
    const many = Array.from({ length: 300 }, (_, i) => [7, 'k', i] as ScalarValue[]);
    const op = new HashJoinExec(new MemorySource(lSchema, many, 300), new MemorySource(rSchema, many, 128), [col(0, 'l.id')], [col(0, 'r.id')], 'inner');
    const { rows, batchSizes } = await collect(op);
    expect(rows).toHaveLength(90_000);
    expect(Math.max(...batchSizes)).toBeLessThanOrEqual(65_536);
    // Every pair exactly once, build rows in build order within a probe row.
    expect(rows[0]).toBe('7|k|0|7|k|0');
    expect(rows[299]).toBe('7|k|0|7|k|299');
    expect(rows[89_999]).toBe('7|k|299|7|k|299');
    expect(new Set(rows).size).toBe(90_000);
  });

  it('emits more than 65,536 unmatched build rows of a right join in several batches', async () => {
    const build = Array.from({ length: 70_000 }, (_, i) => [i, null, i] as ScalarValue[]);
    const op = new HashJoinExec(new MemorySource(lSchema, [[1, 'a', 1]], 10), new MemorySource(rSchema, build, 20_000), [col(0, 'l.id')], [col(0, 'r.id')], 'right');
    const { rows, batchSizes } = await collect(op);
    expect(rows).toHaveLength(70_000);
    expect(batchSizes.every((n) => n <= 65_536)).toBe(true);
    expect(rows.filter((r) => r.startsWith('NULL|NULL|NULL|'))).toHaveLength(69_999);
    expect(rows).toContain('1|a|1|1|NULL|1');
  });

  it('marks the padded side nullable in its schema; semi/anti output the left schema', () => {
    const s = (type: JoinType) => join(type, 'id').op.schema;
    const strict = new arrow.Schema([new arrow.Field('id', int, false)]);
    const op = (type: JoinType) => new HashJoinExec(new MemorySource(strict, []), new MemorySource(strict, []), [col(0, 'a')], [col(0, 'b')], type).schema.fields.map((f) => f.nullable);
    expect(op('inner')).toEqual([false, false]);
    expect(op('left')).toEqual([false, true]);
    expect(op('right')).toEqual([true, false]);
    expect(op('full')).toEqual([true, true]);
    expect(op('semi')).toEqual([false]);
    expect(s('anti').fields.map((f) => f.name)).toEqual(['id', 'k', 'lv']);
  });

  it('closes both inputs when the consumer stops early', async () => {
    const many = Array.from({ length: 50 }, (_, i) => [i % 5, 'k', i] as ScalarValue[]);
    const { op, left, right } = join('inner', 'id', { left: many, right: many, batchSize: 5 });
    for await (const batch of op.execute({})) {
      expect(batch.numRows).toBeGreaterThan(0);
      break;
    }
    expect(right.state).toMatchObject({ opened: 1, closed: 1 });
    expect(left.state).toMatchObject({ opened: 1, closed: 1 });
    expect(left.state.batches).toBe(1);
  });

  it('starts its probe side once every build key is in the table, while the build finishes', async () => {
    const order: string[] = [];
    const right = new MemorySource(rSchema, R, 3);
    const onKeys = (table: { size: number }) => {
      order.push(`keys ${table.size}`);
      setImmediate(() => order.push('event loop'));
    };
    const outcome = await buildHashTable(right, [col(0, 'r.id')], {}, { level: 0, metrics: newSpillMetrics() }, { onKeys });
    order.push('built');
    // R's ids 2, 2, 3, NULL, 5, 1, 4: six keys; the probe's replies get a turn before the table is done.
    expect(order).toEqual(['keys 6', 'event loop', 'built']);
    expect(outcome.kind === 'table' && outcome.ht.rows).toBe(7);
    // Through the operator: the probe side is read once, and closed, whether or not it is drained.
    const { op, left } = join('inner', 'id');
    expect(sorted((await collect(op)).rows)).toEqual(sorted(lines(EXPECTED['inner id'] as string)));
    expect(left.state).toMatchObject({ opened: 1, closed: 1 });
  });

  it('keeps only the build columns read after the build (the others stand in empty)', async () => {
    const outcome = await buildHashTable(new MemorySource(rSchema, R, 3), [col(0, 'r.id')], {}, { level: 0, metrics: newSpillMetrics() }, { columns: new Set([2]) });
    expect(outcome.kind === 'table' && outcome.ht.columns.map((c) => c.length)).toEqual([0, 0, 7]);
    // A join outputting r.rv alone builds so; with a residual it keeps every column the residual may read.
    const lk = [col(0, 'l.id')];
    const rk = [col(0, 'r.id')];
    const pruned = new HashJoinExec(new MemorySource(lSchema, L, 3), new MemorySource(rSchema, R, 3), lk, rk, 'right', undefined, { outputColumns: [1, 5] });
    expect(sorted((await collect(pruned)).rows)).toEqual(sorted(lines(EXPECTED['right id'] as string).map((r) => [r.split('|')[1], r.split('|')[5]].join('|'))));
  });

  it('is re-executable: each execute() is a fresh run', async () => {
    const { op } = join('full', 'id');
    const first = sorted((await collect(op)).rows);
    expect(sorted((await collect(op)).rows)).toEqual(first);
  });

  it('stops with 57014 when cancelled and closes its inputs', async () => {
    const many = Array.from({ length: 50 }, (_, i) => [i % 5, 'k', i] as ScalarValue[]);
    const { op, left, right } = join('left', 'id', { left: many, right: many, batchSize: 5 });
    const controller = new AbortController();
    await expect(async () => {
      for await (const _ of op.execute({ signal: controller.signal })) controller.abort();
    }).rejects.toMatchObject({ sqlstate: '57014' });
    expect(left.state.closed).toBe(1);
    expect(right.state.closed).toBe(1);
  });

  it('explains itself', () => {
    expect(join('left', 'id,k', { residual }).op.explain()).toBe('HashJoin: type=left on=[l.id = r.id, l.k = r.k] residual=r.rv >= (l.lv * 10)');
    expect(join('anti', 'id', { nullAwareAnti: true }).op.explain()).toBe('HashJoin: type=anti on=[l.id = r.id] null_aware=true');
  });
});
