import * as arrow from 'apache-arrow';
import type { Node } from 'libpg-query';
import { SqlError } from '../../common/sql-error.js';
import { pgTypeName } from '../../executor/values/type-names.js';
import type { Expr } from '../expr/expr.js';
import type { AggregateCallExpr } from '../logical/aggregate.js';
import { Limit } from '../logical/limit.js';
import type { LogicalPlan } from '../logical/plan.js';
import { Project } from '../logical/project.js';
import { SetOp } from '../logical/set-op.js';
import { Sort, type SortKey } from '../logical/sort.js';
import { Union } from '../logical/union.js';
import { Values } from '../logical/values.js';
import { coerce, commonType, isUnknownLiteral } from '../types/coerce.js';
import { ExprBinder, startOf, unwrap } from './bind-expr.js';
import { bindSelect, countValue, sortKey, type Correlation } from './bind-select.js';
import type { BindContext, CteDefinition } from './context.js';
import { Scope } from './scope.js';
import { referencesItself } from './bind-recursive.js';
import { checkMutualRecursion } from './recursive-checks.js';
import { expandOrderByAll } from './by-all.js';

type AnyNode = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A bound query expression: its plan (whose schema field names are `names`) and output names. */
export interface BoundQuery {
  readonly plan: LogicalPlan;
  readonly names: readonly string[];
  /**
   * For a correlated subquery: the conditions pulled out of its WHERE, over the subquery's
   * output columns (ColumnRefs) and the enclosing query's columns (`outer` Placeholders).
   */
  readonly conditions?: readonly Expr[];
  /** A correlated scalar subquery without aggregate: its value is joined in per outer row. */
  readonly perRow?: boolean;
  /**
   * A LATERAL subquery's select items that name outer columns, over the same space as
   * `conditions` (undefined for the items computed inside; those positions hold NULL).
   */
  readonly deferred?: readonly (Expr | undefined)[];
  /**
   * A correlated scalar aggregate subquery whose correlation is more than `inner = outer`
   * equalities (`SELECT count(*) FROM i WHERE i.uid = c.uid AND i.ts < c.ts`): `plan` is its
   * FROM + WHERE before aggregation, and the enclosing query joins each of its rows to it on
   * `conditions` and aggregates per row (bind-select.ts `aggregatePerRow`). `value` is the select
   * item over the aggregates' outputs (ColumnRef k = aggregates[k]).
   */
  readonly aggregateJoin?: { readonly aggregates: readonly AggregateCallExpr[]; readonly value: Expr };
  /**
   * A correlated `ORDER BY … LIMIT n` subquery (LATERAL, or scalar with LIMIT 1) whose
   * correlation is more than equalities: `plan` is its FROM + WHERE, and the enclosing query joins
   * each of its rows to it on `conditions` and keeps the first rows per row (bind-select.ts
   * `topNPerRow`); `exprs` are the select items over `plan` (and outer Placeholders).
   */
  readonly topNJoin?: { readonly keys: readonly SortKey[]; readonly limit: number; readonly offset: number; readonly exprs: readonly Expr[] };
}

/**
 * A query expression → plan: `WITH` frames, set operations (UNION / INTERSECT / EXCEPT [ALL],
 * with their ORDER BY / LIMIT), `VALUES` lists, and plain SELECTs (bind-select.ts).
 */
export function bindQuery(ctx: BindContext, stmt: AnyNode, correlation?: Correlation): BoundQuery {
  if (stmt.withClause !== undefined) {
    const w = stmt.withClause as AnyNode;
    const saved = ctx.ctes;
    const ctes = new Map<string, CteDefinition>();
    const frame = { ctes, parent: saved };
    const items = (w.ctes ?? []) as AnyNode[];
    if (w.recursive === true) {
      checkMutualRecursion(ctx, items.map((item) => ({ name: String(item.CommonTableExpr.ctename), query: unwrap(item.CommonTableExpr.ctequery)[1], location: item.CommonTableExpr.location ?? 0 })));
    }
    for (const item of items) {
      const c = item.CommonTableExpr as AnyNode;
      const key = String(c.ctename).toLowerCase();
      if (ctes.has(key)) throw new SqlError('42712', `WITH query name "${c.ctename}" specified more than once`, { position: ctx.position(c.location ?? 0) });
      const columns = ((c.aliascolnames ?? []) as AnyNode[]).map((x) => String(x.String?.sval));
      // Each CTE sees those before it: a snapshot of the frame so far; under WITH RECURSIVE, every
      // item of the clause (PostgreSQL orders them by their references; a cycle was refused above).
      const query = unwrap(c.ctequery)[1];
      const recursive = w.recursive === true && referencesItself(query, String(c.ctename));
      if (!recursive && (c.search_clause !== undefined || c.cycle_clause !== undefined)) throw SqlError.syntax('WITH query is not recursive', ctx.position(c.location ?? 0));
      const definition: CteDefinition = {
        name: c.ctename, query, ...(columns.length === 0 ? {} : { columns }), location: c.location ?? 0, ...(recursive ? { recursive } : {}),
        ...(c.search_clause === undefined ? {} : { search: c.search_clause }), ...(c.cycle_clause === undefined ? {} : { cycle: c.cycle_clause }),
        ...(correlation === undefined ? {} : { outer: correlation.outer }),
        scope: { ctes: w.recursive === true ? ctes : new Map(ctes), parent: saved },
      };
      ctes.set(key, definition);
    }
    ctx.ctes = frame;
    try {
      return bindQuery(ctx, { ...stmt, withClause: undefined }, correlation);
    } finally {
      ctx.ctes = saved;
    }
  }
  if (stmt.op !== undefined && stmt.op !== 'SETOP_NONE') return orderAndLimit(ctx, stmt, bindSetOperation(ctx, stmt, correlation === undefined ? undefined : { outer: correlation.outer, mode: 'derived' }));
  if (stmt.valuesLists !== undefined) return orderAndLimit(ctx, stmt, bindValues(ctx, stmt, correlation?.outer));
  return bindSelect(ctx, stmt, correlation);
}

// ── set operations ──

/** `correlation`: inside a subquery, each branch may name the enclosing query's columns (per-value.ts). */
function bindSetOperation(ctx: BindContext, stmt: AnyNode, correlation?: Correlation): BoundQuery {
  const op = String(stmt.op).replace('SETOP_', '');
  const all = stmt.all === true;
  const left = bindQuery(ctx, stmt.larg, correlation);
  const right = bindQuery(ctx, stmt.rarg, correlation);
  const rightStart = firstTargetLocation(stmt.rarg);
  if (left.names.length !== right.names.length) {
    throw SqlError.syntax(`each ${op} query must have the same number of columns`, ctx.position(rightStart));
  }
  const types = left.names.map((_, c) => {
    const l = outputExpr(left.plan, c);
    const r = outputExpr(right.plan, c);
    if (isUnknownLiteral(l) && isUnknownLiteral(r)) return new arrow.Utf8();
    const t = commonType(l, r);
    if (t === undefined) {
      throw SqlError.datatypeMismatch(`${op} types ${label(l)} and ${label(r)} cannot be matched`, ctx.position(rightStart));
    }
    return t.typeId === arrow.Type.Null ? new arrow.Utf8() : t;
  });
  const l = castTo(ctx, left, types, stmt.larg);
  const r = castTo(ctx, right, types, stmt.rarg);
  let plan: LogicalPlan;
  if (op === 'UNION') {
    const flatten = (p: LogicalPlan): LogicalPlan[] => (p.kind === 'Union' && p.distinct === !all ? [...p.inputs] : [p]);
    plan = Union.create([...flatten(l), ...flatten(r)], !all);
  } else {
    plan = SetOp.create(l, r, op === 'INTERSECT' ? 'intersect' : 'except', all);
  }
  return { plan, names: left.names };
}

/** The expression computing output column `c` when the plan is a Project (so literals can be coerced in place). */
function outputExpr(plan: LogicalPlan, c: number): Expr {
  if (plan.kind === 'Project') return plan.exprs[c];
  return { kind: 'ColumnRef', index: c, name: plan.schema.fields[c].name, type: plan.schema.fields[c].type };
}

function label(e: Expr): string {
  return isUnknownLiteral(e) ? 'unknown' : pgTypeName(e.type);
}

/** The query's output cast to `types` (in its Project when it has one, so `'a'` → int fails at the literal). */
function castTo(ctx: BindContext, q: BoundQuery, types: readonly arrow.DataType[], stmt: AnyNode): LogicalPlan {
  const plan = q.plan;
  const targets = ((stmt?.targetList ?? []) as AnyNode[]).map((t) => t.ResTarget?.val as Node | undefined);
  const same = types.every((t, c) => String(t) === String(plan.schema.fields[c].type) && !isUnknownLiteral(outputExpr(plan, c)));
  if (same) return plan;
  if (plan.kind === 'Project') {
    const exprs = plan.exprs.map((e, c) => coerce(e, types[c], targets[c] === undefined ? undefined : ctx.position(startOf(targets[c]))));
    return Project.create(plan.input, exprs, plan.names);
  }
  const exprs = types.map((t, c) => coerce(outputExpr(plan, c), t));
  return Project.create(plan, exprs, plan.schema.fields.map((f) => f.name));
}

function firstTargetLocation(stmt: AnyNode): number {
  if (stmt.op !== undefined && stmt.op !== 'SETOP_NONE') return firstTargetLocation(stmt.larg);
  const t = stmt.targetList?.[0]?.ResTarget;
  if (t !== undefined) return startOf(t.val);
  const v = stmt.valuesLists?.[0]?.List?.items?.[0];
  return v === undefined ? 0 : startOf(v);
}

// ── VALUES ──

/** `VALUES (…), (…)`: columns `column1`, `column2`… typed by each column's common type. */
function bindValues(ctx: BindContext, stmt: AnyNode, outer?: Scope): BoundQuery {
  const { rows, lists } = bindValuesRows(ctx, stmt, Scope.empty.withParent(outer));
  const coerced = valuesColumns(ctx, rows, lists);
  const names = (coerced[0] ?? []).map((_, c) => `column${c + 1}`);
  return { plan: Values.create(coerced, names), names };
}

/**
 * The rows of `VALUES (…), (…)` bound over `scope` (a LATERAL VALUES names earlier FROM items'
 * columns), `42601` when their lengths differ.
 */
export function bindValuesRows(ctx: BindContext, stmt: AnyNode, scope: Scope): { rows: Expr[][]; lists: Node[][] } {
  const binder = new ExprBinder(ctx, scope, { clause: 'VALUES' });
  const lists = ((stmt.valuesLists ?? []) as AnyNode[]).map((l) => (l.List?.items ?? []) as Node[]);
  const width = lists[0]?.length ?? 0;
  const rows = lists.map((items) => {
    if (items.length !== width) throw SqlError.syntax('VALUES lists must all be the same length', ctx.position(startOf(items[0])));
    return items.map((item) => binder.bind(item));
  });
  return { rows, lists };
}

/** VALUES rows coerced, column by column, to each column's common type (untyped text stays text). */
export function valuesColumns(ctx: BindContext, rows: readonly Expr[][], lists: readonly Node[][]): Expr[][] {
  const width = rows[0]?.length ?? 0;
  const types = Array.from({ length: width }, (_, c) => {
    let witness = rows[0][c];
    for (const row of rows.slice(1)) {
      const t = commonType(witness, row[c]);
      if (t === undefined) throw SqlError.datatypeMismatch(`VALUES types ${label(witness)} and ${label(row[c])} cannot be matched`, ctx.position(startOf(lists[rows.indexOf(row)][c])));
      witness = isUnknownLiteral(witness) && isUnknownLiteral(row[c]) ? witness : { kind: 'Literal', type: t, value: null };
    }
    return isUnknownLiteral(witness) || witness.type.typeId === arrow.Type.Null ? new arrow.Utf8() : witness.type;
  });
  return rows.map((row, r) => row.map((e, c) => coerce(e, types[c], ctx.position(startOf(lists[r][c])))));
}

// ── ORDER BY / LIMIT over a set operation or VALUES ──

function orderAndLimit(ctx: BindContext, stmt: AnyNode, q: BoundQuery): BoundQuery {
  let plan = q.plan;
  const scope = new Scope(q.names.map((name, index) => ({ qualifier: undefined, name, type: plan.schema.fields[index].type, index })), []);
  const outputs: Expr[] = q.names.map((name, index) => ({ kind: 'ColumnRef', index, name, type: plan.schema.fields[index].type }));
  const sortClause = expandOrderByAll(ctx, (stmt.sortClause ?? []) as AnyNode[], q.names.length);
  if (sortClause.length > 0) {
    const binder = new ExprBinder(ctx, scope, { clause: 'ORDER BY' });
    plan = Sort.create(plan, sortClause.map((s) => sortKey(ctx, binder, s.SortBy as AnyNode, outputs, q.names)));
  }
  const limit = stmt.limitCount === undefined ? undefined : countValue(ctx, stmt.limitCount, 'LIMIT');
  const offset = stmt.limitOffset === undefined ? undefined : countValue(ctx, stmt.limitOffset, 'OFFSET');
  if (limit !== undefined || (offset !== undefined && offset > 0)) plan = Limit.create(plan, limit, offset ?? 0);
  return { plan, names: q.names };
}
