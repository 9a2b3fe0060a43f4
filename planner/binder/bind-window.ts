import * as arrow from 'apache-arrow';
import type { Node } from 'libpg-query';
import { SqlError } from '../../common/sql-error.js';
import { aggregateResultType } from '../../executor/aggregates/result-type.js';
import type { ScalarValue } from '../../executor/arrow/scalar.js';
import { exprToString } from '../expr/display.js';
import type { Expr } from '../expr/expr.js';
import type { SortKey } from '../logical/sort.js';
import type { FrameBound, WindowCallExpr, WindowFrame } from '../logical/window.js';
import { coerce } from '../types/coerce.js';
import { aggregateNameOf, bindAggregateCall } from './bind-aggregate.js';
import { startOf, type ExprBinder } from './bind-expr.js';

type AnyNode = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A window call bound over the select's FROM scope, with its window's PARTITION BY / ORDER BY. */
export interface PendingWindowCall {
  readonly call: WindowCallExpr;
  readonly partitionBy: readonly Expr[];
  readonly orderBy: readonly SortKey[];
}

/** PostgreSQL's FRAMEOPTION_* bits (nodes/parsenodes.h). */
const F = {
  NONDEFAULT: 0x1, RANGE: 0x2, ROWS: 0x4, GROUPS: 0x8,
  START_UNBOUNDED_PRECEDING: 0x20, END_UNBOUNDED_PRECEDING: 0x40, START_UNBOUNDED_FOLLOWING: 0x80, END_UNBOUNDED_FOLLOWING: 0x100,
  START_CURRENT_ROW: 0x200, END_CURRENT_ROW: 0x400, START_OFFSET_PRECEDING: 0x800, END_OFFSET_PRECEDING: 0x1000,
  START_OFFSET_FOLLOWING: 0x2000, END_OFFSET_FOLLOWING: 0x4000, EXCLUDE_CURRENT_ROW: 0x8000, EXCLUDE_GROUP: 0x10000, EXCLUDE_TIES: 0x20000,
} as const;

const RANKING: Record<string, arrow.DataType> = {
  row_number: new arrow.Int64(), rank: new arrow.Int64(), dense_rank: new arrow.Int64(),
  percent_rank: new arrow.Float64(), cume_dist: new arrow.Float64(), ntile: new arrow.Int64(),
};
const VALUE_FUNCTIONS = new Set(['lag', 'lead', 'first_value', 'last_value', 'nth_value']);

/**
 * `f(…) OVER (…)` → a pending window call. `named`: the query's `WINDOW w AS (…)` definitions.
 * `argumentBinder` binds arguments, PARTITION BY and ORDER BY: aggregates there are the query's
 * own (`rank() OVER (ORDER BY sum(x))`), window calls are 42P20.
 */
export function bindWindowCall(call: AnyNode, binder: ExprBinder, argumentBinder: ExprBinder, named: ReadonlyMap<string, AnyNode>): PendingWindowCall {
  const ctx = binder.ctx;
  const names: string[] = (call.funcname ?? []).map((x: AnyNode) => x.String?.sval ?? '');
  const written = names[names.length - 1];
  const position = ctx.position(call.location ?? 0);
  const def = resolveWindow(call.over as AnyNode, named, binder);
  const partitionBy = ((def.partitionClause ?? []) as Node[]).map((p) => argumentBinder.bind(p));
  const orderBy = ((def.orderClause ?? []) as AnyNode[]).map((s) => sortKey(s.SortBy as AnyNode, argumentBinder));
  const frame = bindFrame(def, argumentBinder, orderBy);
  const argNodes = (call.args ?? []) as Node[];
  let call2: WindowCallExpr;
  if (aggregateNameOf(written) !== undefined && !VALUE_FUNCTIONS.has(written)) {
    const agg = bindAggregateCall({ ...call, over: undefined }, binder, argumentBinder);
    if (agg.orderBy !== undefined || agg.filter !== undefined) throw SqlError.unsupportedFeature(`FILTER or ORDER BY inside ${written}(…) OVER`).at(position);
    call2 = {
      name: agg.name, args: agg.args, ...(agg.params === undefined ? {} : { params: agg.params }), ...(frame === undefined ? {} : { frame }),
      ...(agg.distinct ? { distinct: true } : {}), ...((agg.name === 'first' || agg.name === 'last') && agg.params?.[0] === true ? { ignoreNulls: true } : {}),
      type: agg.type, outputName: written,
    };
  } else {
    if (call.agg_star || call.agg_distinct || call.agg_filter !== undefined || call.agg_order !== undefined) {
      throw SqlError.unsupportedFeature(`* / DISTINCT / FILTER / ORDER BY with window function ${written}`).at(position);
    }
    const args = argNodes.map((a) => argumentBinder.bind(a));
    const constant = (e: Expr | undefined, k: number, to?: arrow.DataType): ScalarValue => {
      if (e === undefined) return null;
      const c = to === undefined ? e : coerce(e, to, ctx.position(startOf(argNodes[k])));
      if (c.kind !== 'Literal') throw SqlError.unsupportedFeature(`a non-constant argument ${k + 1} of ${written}`).at(ctx.position(startOf(argNodes[k])));
      return c.value;
    };
    const noSuch = () => new SqlError('42883', `function ${written}(${args.map((a) => String(a.type)).join(', ')}) does not exist`, { position });
    // `lag(x) IGNORE NULLS OVER (…)` (Spark, Databricks, PostgreSQL 16): only rows where x is not NULL count.
    const nulls = (skip = false): { ignoreNulls?: true } => (skip || ctx.prepass.ignoreNulls?.has(call.location ?? -1) === true ? { ignoreNulls: true } : {});
    if (RANKING[written] !== undefined) {
      if (written === 'ntile') {
        if (args.length !== 1) throw noSuch();
        const n = constant(args[0], 0, new arrow.Int32());
        if (n === null || (n as number) <= 0) throw new SqlError('22014', 'argument of ntile must be greater than zero', { position });
        call2 = { name: written, args: [], params: [n], ...(frame === undefined ? {} : { frame }), type: RANKING[written], outputName: written };
      } else {
        if (args.length !== 0) throw noSuch();
        call2 = { name: written, args: [], ...(frame === undefined ? {} : { frame }), type: RANKING[written], outputName: written };
      }
    } else if (written === 'lag' || written === 'lead') {
      if (args.length < 1 || args.length > 3) throw noSuch();
      const offset = args.length > 1 ? constant(args[1], 1, new arrow.Int32()) : 1;
      const fallback = args.length > 2 ? constant(args[2], 2, args[0].type) : null;
      call2 = { name: written, args: [args[0]], params: [offset, fallback], ...nulls(), type: args[0].type, outputName: written };
    } else if (written === 'first_value' || written === 'last_value') {
      // Spark's first_value(x, true): the second argument is IGNORE NULLS.
      if (args.length !== 1 && !(args.length === 2 && args[1]?.type.typeId === arrow.Type.Bool)) throw noSuch();
      const skip = args.length === 2 && constant(args[1], 1) === true;
      call2 = { name: written, args: [args[0] as Expr], ...(frame === undefined ? {} : { frame }), ...nulls(skip), type: (args[0] as Expr).type, outputName: written };
    } else if (written === 'nth_value') {
      if (args.length !== 2) throw noSuch();
      const n = constant(args[1], 1, new arrow.Int32());
      if (n === null || (n as number) <= 0) throw new SqlError('22016', 'argument of nth_value must be greater than zero', { position });
      call2 = { name: written, args: [args[0]], params: [n], ...(frame === undefined ? {} : { frame }), ...nulls(), type: args[0].type, outputName: written };
    } else {
      throw new SqlError('42809', `OVER specified, but ${written} is not a window function nor an aggregate function`, { position });
    }
  }
  return { call: call2, partitionBy, orderBy };
}

/** `OVER w`, `OVER (w ORDER BY …)`: the named window's clauses, with this call's own added (PostgreSQL's rules). */
function resolveWindow(over: AnyNode, named: ReadonlyMap<string, AnyNode>, binder: ExprBinder): AnyNode {
  const def = (over.WindowDef ?? over) as AnyNode;
  const ref: string | undefined = def.name !== undefined && def.partitionClause === undefined && def.orderClause === undefined && !(def.frameOptions & F.NONDEFAULT) ? def.name : def.refname;
  if (ref === undefined) return def;
  const base = named.get(ref.toLowerCase());
  if (base === undefined) throw new SqlError('42704', `window "${ref}" does not exist`, { position: binder.ctx.position(def.location ?? 0) });
  if (ref === def.name) return base;
  if (def.partitionClause !== undefined) throw new SqlError('42P20', `cannot override PARTITION BY clause of window "${ref}"`, { position: binder.ctx.position(def.location ?? 0) });
  if (def.orderClause !== undefined && base.orderClause !== undefined) throw new SqlError('42P20', `cannot override ORDER BY clause of window "${ref}"`, { position: binder.ctx.position(def.location ?? 0) });
  if (base.frameOptions & F.NONDEFAULT) throw new SqlError('42P20', `cannot copy window "${ref}" because it has a frame clause`, { position: binder.ctx.position(def.location ?? 0) });
  return { ...def, partitionClause: base.partitionClause, orderClause: def.orderClause ?? base.orderClause };
}

function sortKey(sb: AnyNode, binder: ExprBinder): SortKey {
  const descending = sb.sortby_dir === 'SORTBY_DESC';
  const nullsFirst = sb.sortby_nulls === 'SORTBY_NULLS_FIRST' ? true : sb.sortby_nulls === 'SORTBY_NULLS_LAST' ? false : descending;
  return { expr: binder.bind(sb.node), descending, nullsFirst };
}

function bindFrame(def: AnyNode, binder: ExprBinder, orderBy: readonly SortKey[]): WindowFrame | undefined {
  const o: number = def.frameOptions ?? 0;
  if (!(o & F.NONDEFAULT)) return undefined;
  const units = o & F.ROWS ? 'rows' : o & F.GROUPS ? 'groups' : 'range';
  const position = binder.ctx.position(def.location ?? 0);
  const offset = (node: Node | undefined): ScalarValue => {
    if (node === undefined) return null;
    const e = binder.bind(node);
    if (e.kind !== 'Literal' || e.value === null) throw SqlError.unsupportedFeature('a non-constant frame offset').at(binder.ctx.position(startOf(node)));
    const v = e.unknown === true ? Number(e.value) : e.value;
    if ((typeof v === 'number' && v < 0) || (typeof v === 'bigint' && v < 0n)) {
      throw new SqlError(units === 'rows' ? '22013' : '22013', 'frame starting offset must not be negative', { position: binder.ctx.position(startOf(node)) });
    }
    return v;
  };
  const bound = (start: boolean): FrameBound => {
    const [up, uf, cr, op, of] = start
      ? [F.START_UNBOUNDED_PRECEDING, F.START_UNBOUNDED_FOLLOWING, F.START_CURRENT_ROW, F.START_OFFSET_PRECEDING, F.START_OFFSET_FOLLOWING]
      : [F.END_UNBOUNDED_PRECEDING, F.END_UNBOUNDED_FOLLOWING, F.END_CURRENT_ROW, F.END_OFFSET_PRECEDING, F.END_OFFSET_FOLLOWING];
    if (o & up) return { kind: 'unboundedPreceding' };
    if (o & uf) return { kind: 'unboundedFollowing' };
    if (o & cr) return { kind: 'currentRow' };
    if (o & op) return { kind: 'preceding', offset: offset(start ? def.startOffset : def.endOffset) };
    if (o & of) return { kind: 'following', offset: offset(start ? def.startOffset : def.endOffset) };
    return { kind: 'currentRow' };
  };
  if (units === 'range' && (o & (F.START_OFFSET_PRECEDING | F.START_OFFSET_FOLLOWING | F.END_OFFSET_PRECEDING | F.END_OFFSET_FOLLOWING)) && orderBy.length !== 1) {
    throw new SqlError('42P20', 'RANGE with offset PRECEDING/FOLLOWING requires exactly one ORDER BY column', { position });
  }
  const exclude = o & F.EXCLUDE_CURRENT_ROW ? 'currentRow' : o & F.EXCLUDE_GROUP ? 'group' : o & F.EXCLUDE_TIES ? 'ties' : undefined;
  return { units, start: bound(true), end: bound(false), ...(exclude === undefined ? {} : { exclude }) };
}

/** Calls sharing one PARTITION BY / ORDER BY run in one Window node: this key says which. */
export function windowSpecKey(w: PendingWindowCall, key: (e: Expr) => string): string {
  return JSON.stringify([w.partitionBy.map(key), w.orderBy.map((k) => [key(k.expr), k.descending, k.nullsFirst])]);
}

export function windowLabel(w: PendingWindowCall): string {
  return `${w.call.name}(${w.call.args.map(exprToString).join(', ')}) OVER (…)`;
}

export { aggregateResultType };
