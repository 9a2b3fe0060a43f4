import * as arrow from 'apache-arrow';
import { makeBatch } from '../../executor/arrow/batch.js';
import { dataFromValues, scalarAt, type ScalarValue } from '../../executor/arrow/scalar.js';
import { cast } from '../../executor/kernels/cast.js';
import type { Expr } from '../expr/expr.js';
import { lowerExpr } from '../lower/expr.js';
import { foldExpr } from '../optimizer/fold-constants.js';
import { parseStatement } from '../parser/parse.js';
import { MemoryCatalog } from '../testing/memory-catalog.js';
import { ExprBinder } from './bind-expr.js';
import { BindContext } from './context.js';
import { Scope } from './scope.js';

/**
 * Test harness for scalar functions and operators: binds the select list of
 * `SELECT <exprs> FROM t` against table `t` below (the same rows as the PostgreSQL oracle's
 * `t`), folds constants, lowers, and evaluates over one batch. Each value comes back in
 * PostgreSQL's text form (NULL as null), so expectations read like psql output.
 *
 * PostgreSQL 15: create table t(s text, n int, b bigint, x numeric(10,2), f float8, d date,
 * ts timestamptz, ok boolean); the rows are `ROWS` below.
 */
export const T_COLUMNS: readonly { name: string; type: arrow.DataType }[] = [
  { name: 's', type: new arrow.Utf8() },
  { name: 'n', type: new arrow.Int32() },
  { name: 'b', type: new arrow.Int64() },
  { name: 'x', type: new arrow.Decimal(2, 10, 128) },
  { name: 'f', type: new arrow.Float64() },
  { name: 'd', type: new arrow.DateDay() },
  { name: 'ts', type: new arrow.TimestampMicrosecond('UTC') },
  { name: 'ok', type: new arrow.Bool() },
];

const day = (iso: string) => Math.round(Date.parse(iso) / 86_400_000);
const micros = (iso: string) => BigInt(Date.parse(iso)) * 1000n;

export const ROWS: readonly ScalarValue[][] = [
  ['Hello World', 7, 100n, 12345n, 2.5, day('2021-01-31'), micros('2021-01-31T10:59:59.5Z'), true],
  ['añb€c', -3, -7n, -250n, -0.5, day('2020-02-29'), micros('2020-02-29T00:00:00Z'), false],
  [null, null, null, null, null, null, null, null],
  ['  pad  ', 0, 9007199254740993n, 5n, 1e-7, day('1969-12-31'), micros('1969-12-31T23:59:59.999Z'), null],
];

function table(): arrow.RecordBatch {
  const columns = T_COLUMNS.map((c, k) => dataFromValues(c.type, ROWS.map((r) => r[k])));
  return makeBatch(new arrow.Schema(T_COLUMNS.map((c) => new arrow.Field(c.name, c.type, true))), columns, ROWS.length);
}

/** Binds each select-list expression of `SELECT <list> FROM t`. */
export async function bindList(list: string): Promise<Expr[]> {
  const parsed = await parseStatement(`SELECT ${list} FROM t`);
  if (parsed.kind !== 'select') throw new Error('expected a query');
  const ctx = new BindContext(new MemoryCatalog(), parsed.source, parsed.prepass);
  const scope = new Scope(T_COLUMNS.map((c, index) => ({ qualifier: 't', name: c.name, type: c.type, index })), ['t']);
  const binder = new ExprBinder(ctx, scope);
  return (parsed.select.targetList ?? []).map((t) => binder.bind((t as { ResTarget: { val: never } }).ResTarget.val));
}

/** Evaluates `expr` for every row of t: one PostgreSQL-text value (or null) per row. */
export async function evalRows(expr: string): Promise<(string | null)[]> {
  const [bound] = await bindList(expr);
  const data = lowerExpr(foldExpr(bound)).evaluate(table());
  return textOf(data);
}

/** Evaluates a constant expression (first row only). */
export async function evalOne(expr: string): Promise<string | null> {
  return (await evalRows(expr))[0];
}

/** Values as text: scalars by CAST's text rules, nested values as JSON-like text. */
export function textOf(data: arrow.Data): (string | null)[] {
  if ([arrow.Type.Struct, arrow.Type.List, arrow.Type.Map].includes(data.typeId)) {
    const out: (string | null)[] = [];
    for (let i = 0; i < data.length; i++) {
      const v = scalarAt(data, i);
      out.push(v === null ? null : JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? Number(x) : x)));
    }
    return out;
  }
  const text = cast(data, new arrow.Utf8());
  const out: (string | null)[] = [];
  for (let i = 0; i < text.length; i++) out.push(scalarAt(text, i) as string | null);
  return out;
}
