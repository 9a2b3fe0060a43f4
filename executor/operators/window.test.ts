import * as arrow from 'apache-arrow';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { SqlError } from '../../common/sql-error.js';
import { aggregateResultType } from '../aggregates/result-type.js';
import { valuesOf, type ScalarValue } from '../arrow/scalar.js';
import { ColumnExpr } from '../expr/column.js';
import type { PhysicalOperator } from '../operator.js';
import { COLUMNS, ROWS, SCHEMA, TableSource, col, sortKeys } from '../window/test-cases.js';
import type { WindowCall, WindowFrame } from '../window/window-call.js';
import { WindowExec } from './window.js';

async function collect(op: PhysicalOperator): Promise<{ rows: ScalarValue[][]; batchSizes: number[] }> {
  const rows: ScalarValue[][] = [];
  const batchSizes: number[] = [];
  for await (const batch of op.execute({})) {
    batchSizes.push(batch.numRows);
    const cols = batch.data.children.map((c) => valuesOf(c));
    for (let i = 0; i < batch.numRows; i++) rows.push(cols.map((c) => c[i]));
  }
  return { rows, batchSizes };
}

const int64 = new arrow.Int64();
const call = (name: WindowCall['name'], args: ColumnExpr[], extra: Partial<WindowCall> = {}): WindowCall => ({
  name, args, type: extra.type ?? int64, outputName: extra.outputName ?? name, ...extra,
});

describe('WindowExec: job 3 last-touch attribution shape', () => {
  // imps ⋈ convs on (uid, advertiser) with impTimestamp < convTimestamp, then
  // dense_rank() OVER (PARTITION BY uid, advertiser ORDER BY impTimestamp DESC) = 1
  const schema = new arrow.Schema([
    new arrow.Field('uid', new arrow.Utf8(), true),
    new arrow.Field('advertiser', new arrow.Utf8(), true),
    new arrow.Field('impTimestamp', new arrow.TimestampMicrosecond(), true),
    new arrow.Field('impId', new arrow.Int32(), true),
  ]);
  const t = (s: number) => BigInt(Date.UTC(2024, 0, 1, 0, 0, s) * 1000);
  const rows: ScalarValue[][] = [
    ['u1', 'nike', t(10), 1],
    ['u1', 'nike', t(30), 2],
    ['u1', 'nike', t(30), 3], // tie for the latest impression: both rank 1
    ['u1', 'adidas', t(5), 4],
    ['u2', 'nike', t(1), 5],
    ['u2', 'nike', null, 6], // DESC puts NULLs first (PostgreSQL's default), so a NULL time ranks 1
    ['u2', 'nike', t(2), 7],
    [null, 'nike', t(3), 8],
    [null, 'nike', t(4), 9],
  ];
  const uid = new ColumnExpr(0, 'uid', new arrow.Utf8());
  const adv = new ColumnExpr(1, 'advertiser', new arrow.Utf8());
  const ts = new ColumnExpr(2, 'impTimestamp', new arrow.TimestampMicrosecond());

  it('ranks the latest impressions 1 per (uid, advertiser), ties and NULLs as PostgreSQL 15 does', async () => {
    const op = new WindowExec(new TableSource(schema, rows, 4), [uid, adv], [{ expr: ts, descending: true, nullsFirst: true }], [call('dense_rank', [], { outputName: 'r' })]);
    const { rows: out } = await collect(op);
    // PostgreSQL 15: SELECT impId, dense_rank() OVER (PARTITION BY uid, advertiser ORDER BY impTimestamp DESC) …
    const rankById = Object.fromEntries(out.map((r) => [r[3] as number, r[4]]));
    expect(rankById).toEqual({ 1: 2n, 2: 1n, 3: 1n, 4: 1n, 5: 3n, 6: 1n, 7: 2n, 8: 2n, 9: 1n });
    // output is sorted by partition keys (ascending, NULLs last), then the ORDER BY keys
    expect(out.map((r) => r[3])).toEqual([4, 2, 3, 1, 6, 7, 5, 9, 8]);
    expect(op.schema.fields.map((f) => `${f.name}:${f.type}`)).toEqual(['uid:Utf8', 'advertiser:Utf8', 'impTimestamp:Timestamp<MICROSECOND>', 'impId:Int32', 'r:Int64']);
  });

  it('explains itself', () => {
    const op = new WindowExec(new TableSource(schema, rows), [uid, adv], [{ expr: ts, descending: true, nullsFirst: true }], [
      call('dense_rank', [], { outputName: 'r' }),
      call('sum', [new ColumnExpr(3, 'impId', new arrow.Int32())], { outputName: 's', frame: { units: 'rows', start: { kind: 'preceding', offset: 2 }, end: { kind: 'currentRow' }, exclude: 'ties' } }),
      call('lag', [new ColumnExpr(3, 'impId', new arrow.Int32())], { outputName: 'prev', params: [1, 0] }),
    ]);
    expect(op.explain()).toBe('Window: partition=[uid, advertiser] order=[impTimestamp DESC NULLS FIRST] calls=[dense_rank() AS r, sum(impId) ROWS BETWEEN 2 PRECEDING AND CURRENT ROW EXCLUDE TIES AS s, lag(impId, 1, 0) AS prev]');
  });
});

describe('WindowExec: shapes of input and output', () => {
  it('yields nothing for empty input (no batches, or only empty batches)', async () => {
    const op = new WindowExec(new TableSource(SCHEMA, [], 5), [col('k')], sortKeys([{ col: 'v' }]), [call('row_number', [])]);
    expect((await collect(op)).rows).toEqual([]);
  });

  it('emits batches of at most 65,536 rows, row_number running across batch boundaries', async () => {
    const schema = new arrow.Schema([new arrow.Field('n', new arrow.Int32(), true)]);
    const rows = Array.from({ length: 150_000 }, (_, i) => [149_999 - i]);
    const n = new ColumnExpr(0, 'n', new arrow.Int32());
    const op = new WindowExec(new TableSource(schema, rows, 40_000), [], [{ expr: n, descending: false, nullsFirst: false }], [
      call('row_number', []),
      call('sum', [n], { type: int64, outputName: 's', frame: { units: 'rows', start: { kind: 'preceding', offset: 1 }, end: { kind: 'currentRow' } } }),
    ]);
    const { rows: out, batchSizes } = await collect(op);
    expect(batchSizes).toEqual([65_536, 65_536, 18_928]);
    expect(out[0]).toEqual([0, 1n, 0n]);
    expect(out[100_000]).toEqual([100_000, 100_001n, 199_999n]);
    expect(out.every((r, i) => r[0] === i && r[1] === BigInt(i + 1))).toBe(true);
  });

  it('computes several calls with different frames over one window', async () => {
    const frame: WindowFrame = { units: 'rows', start: { kind: 'preceding', offset: 1 }, end: { kind: 'following', offset: 1 } };
    const op = new WindowExec(new TableSource(SCHEMA, ROWS), [col('k')], sortKeys([{ col: 'v' }, { col: 'id' }]), [
      call('row_number', []),
      call('sum', [col('i')], { outputName: 'running' }),
      call('sum', [col('i')], { outputName: 'moving', frame }),
      call('min', [col('s')], { type: new arrow.Utf8(), outputName: 'smin', frame }),
    ]);
    const { rows } = await collect(op);
    const a = rows.filter((r) => r[1] === 'a').map((r) => [r[0], ...r.slice(COLUMNS.length)]);
    // PostgreSQL 15: partition 'a' ordered by v, id (NULL v last)
    expect(a).toEqual([
      [1, 1n, 10n, 30n, 'apple'],
      [2, 2n, 30n, 25n, 'apple'],
      [3, 3n, 25n, 22n, 'apple'],
      [4, 4n, 32n, 5n, 'date'],
      [6, 5n, 35n, 13n, 'apple'],
      [7, 6n, 38n, 6n, 'apple'],
      [5, 7n, 38n, 3n, 'apple'],
    ]);
  });
});

describe('WindowExec: special order-key values', () => {
  it('orders floats as PostgreSQL 15 does: -0 and 0 are peers, NaN above Infinity, NULLs per NULLS FIRST/LAST', async () => {
    const schema = new arrow.Schema([new arrow.Field('id', new arrow.Int32(), true), new arrow.Field('f', new arrow.Float64(), true)]);
    const rows: ScalarValue[][] = [[1, 0], [2, -0], [3, NaN], [4, Infinity], [5, -Infinity], [6, null], [7, 1.5], [8, NaN], [9, -2.5]];
    const f = new ColumnExpr(1, 'f', new arrow.Float64());
    const asc = await collect(new WindowExec(new TableSource(schema, rows, 4), [], [{ expr: f, descending: false, nullsFirst: false }], [call('rank', [])]));
    const desc = await collect(new WindowExec(new TableSource(schema, rows, 4), [], [{ expr: f, descending: true, nullsFirst: false }], [call('rank', [])]));
    const byId = (out: ScalarValue[][]) => out.sort((a, b) => (a[0] as number) - (b[0] as number)).map((r) => Number(r[2]));
    // PostgreSQL 15: rank() OVER (ORDER BY f) and OVER (ORDER BY f DESC NULLS LAST), by id
    expect(byId(asc.rows)).toEqual([3, 3, 7, 6, 1, 9, 5, 7, 2]);
    expect(byId(desc.rows)).toEqual([5, 5, 1, 3, 8, 9, 4, 1, 7]);
  });

  it('RANGE offsets over int64 keys beyond 2^53 stay exact (bigint path)', async () => {
    const schema = new arrow.Schema([new arrow.Field('n', new arrow.Int64(), true)]);
    const big = 2n ** 62n;
    const rows: ScalarValue[][] = [[big], [big + 1n], [big + 3n], [-big], [null], [big + 2n]];
    const n = new ColumnExpr(0, 'n', new arrow.Int64());
    const frame: WindowFrame = { units: 'range', start: { kind: 'preceding', offset: 1n }, end: { kind: 'following', offset: 1 } };
    const { rows: out } = await collect(new WindowExec(new TableSource(schema, rows), [], [{ expr: n, descending: false, nullsFirst: false }], [call('count_star', [], { frame })]));
    expect(out).toEqual([[-big, 1n], [big, 2n], [big + 1n, 3n], [big + 2n, 3n], [big + 3n, 2n], [null, 1n]]);
  });
});

describe('WindowExec: exact sums', () => {
  const schema = new arrow.Schema([new arrow.Field('g', new arrow.Int32(), true), new arrow.Field('n', new arrow.Int64(), true), new arrow.Field('d', new arrow.Decimal(3, 38, 128), true)]);
  const g = new ColumnExpr(0, 'g', new arrow.Int32());
  const n = new ColumnExpr(1, 'n', new arrow.Int64());
  const d = new ColumnExpr(2, 'd', new arrow.Decimal(3, 38, 128));
  const big = 9_223_372_036_854_775_807n;
  const rows: ScalarValue[][] = [[1, big, 10n ** 36n], [1, big, 10n ** 36n], [1, -1n, -1n], [1, null, null]];

  it('sums int64 past 2^63 exactly into decimal(38,0), and decimals exactly', async () => {
    const frame: WindowFrame = { units: 'rows', start: { kind: 'preceding', offset: 1 }, end: { kind: 'currentRow' } };
    const op = new WindowExec(new TableSource(schema, rows), [g], [], [
      call('sum', [n], { type: aggregateResultType('sum', [new arrow.Int64()]), outputName: 'whole' }),
      call('sum', [n], { type: aggregateResultType('sum', [new arrow.Int64()]), outputName: 'moving', frame }),
      call('avg', [n], { type: new arrow.Float64(), outputName: 'avg' }),
      call('sum', [d], { type: aggregateResultType('sum', [new arrow.Decimal(3, 38, 128)]), outputName: 'dsum', frame }),
    ]);
    const { rows: out } = await collect(op);
    expect(out.map((r) => r.slice(3))).toEqual([
      [2n * big - 1n, big, (2 * Number(big) - 1) / 3, 10n ** 36n],
      [2n * big - 1n, 2n * big, (2 * Number(big) - 1) / 3, 2n * 10n ** 36n],
      [2n * big - 1n, big - 1n, (2 * Number(big) - 1) / 3, 10n ** 36n - 1n],
      [2n * big - 1n, -1n, (2 * Number(big) - 1) / 3, -1n],
    ]);
  });

  it('raises 22003 when a decimal sum passes 38 digits', async () => {
    const many = Array.from({ length: 200 }, () => [1, 0n, 10n ** 37n * 9n]);
    const op = new WindowExec(new TableSource(schema, many), [g], [], [call('sum', [d], { type: new arrow.Decimal(3, 38, 128), outputName: 's' })]);
    await expect(collect(op)).rejects.toMatchObject({ sqlstate: '22003' });
  });
});

describe('WindowExec: errors a user can cause', () => {
  const byV = sortKeys([{ col: 'v' }]);
  const run = (calls: WindowCall[], order = byV) => collect(new WindowExec(new TableSource(SCHEMA, ROWS), [col('k')], order, calls));
  const framed = (frame: WindowFrame) => call('sum', [col('i')], { frame });
  const build = (calls: WindowCall[], order = byV) => () => new WindowExec(new TableSource(SCHEMA, ROWS), [col('k')], order, calls);

  it('refuses invalid frames with 42P20 as PostgreSQL does, before reading any row', () => {
    const cases: [WindowFrame, string][] = [
      [{ units: 'rows', start: { kind: 'unboundedFollowing' }, end: { kind: 'currentRow' } }, 'frame start cannot be UNBOUNDED FOLLOWING'],
      [{ units: 'rows', start: { kind: 'currentRow' }, end: { kind: 'unboundedPreceding' } }, 'frame end cannot be UNBOUNDED PRECEDING'],
      [{ units: 'rows', start: { kind: 'currentRow' }, end: { kind: 'preceding', offset: 1 } }, 'frame starting from current row cannot have preceding rows'],
      [{ units: 'rows', start: { kind: 'following', offset: 1 }, end: { kind: 'currentRow' } }, 'frame starting from following row cannot end with current row'],
      [{ units: 'range', start: { kind: 'preceding', offset: 1 }, end: { kind: 'currentRow' } }, 'RANGE with offset PRECEDING/FOLLOWING requires exactly one ORDER BY column'],
    ];
    for (const [frame, message] of cases) {
      expect(build([framed(frame)], sortKeys([{ col: 'v' }, { col: 'id' }]))).toThrow(message);
      expect(() => build([framed(frame)], sortKeys([{ col: 'v' }, { col: 'id' }]))()).toThrowError(expect.objectContaining({ sqlstate: '42P20' }) as never);
    }
    expect(build([framed({ units: 'groups', start: { kind: 'preceding', offset: 1 }, end: { kind: 'currentRow' } })], [])).toThrow('GROUPS mode requires an ORDER BY clause');
  });

  it('refuses NULL (22004) and negative (22013) offsets', async () => {
    await expect(run([framed({ units: 'rows', start: { kind: 'preceding', offset: null }, end: { kind: 'currentRow' } })])).rejects.toMatchObject({ sqlstate: '22004', message: 'frame starting offset must not be null' });
    await expect(run([framed({ units: 'rows', start: { kind: 'currentRow' }, end: { kind: 'following', offset: -1 } })])).rejects.toMatchObject({ sqlstate: '22013', message: 'frame ending offset must not be negative' });
    await expect(run([framed({ units: 'range', start: { kind: 'preceding', offset: -2 }, end: { kind: 'currentRow' } })])).rejects.toMatchObject({ sqlstate: '22013', message: 'invalid preceding or following size in window function' });
  });

  it('refuses ntile(0) (22014) and nth_value(x, 0) (22016); ntile(NULL) is NULL', async () => {
    await expect(run([call('ntile', [], { params: [0] })])).rejects.toMatchObject({ sqlstate: '22014' });
    await expect(run([call('nth_value', [col('x')], { params: [0], type: new arrow.Float64() })])).rejects.toMatchObject({ sqlstate: '22016' });
    const { rows } = await run([call('ntile', [], { params: [null] })]);
    expect(rows.every((r) => r[COLUMNS.length] === null)).toBe(true);
  });

  it('refuses RANGE offsets over text keys and aggregates it cannot run with 0A000', async () => {
    await expect(run([framed({ units: 'range', start: { kind: 'preceding', offset: 1 }, end: { kind: 'currentRow' } })], sortKeys([{ col: 's' }]))).rejects.toMatchObject({ sqlstate: '0A000' });
    expect(build([call('percentile_cont', [col('x')], { type: new arrow.Float64() })])).toThrowError(SqlError);
    expect(build([call('string_agg', [col('s')], { type: new arrow.Utf8() })])).toThrow('unsupported feature: string_agg as a window function');
    expect(build([framed({ units: 'rows', start: { kind: 'currentRow' }, end: { kind: 'currentRow' }, exclude: 'others' as never })])).toThrow('unsupported feature: window frame EXCLUDE others');
  });
});

describe('WindowExec: IGNORE NULLS against DuckDB (PostgreSQL 15 has no IGNORE NULLS)', () => {
  it('lag / lead / first_value / last_value / nth_value skip NULLs as DuckDB does', async () => {
    const instance = await DuckDBInstance.create(':memory:');
    const db = await instance.connect();
    const lit = (v: ScalarValue) => (v === null ? 'NULL' : typeof v === 'string' ? `'${v}'` : String(v));
    await db.run(`CREATE TABLE t AS SELECT * FROM (VALUES ${ROWS.map((r) => `(${lit(r[0])}, ${lit(r[1])}, ${lit(r[2])}, ${lit(r[3])}::DOUBLE)`).join(', ')}) v(id, k, v, x)`);
    const frame: WindowFrame = { units: 'rows', start: { kind: 'preceding', offset: 2 }, end: { kind: 'following', offset: 2 } };
    const f64 = new arrow.Float64();
    const cases: [string, WindowCall][] = [
      ['lag(x IGNORE NULLS)', call('lag', [col('x')], { type: f64, ignoreNulls: true })],
      ['lag(x, 2, -1 IGNORE NULLS)', call('lag', [col('x')], { type: f64, params: [2, -1], ignoreNulls: true })],
      ['lead(x IGNORE NULLS)', call('lead', [col('x')], { type: f64, ignoreNulls: true })],
      ['first_value(x IGNORE NULLS)', call('first_value', [col('x')], { type: f64, ignoreNulls: true, frame })],
      ['last_value(x IGNORE NULLS)', call('last_value', [col('x')], { type: f64, ignoreNulls: true, frame })],
      ['nth_value(x, 2 IGNORE NULLS)', call('nth_value', [col('x')], { type: f64, params: [2], ignoreNulls: true, frame })],
    ];
    for (const [sql, c] of cases) {
      const frameSql = c.frame === undefined ? '' : ' ROWS BETWEEN 2 PRECEDING AND 2 FOLLOWING';
      const reader = await db.runAndReadAll(`SELECT ${sql} OVER (PARTITION BY k ORDER BY v NULLS LAST, id${frameSql}) FROM t ORDER BY id`);
      const theirs = reader.getRows().map((r) => r[0]);
      const { rows } = await collect(new WindowExec(new TableSource(SCHEMA, ROWS), [col('k')], sortKeys([{ col: 'v' }, { col: 'id' }]), [c]));
      const ours = rows.sort((a, b) => (a[0] as number) - (b[0] as number)).map((r) => r[COLUMNS.length]);
      expect(ours, sql).toEqual(theirs);
    }
    db.closeSync();
  });
});

describe('WindowExec: fast paths agree with a brute-force reference on random data', () => {
  // Deterministic pseudo-random data: many partitions, duplicate order keys, NULLs.
  let seed = 42;
  const rand = () => ((seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0) / 2 ** 32);
  const n = 3000;
  const schema = new arrow.Schema([new arrow.Field('p', new arrow.Int32(), true), new arrow.Field('o', new arrow.Int32(), true), new arrow.Field('x', new arrow.Float64(), true), new arrow.Field('i', new arrow.Int32(), true)]);
  const rows: ScalarValue[][] = Array.from({ length: n }, () => [
    Math.floor(rand() * 7), rand() < 0.05 ? null : Math.floor(rand() * 200), rand() < 0.1 ? null : Math.round(rand() * 1e6) / 64, rand() < 0.1 ? null : Math.floor(rand() * 2000 - 1000),
  ]);
  const p = new ColumnExpr(0, 'p', new arrow.Int32());
  const o = new ColumnExpr(1, 'o', new arrow.Int32());
  const x = new ColumnExpr(2, 'x', new arrow.Float64());
  const i = new ColumnExpr(3, 'i', new arrow.Int32());

  const frames: WindowFrame[] = [
    { units: 'rows', start: { kind: 'preceding', offset: 300 }, end: { kind: 'following', offset: 200 } }, // large: compensated prefix sums
    { units: 'rows', start: { kind: 'preceding', offset: 5 }, end: { kind: 'following', offset: 3 } },
    { units: 'range', start: { kind: 'preceding', offset: 10 }, end: { kind: 'following', offset: 4 } },
    { units: 'groups', start: { kind: 'preceding', offset: 3 }, end: { kind: 'preceding', offset: 1 } },
    { units: 'rows', start: { kind: 'preceding', offset: 40 }, end: { kind: 'following', offset: 40 }, exclude: 'group' },
    { units: 'range', start: { kind: 'unboundedPreceding' }, end: { kind: 'following', offset: 20 }, exclude: 'ties' },
  ];

  it.each(frames.map((f) => [JSON.stringify(f), f] as const))('min, max, sum, count, avg over %s', async (_name, frame) => {
    const calls: WindowCall[] = [
      call('min', [x], { type: new arrow.Float64(), outputName: 'min', frame }),
      call('max', [i], { type: new arrow.Int32(), outputName: 'max', frame }),
      call('sum', [x], { type: new arrow.Float64(), outputName: 'sumx', frame }),
      call('sum', [i], { type: int64, outputName: 'sumi', frame }),
      call('count', [x], { outputName: 'count', frame }),
      call('avg', [i], { type: new arrow.Float64(), outputName: 'avg', frame }),
    ];
    // RANGE with an offset needs a single ORDER BY key; the others also order by i DESC NULLS FIRST
    const single = frame.units === 'range';
    const keys = [{ expr: o, descending: false, nullsFirst: false }, ...(single ? [] : [{ expr: i, descending: true, nullsFirst: true }])];
    const { rows: out } = await collect(new WindowExec(new TableSource(schema, rows, 1000), [p], keys, calls));
    // Reference: the same sort, then each frame's rows listed one by one.
    const cmpNullable = (a: ScalarValue, b: ScalarValue, desc: boolean, nullsFirst: boolean) => {
      if (a === null || b === null) return a === b ? 0 : (a === null) === nullsFirst ? -1 : 1;
      return (desc ? -1 : 1) * ((a as number) - (b as number));
    };
    const peers = (a: ScalarValue[], b: ScalarValue[]) => cmpNullable(a[1], b[1], false, false) === 0 && (single || cmpNullable(a[3], b[3], true, true) === 0);
    const groupOf: number[] = [];
    for (let r = 0; r < out.length; r++) groupOf.push(r === 0 || out[r - 1][0] !== out[r][0] ? 0 : groupOf[r - 1] + (peers(out[r - 1], out[r]) ? 0 : 1));
    for (let r = 0; r < out.length; r++) {
      const row = out[r];
      let ps = r;
      while (ps > 0 && out[ps - 1][0] === row[0]) ps--;
      let pe = r;
      while (pe < out.length && out[pe][0] === row[0]) pe++;
      const members: ScalarValue[][] = [];
      for (let q = ps; q < pe; q++) if (inFrame(frame, out, groupOf, ps, pe, r, q, peers)) members.push(out[q]);
      const xs = members.map((m) => m[2]).filter((v) => v !== null) as number[];
      const is = members.map((m) => m[3]).filter((v) => v !== null) as number[];
      const expected = [
        xs.length === 0 ? null : Math.min(...xs),
        is.length === 0 ? null : Math.max(...is),
        xs.length === 0 ? null : xs.reduce((s, v) => s + v, 0),
        is.length === 0 ? null : BigInt(is.reduce((s, v) => s + v, 0)),
        BigInt(xs.length),
        is.length === 0 ? null : is.reduce((s, v) => s + v, 0) / is.length,
      ];
      const got = row.slice(4);
      // float sums: exact here (multiples of 1/64 well inside 2^53), whatever the summation order
      expect(got, `row ${r}`).toEqual(expected);
    }
  });
});

/** Brute-force frame membership of sorted position q for the current row r (partition [ps, pe)). */
function inFrame(frame: WindowFrame, rows: ScalarValue[][], groupOf: number[], ps: number, pe: number, r: number, q: number, peers: (a: ScalarValue[], b: ScalarValue[]) => boolean): boolean {
  const groupStart = (pos: number) => { let s = pos; while (s > ps && peers(rows[s - 1], rows[pos])) s--; return s; };
  const groupIndex = (pos: number) => groupOf[pos];
  const off = (b: WindowFrame['start']) => (b.kind === 'preceding' || b.kind === 'following' ? Number(b.offset) : 0);
  let ok: boolean;
  if (frame.units === 'rows') {
    const lo = frame.start.kind === 'unboundedPreceding' ? ps : frame.start.kind === 'preceding' ? r - off(frame.start) : frame.start.kind === 'currentRow' ? r : r + off(frame.start);
    const hi = frame.end.kind === 'unboundedFollowing' ? pe - 1 : frame.end.kind === 'preceding' ? r - off(frame.end) : frame.end.kind === 'currentRow' ? r : r + off(frame.end);
    ok = q >= lo && q <= hi;
  } else if (frame.units === 'groups') {
    const g = groupIndex(r);
    const gq = groupIndex(q);
    const lo = frame.start.kind === 'unboundedPreceding' ? -Infinity : frame.start.kind === 'preceding' ? g - off(frame.start) : frame.start.kind === 'currentRow' ? g : g + off(frame.start);
    const hi = frame.end.kind === 'unboundedFollowing' ? Infinity : frame.end.kind === 'preceding' ? g - off(frame.end) : frame.end.kind === 'currentRow' ? g : g + off(frame.end);
    ok = gq >= lo && gq <= hi;
  } else {
    // NULLS LAST (as PostgreSQL's update_frameheadpos/tailpos): a NULL row's offset bounds reach the
    // edges of the NULL peer group, which sits at the partition's end; a non-NULL row's never reach it.
    const v = rows[r][1] as number | null;
    const w = rows[q][1] as number | null;
    const startOk = frame.start.kind === 'unboundedPreceding' ? true : frame.start.kind === 'currentRow' ? q >= groupStart(r) : v === null ? w === null : w === null ? true : w >= v + (frame.start.kind === 'preceding' ? -1 : 1) * off(frame.start);
    const endOk = frame.end.kind === 'unboundedFollowing' ? true : frame.end.kind === 'currentRow' ? q < groupStart(r) || peers(rows[q], rows[r]) || q <= r : v === null ? true : w === null ? false : w <= v + (frame.end.kind === 'preceding' ? -1 : 1) * off(frame.end);
    ok = startOk && endOk;
  }
  if (!ok) return false;
  switch (frame.exclude) {
    case 'currentRow': return q !== r;
    case 'group': return !peers(rows[q], rows[r]);
    case 'ties': return q === r || !peers(rows[q], rows[r]);
    default: return true;
  }
}


describe('WindowExec: one string partition key over several batches', () => {
  it('numbers rows per partition with NULL a partition of its own, first seen in a later batch', async () => {
    const schema = new arrow.Schema([new arrow.Field('k', new arrow.Utf8(), true), new arrow.Field('v', new arrow.Int32(), true)]);
    const rows: ScalarValue[][] = [['b', 3], ['a', 1], ['b', 1], [null, 7], ['a', 2], [null, 5], ['c', 0]];
    const k = new ColumnExpr(0, 'k', new arrow.Utf8());
    const v = new ColumnExpr(1, 'v', new arrow.Int32());
    const op = new WindowExec(new TableSource(schema, rows, 3), [k], [{ expr: v, descending: false, nullsFirst: false }], [call('row_number', [], { outputName: 'n' })]);
    // PostgreSQL 15: SELECT k, v, row_number() OVER (PARTITION BY k ORDER BY v) … ORDER BY k NULLS LAST, v
    expect((await collect(op)).rows).toEqual([['a', 1, 1n], ['a', 2, 2n], ['b', 1, 1n], ['b', 3, 2n], ['c', 0, 1n], [null, 5, 1n], [null, 7, 2n]]);
  });
});

describe('WindowExec: partition key columns in the output', () => {
  it('emits each row’s own float key (-0 and 0 share a partition but stay as written) and ints from the partition keys', async () => {
    const schema = new arrow.Schema([new arrow.Field('f', new arrow.Float64(), true), new arrow.Field('i', new arrow.Int32(), true)]);
    const rows: ScalarValue[][] = [[-0, 1], [0, 1], [1.5, null], [-0, null], [1.5, 2]];
    const f = new ColumnExpr(0, 'f', new arrow.Float64());
    const i = new ColumnExpr(1, 'i', new arrow.Int32());
    const op = new WindowExec(new TableSource(schema, rows, 2), [f, i], [], [call('row_number', [], { outputName: 'n' })]);
    // PostgreSQL 15 (float8 -0 = 0): partitions (0, 1) ×2, (0, NULL), (1.5, NULL), (1.5, 2).
    const out = (await collect(op)).rows;
    expect(out.map((r) => [Object.is(r[0], -0) ? '-0' : r[0], r[1], r[2]])).toEqual([['-0', 1, 1n], [0, 1, 2n], ['-0', null, 1n], [1.5, 2, 1n], [1.5, null, 1n]]);
  });
});
