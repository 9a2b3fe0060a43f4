import * as arrow from 'apache-arrow';
import { SqlError } from '../../common/sql-error.js';
import { pgTypeName } from '../../executor/values/type-names.js';
import type { Expr } from '../expr/expr.js';
import type { LogicalPlan } from '../logical/plan.js';
import { Project } from '../logical/project.js';
import { RecursiveUnion } from '../logical/recursive-union.js';
import { WorkTable } from '../logical/work-table.js';
import { coerce, commonType, isUnknownLiteral } from '../types/coerce.js';
import { bindQuery, type BoundQuery } from './bind-query.js';
import type { BindContext, CteDefinition } from './context.js';
import { startOf } from './bind-expr.js';
import { checkRecursiveQuery } from './recursive-checks.js';
import { rewriteSearchCycle } from './search-cycle.js';

type AnyNode = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let nextId = 0;

/**
 * Whether a WITH RECURSIVE item's query names the item itself (then it is a recursive CTE;
 * otherwise it binds like any CTE).
 */
export function referencesItself(query: AnyNode, name: string): boolean {
  const key = name.toLowerCase();
  const visit = (value: unknown): boolean => {
    if (Array.isArray(value)) return value.some(visit);
    if (value === null || typeof value !== 'object') return false;
    const obj = value as AnyNode;
    if (obj.RangeVar !== undefined) return obj.RangeVar.schemaname === undefined && String(obj.RangeVar.relname).toLowerCase() === key;
    return Object.keys(obj).some((k) => visit(obj[k]));
  };
  return visit(query);
}

/**
 * A recursive CTE, `t(cols) AS (anchor UNION [ALL] recursive)`, → RecursiveUnion. The anchor is
 * bound first and fixes the column types; inside the recursive term `t` is the WorkTable of the
 * previous round. As in PostgreSQL: the query must be well formed (recursive-checks.ts: `42P19`
 * for a self-reference in the wrong place, `0A000` for ORDER BY / LIMIT on the union), and the
 * recursive term must produce the anchor's types (`42804`, naming the column, at the anchor's
 * item). `ctx.ctes` is the CTE's own scope when this is called.
 */
export function bindRecursiveCte(ctx: BindContext, cte: CteDefinition, location: number): BoundQuery {
  let q = cte.query;
  const name = cte.name;
  const position = ctx.position(cte.location ?? location);
  checkRecursiveQuery(ctx, q, name, position);
  let columns = cte.columns;
  if (cte.search !== undefined || cte.cycle !== undefined) {
    ({ query: q, columns } = rewriteSearchCycle(ctx, q, name, columns ?? bindQuery(ctx, q.larg).names, cte.search, cte.cycle));
  }
  const anchor = bindQuery(ctx, q.larg);
  if (columns !== undefined && columns.length > anchor.names.length) {
    throw new SqlError('42P10', `WITH query "${name}" has ${anchor.names.length} columns available but ${columns.length} columns specified`, { position });
  }
  const names = anchor.names.map((n, i) => columns?.[i] ?? n);
  // An untyped anchor column ('a', NULL) is text, as in PostgreSQL.
  const anchorPlan = settleTypes(anchor.plan);
  const id = nextId++;
  const schema = new arrow.Schema(anchorPlan.schema.fields.map((f, i) => new arrow.Field(names[i], f.type, true)));
  const self: CteDefinition = { name, query: q, columns: names, scope: undefined, workTable: WorkTable.create(id, name, schema) };
  const saved = ctx.ctes;
  ctx.ctes = { ctes: new Map([[name.toLowerCase(), self]]), parent: saved };
  let recursive: BoundQuery;
  try {
    recursive = bindQuery(ctx, q.rarg);
  } finally {
    ctx.ctes = saved;
  }
  if (recursive.names.length !== names.length) throw SqlError.syntax('each UNION query must have the same number of columns', position);
  const exprs = schema.fields.map((f, c) => {
    const e = outputExpr(recursive.plan, c);
    if (String(e.type) === String(f.type) && !isUnknownLiteral(e)) return e;
    const t = commonType({ kind: 'Literal', value: null, type: f.type }, e);
    if (t === undefined || String(t) !== String(f.type)) {
      throw new SqlError('42804', `recursive query "${name}" column ${c + 1} has type ${pgTypeName(f.type)} in non-recursive term but type ${pgTypeName(t ?? e.type)} overall`, {
        position: anchorColumnPosition(ctx, q.larg, c) ?? position,
        hint: 'Cast the output of the non-recursive term to the correct type.',
      });
    }
    return coerce(e, f.type);
  });
  const recursivePlan = recursive.plan.kind === 'Project'
    ? Project.create(recursive.plan.input, exprs, recursive.plan.names)
    : Project.create(recursive.plan, exprs, names);
  return { plan: RecursiveUnion.create(anchorPlan, recursivePlan, q.all !== true, id, name, names), names };
}

function outputExpr(plan: LogicalPlan, c: number): Expr {
  if (plan.kind === 'Project') return plan.exprs[c];
  return { kind: 'ColumnRef', index: c, name: plan.schema.fields[c].name, type: plan.schema.fields[c].type };
}

/** Untyped literals and NULL-typed columns of the anchor become text. */
function settleTypes(plan: LogicalPlan): LogicalPlan {
  const exprs = plan.schema.fields.map((_, c) => outputExpr(plan, c));
  if (!exprs.some((e) => isUnknownLiteral(e) || e.type.typeId === arrow.Type.Null)) return plan;
  const text = new arrow.Utf8();
  const settled = exprs.map((e) => (isUnknownLiteral(e) || e.type.typeId === arrow.Type.Null ? coerce(e, text) : e));
  return plan.kind === 'Project' ? Project.create(plan.input, settled, plan.names) : Project.create(plan, settled, plan.schema.fields.map((f) => f.name));
}

/** Where the anchor's column `c` is written (PostgreSQL points its 42804 there). */
function anchorColumnPosition(ctx: BindContext, anchor: AnyNode, c: number): number | undefined {
  let q = anchor;
  while (q.op !== undefined && q.op !== 'SETOP_NONE') q = q.larg;
  const target = (q.targetList as AnyNode[] | undefined)?.[c]?.ResTarget?.val ?? (q.valuesLists as AnyNode[] | undefined)?.[0]?.List?.items?.[c];
  return target === undefined ? undefined : ctx.position(startOf(target));
}
