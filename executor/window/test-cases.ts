import * as arrow from 'apache-arrow';
import { aggregateResultType, isAggregateName } from '../aggregates/result-type.js';
import { makeBatch } from '../arrow/batch.js';
import { dataFromValues, type ScalarValue } from '../arrow/scalar.js';
import { ColumnExpr } from '../expr/column.js';
import type { ExecContext, PhysicalOperator } from '../operator.js';
import type { PhysicalSortKey } from '../operators/sort.js';
import type { FrameBound, WindowCall, WindowFrame, WindowFunctionName } from './window-call.js';

/**
 * Test support (not used by the engine): a small table with NULLs, ties, a one-row partition, a
 * NULL partition and an all-NULL-order-key partition, the same table as PostgreSQL DDL, and a
 * matrix of window calls rendered both as WindowExec arguments and as PostgreSQL SQL, so
 * window.pg15.test.ts can check every result against what PostgreSQL 15 answered.
 */

// ── the table ──

const T0 = Date.UTC(2024, 0, 1) * 1000; // µs
const minutes = (m: number) => BigInt(T0 + m * 60_000_000);
const day0 = Date.UTC(2024, 0, 1) / 86_400_000;

export const COLUMNS: readonly [string, arrow.DataType, string][] = [
  ['id', new arrow.Int32(), 'int'],
  ['k', new arrow.Utf8(), 'text'],
  ['v', new arrow.Int32(), 'int'],
  ['x', new arrow.Float64(), 'float8'],
  ['i', new arrow.Int32(), 'int'],
  ['d', new arrow.Decimal(2, 10, 128), 'numeric(10,2)'],
  ['s', new arrow.Utf8(), 'text'],
  ['b', new arrow.Bool(), 'bool'],
  ['ts', new arrow.TimestampMicrosecond(), 'timestamp'],
  ['dt', new arrow.DateDay(), 'date'],
  ['f', new arrow.Float64(), 'float8'],
];

// id, k, v, x, i, d (unscaled), s, b, ts (minutes after 2024-01-01), dt (days after), f
type Row = [number, string | null, number | null, number | null, number | null, number | null, string | null, boolean | null, number | null, number | null, number | null];
const RAW: Row[] = [
  [1, 'a', 1, 1.5, 10, 150, 'pear', true, 0, 0, 0.5],
  [2, 'a', 2, null, 20, null, 'apple', true, 30, 1, 1.0],
  [3, 'a', 2, 2.25, -5, -275, null, false, 60, 1, 1.0],
  [4, 'a', 4, -1.0, 7, 1001, 'fig', null, 61, 3, 2.5],
  [5, 'a', null, 8.0, null, 5, 'kiwi', true, null, null, null],
  [6, 'a', 5, 0.5, 3, 33, 'date', true, 150, 7, 3.0],
  [7, 'a', 5, null, 3, 12, 'apple', false, 200, 7, 3.25],
  [8, 'b', 10, 4.0, 100, 10000, 'x', true, 0, 0, -1.0],
  [9, 'b', 3, -2.5, 1, -1, 'y', true, 59, 2, -0.5],
  [10, 'b', 7, 3.0, 2, 2, null, false, 120, 4, 0.0],
  [11, 'b', 7, 0.25, null, 77, 'z', true, 180, 4, 0.0],
  [12, 'b', 12, 6.5, 4, 400, 'w', true, 240, 9, 7.5],
  [13, 'c', 1, 9.0, 9, 900, 'solo', true, 10, 10, 1.0],
  [14, null, 2, 1.0, 1, 100, 'n1', false, 20, 1, 1.0],
  [15, null, 1, 2.0, 2, 200, 'n2', true, 25, 2, 2.0],
  [16, null, 2, null, null, null, null, null, 90, 1, 1.0],
  [17, 'd', null, 1.25, 5, 125, 'd1', true, null, null, null],
  [18, 'd', null, 2.75, 6, 275, 'd2', false, null, null, null],
];

export const SCHEMA = new arrow.Schema(COLUMNS.map(([n, t]) => new arrow.Field(n, t, true)));

export const ROWS: ScalarValue[][] = RAW.map((r) => [
  r[0], r[1], r[2], r[3], r[4], r[5] === null ? null : BigInt(r[5]), r[6], r[7],
  r[8] === null ? null : minutes(r[8]), r[9] === null ? null : day0 + r[9], r[10],
]);

/** The table as PostgreSQL DDL + INSERT. */
export function postgresSetup(): string {
  const lit = (v: unknown, col: number): string => {
    if (v === null) return 'NULL';
    switch (col) {
      case 1: case 6: return `'${String(v)}'`;
      case 5: return (Number(v) / 100).toFixed(2);
      case 8: return `timestamp '2024-01-01' + interval '${Number(v)} minutes'`;
      case 9: return `date '2024-01-01' + ${Number(v)}`;
      case 3: case 10: return `${Number(v)}::float8`;
      default: return String(v);
    }
  };
  const ddl = `DROP TABLE IF EXISTS t; CREATE TABLE t (${COLUMNS.map(([n, , pg]) => `${n} ${pg}`).join(', ')});`;
  const values = RAW.map((r) => `(${r.map((v, c) => lit(v, c)).join(', ')})`).join(',\n');
  return `${ddl}\nINSERT INTO t VALUES ${values};`;
}

/** Yields the rows in batches of `batchSize` (several batches exercise the buffering). */
export class TableSource implements PhysicalOperator {
  readonly children: readonly PhysicalOperator[] = [];
  constructor(readonly schema: arrow.Schema, readonly rows: readonly (readonly ScalarValue[])[], readonly batchSize = 5) {}
  explain(): string {
    return `Memory: rows=${this.rows.length}`;
  }
  execute(_ctx: ExecContext): AsyncIterable<arrow.RecordBatch> {
    const { schema, rows, batchSize } = this;
    return (async function* source() {
      for (let start = 0; start < rows.length; start += batchSize) {
        const slice = rows.slice(start, start + batchSize);
        yield makeBatch(schema, schema.fields.map((f, c) => dataFromValues(f.type, slice.map((r) => r[c]))), slice.length);
      }
    })();
  }
}

export function col(name: string): ColumnExpr {
  const index = COLUMNS.findIndex(([n]) => n === name);
  return new ColumnExpr(index, name, COLUMNS[index][1]);
}

// ── window specifications ──

export interface OrderSpec { readonly col: string; readonly desc?: boolean; readonly nullsFirst?: boolean }
export interface WindowSpec {
  readonly name: string;
  readonly partition: readonly string[];
  readonly order: readonly OrderSpec[];
  /** the frame as SQL text, and as WindowExec takes it */
  readonly frameSql?: string;
  readonly frame?: WindowFrame;
}

const UP: FrameBound = { kind: 'unboundedPreceding' };
const UF: FrameBound = { kind: 'unboundedFollowing' };
const CR: FrameBound = { kind: 'currentRow' };
const P = (offset: ScalarValue): FrameBound => ({ kind: 'preceding', offset });
const F = (offset: ScalarValue): FrameBound => ({ kind: 'following', offset });

const byV: OrderSpec[] = [{ col: 'v' }];
const byVId: OrderSpec[] = [{ col: 'v' }, { col: 'id' }];

/** Windows whose results do not depend on how peers are ordered (every function is safe over them). */
export const DETERMINISTIC_WINDOWS: WindowSpec[] = [
  { name: 'rows-default', partition: ['k'], order: byVId },
  { name: 'rows 1p-1f', partition: ['k'], order: byVId, frameSql: 'ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING', frame: { units: 'rows', start: P(1), end: F(1) } },
  { name: 'rows up-cr', partition: ['k'], order: byVId, frameSql: 'ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW', frame: { units: 'rows', start: UP, end: CR } },
  { name: 'rows cr-uf', partition: ['k'], order: byVId, frameSql: 'ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING', frame: { units: 'rows', start: CR, end: UF } },
  { name: 'rows 2p-1p', partition: ['k'], order: byVId, frameSql: 'ROWS BETWEEN 2 PRECEDING AND 1 PRECEDING', frame: { units: 'rows', start: P(2), end: P(1) } },
  { name: 'rows 1f-3f', partition: ['k'], order: byVId, frameSql: 'ROWS BETWEEN 1 FOLLOWING AND 3 FOLLOWING', frame: { units: 'rows', start: F(1), end: F(3n) } },
  { name: 'rows up-uf', partition: ['k'], order: byVId, frameSql: 'ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING', frame: { units: 'rows', start: UP, end: UF } },
  { name: 'rows 0p-0f', partition: ['k'], order: byVId, frameSql: 'ROWS BETWEEN 0 PRECEDING AND 0 FOLLOWING', frame: { units: 'rows', start: P(0), end: F(0) } },
  { name: 'rows desc nulls first 1p-2f', partition: ['k'], order: [{ col: 'v', desc: true, nullsFirst: true }, { col: 'id' }], frameSql: 'ROWS BETWEEN 1 PRECEDING AND 2 FOLLOWING', frame: { units: 'rows', start: P(1), end: F(2) } },
  { name: 'rows 1p-1f excl cr', partition: ['k'], order: byVId, frameSql: 'ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING EXCLUDE CURRENT ROW', frame: { units: 'rows', start: P(1), end: F(1), exclude: 'currentRow' } },
  { name: 'rows up-uf excl cr', partition: ['k'], order: byVId, frameSql: 'ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING EXCLUDE CURRENT ROW', frame: { units: 'rows', start: UP, end: UF, exclude: 'currentRow' } },
  { name: 'no partition rows 2p-cr', partition: [], order: [{ col: 'id' }], frameSql: 'ROWS BETWEEN 2 PRECEDING AND CURRENT ROW', frame: { units: 'rows', start: P(2), end: CR } },
  { name: 'order by text desc (comparator sort)', partition: ['k'], order: [{ col: 's', desc: true }, { col: 'id' }], frameSql: 'ROWS BETWEEN 1 PRECEDING AND CURRENT ROW', frame: { units: 'rows', start: P(1), end: CR } },
  { name: 'two partition keys', partition: ['k', 'b'], order: byVId, frameSql: 'ROWS BETWEEN 1 PRECEDING AND CURRENT ROW', frame: { units: 'rows', start: P(1), end: CR } },
];

/** Windows with peers (ORDER BY v alone): only order-insensitive functions (aggregates, ranks) are compared over them. */
export const PEER_WINDOWS: WindowSpec[] = [
  { name: 'range-default', partition: ['k'], order: byV },
  { name: 'range-default desc nulls first', partition: ['k'], order: [{ col: 'v', desc: true, nullsFirst: true }] },
  { name: 'range-default nulls first', partition: ['k'], order: [{ col: 'v', nullsFirst: true }] },
  { name: 'whole partition (no order)', partition: ['k'], order: [] },
  { name: 'range cr-cr', partition: ['k'], order: byV, frameSql: 'RANGE BETWEEN CURRENT ROW AND CURRENT ROW', frame: { units: 'range', start: CR, end: CR } },
  { name: 'range cr-uf', partition: ['k'], order: byV, frameSql: 'RANGE BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING', frame: { units: 'range', start: CR, end: UF } },
  { name: 'range 2p-1f', partition: ['k'], order: byV, frameSql: 'RANGE BETWEEN 2 PRECEDING AND 1 FOLLOWING', frame: { units: 'range', start: P(2), end: F(1) } },
  { name: 'range 2p-1f desc', partition: ['k'], order: [{ col: 'v', desc: true }], frameSql: 'RANGE BETWEEN 2 PRECEDING AND 1 FOLLOWING', frame: { units: 'range', start: P(2), end: F(1) } },
  { name: 'range 2p-1f nulls first', partition: ['k'], order: [{ col: 'v', nullsFirst: true }], frameSql: 'RANGE BETWEEN 2 PRECEDING AND 1 FOLLOWING', frame: { units: 'range', start: P(2), end: F(1) } },
  { name: 'range 1f-3f desc nulls first', partition: ['k'], order: [{ col: 'v', desc: true, nullsFirst: true }], frameSql: 'RANGE BETWEEN 1 FOLLOWING AND 3 FOLLOWING', frame: { units: 'range', start: F(1), end: F(3) } },
  { name: 'range up-1p', partition: ['k'], order: byV, frameSql: 'RANGE BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING', frame: { units: 'range', start: UP, end: P(1) } },
  { name: 'range 0p-uf', partition: ['k'], order: byV, frameSql: 'RANGE BETWEEN 0 PRECEDING AND UNBOUNDED FOLLOWING', frame: { units: 'range', start: P(0n), end: UF } },
  { name: 'range up-uf excl group', partition: ['k'], order: byV, frameSql: 'RANGE BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING EXCLUDE GROUP', frame: { units: 'range', start: UP, end: UF, exclude: 'group' } },
  { name: 'range 3p-cr excl cr', partition: ['k'], order: byV, frameSql: 'RANGE BETWEEN 3 PRECEDING AND CURRENT ROW EXCLUDE CURRENT ROW', frame: { units: 'range', start: P(3), end: CR, exclude: 'currentRow' } },
  { name: 'range ts 1 hour', partition: ['k'], order: [{ col: 'ts' }], frameSql: "RANGE BETWEEN INTERVAL '1 hour' PRECEDING AND CURRENT ROW", frame: { units: 'range', start: P(3_600_000_000n), end: CR } },
  { name: 'range ts interval desc', partition: ['k'], order: [{ col: 'ts', desc: true }], frameSql: "RANGE BETWEEN INTERVAL '30 minutes' PRECEDING AND INTERVAL '1 hour' FOLLOWING", frame: { units: 'range', start: P({ months: 0, days: 0, micros: 1_800_000_000n }), end: F({ months: 0, days: 0, micros: 3_600_000_000n }) } },
  { name: 'range date 2 days', partition: ['k'], order: [{ col: 'dt' }], frameSql: "RANGE BETWEEN INTERVAL '2 days' PRECEDING AND INTERVAL '1 day' FOLLOWING", frame: { units: 'range', start: P({ months: 0, days: 2, micros: 0n }), end: F({ months: 0, days: 1, micros: 0n }) } },
  { name: 'range numeric 1.5', partition: ['k'], order: [{ col: 'd' }], frameSql: 'RANGE BETWEEN 1.5 PRECEDING AND 0.25 FOLLOWING', frame: { units: 'range', start: P(1.5), end: F('0.25') } },
  { name: 'range float 0.5', partition: ['k'], order: [{ col: 'f' }], frameSql: 'RANGE BETWEEN 0.5 PRECEDING AND 0.5 FOLLOWING', frame: { units: 'range', start: P(0.5), end: F(0.5) } },
  { name: 'groups 1p-1f', partition: ['k'], order: byV, frameSql: 'GROUPS BETWEEN 1 PRECEDING AND 1 FOLLOWING', frame: { units: 'groups', start: P(1), end: F(1) } },
  { name: 'groups cr-2f excl cr', partition: ['k'], order: byV, frameSql: 'GROUPS BETWEEN CURRENT ROW AND 2 FOLLOWING EXCLUDE CURRENT ROW', frame: { units: 'groups', start: CR, end: F(2), exclude: 'currentRow' } },
  { name: 'groups up-1p desc', partition: ['k'], order: [{ col: 'v', desc: true }], frameSql: 'GROUPS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING', frame: { units: 'groups', start: UP, end: P(1) } },
  { name: 'groups 1f-uf', partition: ['k'], order: byV, frameSql: 'GROUPS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING', frame: { units: 'groups', start: F(1), end: UF } },
  { name: 'rows up-uf excl ties', partition: ['k'], order: byV, frameSql: 'ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING EXCLUDE TIES', frame: { units: 'rows', start: UP, end: UF, exclude: 'ties' } },
  { name: 'groups 1p-1f excl ties', partition: ['k'], order: byV, frameSql: 'GROUPS BETWEEN 1 PRECEDING AND 1 FOLLOWING EXCLUDE TIES', frame: { units: 'groups', start: P(1), end: F(1), exclude: 'ties' } },
  { name: 'groups 1p-1f excl group', partition: ['k'], order: byV, frameSql: 'GROUPS BETWEEN 1 PRECEDING AND 1 FOLLOWING EXCLUDE GROUP', frame: { units: 'groups', start: P(1), end: F(1), exclude: 'group' } },
];

// ── functions ──

export interface FunctionSpec {
  readonly sql: string;
  readonly name: WindowFunctionName;
  readonly args: readonly string[];
  readonly params?: readonly ScalarValue[];
  /** order-insensitive: safe over PEER_WINDOWS */
  readonly peerSafe: boolean;
  /** uses the frame (ranking and lag/lead do not: compared over fewer windows) */
  readonly framed: boolean;
}

const agg = (name: WindowFunctionName, arg: string | null, sql?: string): FunctionSpec => ({
  sql: sql ?? `${name}(${arg ?? '*'})`, name, args: arg === null ? [] : [arg], peerSafe: true, framed: true,
});

export const AGGREGATES: FunctionSpec[] = [
  agg('count_star', null, 'count(*)'),
  agg('count', 'x'),
  agg('sum', 'i'),
  agg('sum', 'x'),
  agg('sum', 'd'),
  agg('avg', 'i'),
  agg('avg', 'x'),
  agg('avg', 'd'),
  agg('min', 'x'),
  agg('max', 'x'),
  agg('min', 's'),
  agg('max', 'd'),
  agg('bool_and', 'b'),
  agg('bool_or', 'b'),
  agg('var_samp', 'x'),
  agg('stddev_pop', 'i'),
];

export const VALUE_FUNCTIONS: FunctionSpec[] = [
  { sql: 'first_value(x)', name: 'first_value', args: ['x'], peerSafe: false, framed: true },
  { sql: 'last_value(s)', name: 'last_value', args: ['s'], peerSafe: false, framed: true },
  { sql: 'nth_value(x, 2)', name: 'nth_value', args: ['x'], params: [2], peerSafe: false, framed: true },
  { sql: 'nth_value(d, 3)', name: 'nth_value', args: ['d'], params: [3n], peerSafe: false, framed: true },
];

export const RANKING_FUNCTIONS: FunctionSpec[] = [
  { sql: 'rank()', name: 'rank', args: [], peerSafe: true, framed: false },
  { sql: 'dense_rank()', name: 'dense_rank', args: [], peerSafe: true, framed: false },
  { sql: 'percent_rank()', name: 'percent_rank', args: [], peerSafe: true, framed: false },
  { sql: 'cume_dist()', name: 'cume_dist', args: [], peerSafe: true, framed: false },
  { sql: 'row_number()', name: 'row_number', args: [], peerSafe: false, framed: false },
  { sql: 'ntile(3)', name: 'ntile', args: [], params: [3], peerSafe: false, framed: false },
  { sql: 'ntile(1)', name: 'ntile', args: [], params: [1n], peerSafe: false, framed: false },
  { sql: 'ntile(10)', name: 'ntile', args: [], params: [10], peerSafe: false, framed: false },
  { sql: 'lag(x)', name: 'lag', args: ['x'], peerSafe: false, framed: false },
  { sql: 'lag(x, 2)', name: 'lag', args: ['x'], params: [2], peerSafe: false, framed: false },
  { sql: "lag(s, 1, 'none')", name: 'lag', args: ['s'], params: [1, 'none'], peerSafe: false, framed: false },
  { sql: 'lead(x, 1, -1.0::float8)', name: 'lead', args: ['x'], params: [1, -1], peerSafe: false, framed: false },
  { sql: 'lead(d, 2, 9.99)', name: 'lead', args: ['d'], params: [2, 999n], peerSafe: false, framed: false },
  { sql: 'lag(i, -1)', name: 'lag', args: ['i'], params: [-1], peerSafe: false, framed: false },
  { sql: 'lead(i, 0)', name: 'lead', args: ['i'], params: [0], peerSafe: false, framed: false },
  { sql: 'lag(ts, 1)', name: 'lag', args: ['ts'], params: [1], peerSafe: false, framed: false },
];

export interface Case {
  readonly id: string;
  readonly sql: string;
  readonly call: WindowCall;
  readonly window: WindowSpec;
}

export function resultType(fn: FunctionSpec): arrow.DataType {
  const argTypes = fn.args.map((a) => col(a).type);
  switch (fn.name) {
    case 'row_number': case 'rank': case 'dense_rank': case 'ntile': return new arrow.Int64();
    case 'percent_rank': case 'cume_dist': return new arrow.Float64();
    case 'lag': case 'lead': case 'first_value': case 'last_value': case 'nth_value': return argTypes[0];
    default:
      if (!isAggregateName(fn.name)) throw new Error(fn.name);
      return aggregateResultType(fn.name, argTypes);
  }
}

function orderSql(o: OrderSpec): string {
  return `${o.col}${o.desc === true ? ' DESC' : ''}${o.nullsFirst === undefined ? '' : o.nullsFirst ? ' NULLS FIRST' : ' NULLS LAST'}`;
}

export function sortKeys(order: readonly OrderSpec[]): PhysicalSortKey[] {
  // PostgreSQL's default: NULLS LAST ascending, NULLS FIRST descending
  return order.map((o) => ({ expr: col(o.col), descending: o.desc === true, nullsFirst: o.nullsFirst ?? o.desc === true }));
}

export function makeCase(fn: FunctionSpec, window: WindowSpec): Case {
  const parts: string[] = [];
  if (window.partition.length > 0) parts.push(`PARTITION BY ${window.partition.join(', ')}`);
  if (window.order.length > 0) parts.push(`ORDER BY ${window.order.map(orderSql).join(', ')}`);
  if (window.frameSql !== undefined) parts.push(window.frameSql);
  const sql = `${fn.sql} OVER (${parts.join(' ')})`;
  const call: WindowCall = {
    name: fn.name,
    args: fn.args.map(col),
    params: fn.params,
    frame: window.frame,
    type: resultType(fn),
    outputName: 'r',
  };
  return { id: `${fn.sql} over ${window.name}`, sql, call, window };
}

/** The whole matrix: aggregates and frame values over every window they are deterministic over, ranking over a few orders. */
export function allCases(): Case[] {
  const cases: Case[] = [];
  for (const fn of [...AGGREGATES, ...VALUE_FUNCTIONS]) {
    for (const w of DETERMINISTIC_WINDOWS) cases.push(makeCase(fn, w));
    if (fn.peerSafe) for (const w of PEER_WINDOWS) cases.push(makeCase(fn, w));
  }
  const rankWindows = DETERMINISTIC_WINDOWS.filter((w) => ['rows-default', 'rows desc nulls first 1p-2f', 'no partition rows 2p-cr', 'order by text desc (comparator sort)', 'two partition keys'].includes(w.name));
  const peerRankWindows: WindowSpec[] = PEER_WINDOWS.slice(0, 4);
  for (const fn of RANKING_FUNCTIONS) {
    for (const w of rankWindows) cases.push(makeCase(fn, { ...w, frame: undefined, frameSql: undefined }));
    if (fn.peerSafe) for (const w of peerRankWindows) cases.push(makeCase(fn, w));
  }
  // first_value / last_value where peers share a value: ORDER BY v with x constant among peers is not
  // guaranteed, so these use dense frames over (v, id) only — already covered above.
  return cases;
}
