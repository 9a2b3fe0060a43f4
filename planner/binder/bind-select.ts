import * as arrow from 'apache-arrow';
import type { Node, SelectStmt } from 'libpg-query';
import { SqlError } from '../../common/sql-error.js';
import type { Expr } from '../expr/expr.js';
import { Filter } from '../logical/filter.js';
import { Limit } from '../logical/limit.js';
import type { LogicalPlan } from '../logical/plan.js';
import { Project } from '../logical/project.js';
import { Sort, type SortKey } from '../logical/sort.js';
import { Values } from '../logical/values.js';
import { ExprBinder, startOf, unwrap } from './bind-expr.js';
import { bindFrom } from './bind-from.js';
import type { BindContext } from './context.js';
import { outputName } from './names.js';
import { Scope } from './scope.js';

type AnyNode = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * A SELECT → logical plan, in SQL's evaluation order:
 *
 * ```
 * Project(select list)            ← names as the user wrote them
 *   Limit(limit, offset)          ← below Project: projection is row-for-row
 *     Sort(keys)                  ← keys bound on the FROM scope (aliases and ordinals
 *       Filter(where)                resolve to the select item's expression)
 *         Scan(table) | Values(one row)
 * ```
 *
 * Aggregates, joins, DISTINCT, set operations and CTEs are issue #4: they are refused with
 * `0A000` naming the feature.
 */
export async function bindSelect(ctx: BindContext, select: SelectStmt): Promise<LogicalPlan> {
  refuseUnsupported(ctx, select as AnyNode);
  const from = (select.fromClause ?? []) as Node[];
  const { plan: source, scope } = from.length === 0 ? { plan: Values.oneRow() as LogicalPlan, scope: Scope.empty } : await bindFrom(ctx, from);
  const binder = new ExprBinder(ctx, scope);
  let plan: LogicalPlan = source;

  // ── WHERE ──
  if (select.whereClause !== undefined) plan = Filter.create(plan, binder.bindCondition(select.whereClause, 'WHERE'));

  // ── select list ──
  const exprs: Expr[] = [];
  const names: string[] = [];
  for (const item of (select.targetList ?? []) as AnyNode[]) {
    const target = item.ResTarget as AnyNode;
    const star = starQualifier(target.val);
    if (star !== undefined) {
      const position = ctx.position(target.location ?? 0);
      if (from.length === 0) throw SqlError.syntax('SELECT * with no tables specified is not valid', position);
      if (star !== '' && !scope.hasQualifier(star)) throw new SqlError('42P01', `missing FROM-clause entry for table "${star}"`, { position });
      for (const c of scope.columns) {
        if (star !== '' && c.qualifier?.toLowerCase() !== star.toLowerCase()) continue;
        exprs.push({ kind: 'ColumnRef', index: c.index, name: c.name, type: c.type });
        names.push(c.name);
      }
      continue;
    }
    exprs.push(binder.bind(target.val));
    names.push(outputName(ctx, target));
  }

  // ── ORDER BY ──
  const sortClause = (select.sortClause ?? []) as AnyNode[];
  if (sortClause.length > 0) {
    const keys = sortClause.map((s) => sortKey(ctx, binder, s.SortBy as AnyNode, exprs, names));
    plan = Sort.create(plan, keys);
  }

  // ── LIMIT / OFFSET ──
  const limit = select.limitCount === undefined ? undefined : countValue(ctx, select.limitCount, 'LIMIT');
  const offset = select.limitOffset === undefined ? undefined : countValue(ctx, select.limitOffset, 'OFFSET');
  if (limit !== undefined || (offset !== undefined && offset > 0)) plan = Limit.create(plan, limit, offset ?? 0);

  ctx.checkAllConsumed();
  return Project.create(plan, exprs, names);
}

function refuseUnsupported(ctx: BindContext, s: AnyNode): void {
  const refuse = (feature: string, node?: Node): never => {
    throw SqlError.unsupportedFeature(`${feature} — TODO(#4)`).at(node === undefined ? undefined : ctx.position(startOf(node)));
  };
  if (s.op !== undefined && s.op !== 'SETOP_NONE') refuse(`${String(s.op).replace('SETOP_', '')} (set operations)`);
  if (s.withClause !== undefined) refuse('WITH (common table expressions)');
  if (s.valuesLists !== undefined) refuse('VALUES lists');
  if (s.distinctClause !== undefined) refuse('DISTINCT');
  if (s.groupClause !== undefined) refuse('GROUP BY', s.groupClause[0]);
  if (s.havingClause !== undefined) refuse('HAVING', s.havingClause);
  if (s.windowClause !== undefined) refuse('WINDOW clauses');
  if (s.intoClause !== undefined) refuse('SELECT INTO');
  if (s.lockingClause !== undefined) refuse('FOR UPDATE/SHARE');
  if (s.limitOption === 'LIMIT_OPTION_WITH_TIES') refuse('FETCH … WITH TIES');
}

/** `*` → '', `t.*` → 't', anything else → undefined. */
function starQualifier(val: Node | undefined): string | undefined {
  if (val === undefined) return undefined;
  const [kind, n] = unwrap(val);
  if (kind !== 'ColumnRef') return undefined;
  const fields = (n.fields ?? []) as AnyNode[];
  if (!('A_Star' in (fields[fields.length - 1] ?? {}))) return undefined;
  if (fields.length === 1) return '';
  if (fields.length === 2) return fields[0].String?.sval ?? '';
  throw SqlError.unsupportedFeature('schema-qualified * in the select list');
}

/**
 * One ORDER BY item, PostgreSQL's way: an integer constant is a select-list position; a bare
 * name matching a select-list name (case-insensitively) is that item; anything else is an
 * expression over the FROM scope.
 */
function sortKey(ctx: BindContext, binder: ExprBinder, s: AnyNode, exprs: readonly Expr[], names: readonly string[]): SortKey {
  if (s.useOp !== undefined) throw SqlError.unsupportedFeature('ORDER BY … USING');
  const descending = s.sortby_dir === 'SORTBY_DESC';
  const nullsFirst = s.sortby_nulls === 'SORTBY_NULLS_FIRST' ? true : s.sortby_nulls === 'SORTBY_NULLS_LAST' ? false : descending;
  const node = s.node as Node;
  const [kind, n] = unwrap(node);
  const position = ctx.position(startOf(node));
  if (kind === 'A_Const') {
    if (n.ival === undefined) throw SqlError.syntax('non-integer constant in ORDER BY', position);
    const k: number = n.ival.ival ?? 0;
    if (k < 1 || k > exprs.length) throw new SqlError('42P10', `ORDER BY position ${k} is not in select list`, { position });
    return { expr: exprs[k - 1], descending, nullsFirst };
  }
  if (kind === 'ColumnRef' && (n.fields ?? []).length === 1 && 'String' in n.fields[0]) {
    const name = String(n.fields[0].String.sval).toLowerCase();
    const matches = names.map((x, i) => (x.toLowerCase() === name ? i : -1)).filter((i) => i >= 0);
    if (matches.length > 1 && !matches.every((i) => JSON.stringify(exprs[i], jsonSafe) === JSON.stringify(exprs[matches[0]], jsonSafe))) {
      throw new SqlError('42702', `ORDER BY "${n.fields[0].String.sval}" is ambiguous`, { position });
    }
    if (matches.length > 0) return { expr: exprs[matches[0]], descending, nullsFirst };
  }
  return { expr: binder.bind(node), descending, nullsFirst };
}

function jsonSafe(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value instanceof arrow.DataType ? String(value) : value;
}

/**
 * A LIMIT / OFFSET count: a non-negative integer constant (`LIMIT ALL` / `LIMIT NULL` is no
 * limit). PostgreSQL's errors: `2201W` / `2201X` for negative counts.
 */
function countValue(ctx: BindContext, node: Node, clause: 'LIMIT' | 'OFFSET'): number | undefined {
  const e = new ExprBinder(ctx, Scope.empty).bind(node);
  const position = ctx.position(startOf(node));
  if (e.kind !== 'Literal') throw SqlError.unsupportedFeature(`a non-constant ${clause}`).at(position);
  if (e.value === null) return undefined;
  const isInteger = e.type.typeId === arrow.Type.Int || (typeof e.value === 'string' && /^\s*[+-]?\d+\s*$/.test(e.value));
  if (!isInteger) throw SqlError.datatypeMismatch(`argument of ${clause} must be type bigint, not type ${e.unknown ? 'unknown' : String(e.type)}`, position);
  const v = Number(e.value);
  // PostgreSQL raises this one at execution time, without a position.
  if (v < 0) throw new SqlError(clause === 'LIMIT' ? '2201W' : '2201X', `${clause} must not be negative`);
  return v;
}
