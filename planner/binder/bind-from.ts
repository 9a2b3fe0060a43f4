import * as arrow from 'apache-arrow';
import type { Node } from 'libpg-query';
import { SqlError } from '../../common/sql-error.js';
import type { Expr } from '../expr/expr.js';
import { Join, type JoinType } from '../logical/join.js';
import type { LogicalPlan } from '../logical/plan.js';
import { Project } from '../logical/project.js';
import { Scan } from '../logical/scan.js';
import { commonType, coerce } from '../types/coerce.js';
import { ExprBinder, unwrap, type BindHooks } from './bind-expr.js';
import { bindFunction } from './functions.js';
import { bindQuery } from './bind-query.js';
import { bindRecursiveCte } from './bind-recursive.js';
import { bindTableFunction, isLateralError } from './table-functions.js';
import { lateralFunction, lateralSubquery, perValueLateral, type LateralJoin } from './bind-lateral.js';
import { isPerValueError } from './per-value.js';
import type { BindContext, CteDefinition } from './context.js';
import { Scope, type ScopeColumn } from './scope.js';

type AnyNode = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface BoundFrom {
  readonly plan: LogicalPlan;
  readonly scope: Scope;
  /**
   * ON conjuncts of inner joins that hold subqueries (`JOIN r ON r.id = (SELECT max(…) …)`): for
   * an inner join ON is a filter over the joined rows, so the SELECT binds them with its WHERE,
   * where subqueries are planned.
   */
  readonly deferred?: readonly Node[];
}

/**
 * The FROM clause → a plan and the scope its columns bind in. A list is a chain of cross
 * joins; each item is a table (the catalog's, as resolved by `BindContext.preload`), a CTE, a
 * view, a derived table `(SELECT …) AS t (a, b)` (VALUES included), or a join. `outer`: the
 * enclosing query's scope, for correlated references in subqueries.
 */
export function bindFrom(ctx: BindContext, from: readonly Node[], outer?: Scope, outerHook?: BindHooks['outer']): BoundFrom {
  let result: BoundFrom | undefined;
  for (const item of from) {
    // LATERAL: an item over the columns of the items before it joins them itself.
    const lateral = result === undefined ? undefined : bindLateral(ctx, result, item, 'inner', undefined, outer, outerHook);
    if (lateral !== undefined) {
      result = lateral;
      continue;
    }
    const next = bindFromItem(ctx, item, outer, outerHook);
    result = result === undefined ? next : withDeferred(crossJoin(result, next, undefined), result, next);
  }
  if (result === undefined) throw SqlError.internal('empty FROM list');
  return { plan: result.plan, scope: result.scope.withParent(outer), ...(result.deferred === undefined ? {} : { deferred: result.deferred }) };
}

function crossJoin(left: BoundFrom, right: BoundFrom, position: number | undefined): BoundFrom {
  const scope = Scope.join(left.scope, right.scope, left.plan.schema.fields.length, position);
  return { plan: Join.create(left.plan, right.plan, 'inner'), scope };
}

function bindFromItem(ctx: BindContext, node: Node, outer?: Scope, outerHook?: BindHooks['outer']): BoundFrom {
  const [kind, n] = unwrap(node);
  switch (kind) {
    case 'RangeVar': return bindRelation(ctx, n);
    case 'RangeSubselect': {
      // LATERAL first in FROM: nothing before it to refer to.
      if (n.lateral && n.alias === undefined) throw SqlError.syntax('subquery in FROM must have an alias', ctx.position(locationOf(node)));
      // Inside a subquery it may name the enclosing query's columns (not its FROM siblings').
      const bound = bindQuery(ctx, unwrap(n.subquery)[1], outer === undefined ? undefined : { outer, mode: 'derived' });
      return named(bound.plan, bound.names, n.alias, ctx);
    }
    case 'JoinExpr': return bindJoin(ctx, n, outer, outerHook);
    case 'RangeFunction': return bindTableFunction(ctx, n, outer, outerHook);
    default: throw SqlError.unsupportedFeature(`${kind} in FROM`).at(ctx.position(locationOf(node)));
  }
}

/** A table, CTE or view name. CTEs shadow views, views shadow tables (Spark's order). */
function bindRelation(ctx: BindContext, n: AnyNode): BoundFrom {
  const location: number = n.location ?? 0;
  const position = ctx.position(location);
  ctx.consumed.add(location);
  if (n.schemaname === undefined && !ctx.prepass.pathTables.has(location)) {
    const cte = findCte(ctx, n.relname);
    if (cte !== undefined) {
      if (ctx.prepass.timeTravel.has(location)) throw SqlError.unsupportedFeature('VERSION AS OF on a common table expression').at(position);
      if (cte.workTable !== undefined) return named(cte.workTable, cte.workTable.schema.fields.map((f) => f.name), n.alias ?? { aliasname: cte.name }, ctx);
      const saved = ctx.ctes;
      ctx.ctes = cte.scope;
      try {
        const bound = cte.recursive === true ? bindRecursiveCte(ctx, cte, location) : bindQuery(ctx, cte.query, cte.outer === undefined ? undefined : { outer: cte.outer, mode: 'derived' });
        return named(bound.plan, bound.names, n.alias ?? { aliasname: cte.name, colnames: cte.columns?.map((c) => ({ String: { sval: c } })) }, ctx, cte.columns !== undefined && n.alias === undefined);
      } finally {
        ctx.ctes = saved;
      }
    }
  }
  const view = ctx.viewRefs.get(location);
  if (view !== undefined) {
    if (ctx.prepass.timeTravel.has(location)) throw SqlError.unsupportedFeature('VERSION AS OF on a view').at(position);
    const bound = bindQuery(view.ctx, view.query);
    view.ctx.checkAllConsumed();
    const names = view.definition.columns === undefined ? bound.names : bound.names.map((x, i) => view.definition.columns?.[i] ?? x);
    return named(bound.plan, names, n.alias ?? { aliasname: n.relname }, ctx);
  }
  const source = ctx.tables.get(location);
  if (source === undefined) throw SqlError.internal(`table at offset ${location} was not preloaded`);
  if (source instanceof SqlError) throw source;
  const path = ctx.prepass.pathTables.get(location);
  const qualifier: string | undefined = n.alias?.aliasname ?? (path === undefined ? n.relname : undefined);
  const aliases = ((n.alias?.colnames ?? []) as AnyNode[]).map((c) => String(c.String?.sval));
  if (aliases.length > source.schema.fields.length) {
    throw new SqlError('42P10', `table "${qualifier}" has ${source.schema.fields.length} columns available but ${aliases.length} columns specified`, { position });
  }
  const scope = new Scope(
    source.schema.fields.map((f, index) => ({ qualifier, name: aliases[index] ?? f.name, type: f.type, index })),
    qualifier === undefined ? [] : [qualifier],
  );
  return { plan: Scan.create(source), scope };
}

function findCte(ctx: BindContext, name: string): CteDefinition | undefined {
  const key = name.toLowerCase();
  for (let frame = ctx.ctes; frame !== undefined; frame = frame.parent) {
    const cte = frame.ctes.get(key);
    if (cte !== undefined) return cte;
  }
  return undefined;
}

/** A derived table / CTE / view's scope: its output names (or the alias's column names) under its alias. */
function named(plan: LogicalPlan, names: readonly string[], alias: AnyNode | undefined, ctx: BindContext, _fromCte = false): BoundFrom {
  const qualifier: string | undefined = alias?.aliasname;
  const aliases = ((alias?.colnames ?? []) as AnyNode[]).map((c) => String(c.String?.sval));
  if (aliases.length > names.length) {
    throw new SqlError('42P10', `table "${qualifier}" has ${names.length} columns available but ${aliases.length} columns specified`);
  }
  const columns: ScopeColumn[] = names.map((name, index) => ({ qualifier, name: aliases[index] ?? name, type: plan.schema.fields[index].type, index }));
  void ctx;
  return { plan, scope: new Scope(columns, qualifier === undefined ? [] : [qualifier]) };
}

const JOIN_TYPES: Record<string, JoinType> = { JOIN_INNER: 'inner', JOIN_LEFT: 'left', JOIN_RIGHT: 'right', JOIN_FULL: 'full' };

/**
 * `a [INNER|LEFT|RIGHT|FULL] JOIN b ON …|USING (…)`, NATURAL and CROSS joins, and Spark's
 * `LEFT SEMI|ANTI JOIN` (the pre-pass blanks SEMI/ANTI and records them by the right side's
 * offset). USING and NATURAL merge each named pair into one column that `*` lists first (for
 * FULL joins `COALESCE(a.k, b.k)`); `a.k` and `b.k` stay reachable qualified.
 */
function bindJoin(ctx: BindContext, n: AnyNode, outer?: Scope, outerHook?: BindHooks['outer']): BoundFrom {
  if (n.alias !== undefined) throw SqlError.unsupportedFeature('an alias on a join');
  // Spark's SEMI / ANTI: the pre-pass marked the first token after JOIN, at or before the right side.
  const rightStart = locationOf(n.rarg);
  const leftStart = locationOf(n.larg);
  let mark: number | undefined;
  for (const k of ctx.prepass.semiJoins?.keys() ?? []) if (k <= rightStart && k > leftStart && (mark === undefined || k > mark)) mark = k;
  const special = mark === undefined ? undefined : ctx.prepass.semiJoins?.get(mark);
  if (mark !== undefined) ctx.consumed.add(-1 - mark);
  const left = bindFromItem(ctx, n.larg, outer, outerHook);
  let type: JoinType = special ?? JOIN_TYPES[n.jointype as string] ?? 'inner';
  if (special === undefined && (type === 'inner' || type === 'left') && n.usingClause === undefined && n.isNatural !== true) {
    const lateral = bindLateral(ctx, left, n.rarg, type, n.quals, outer, outerHook);
    if (lateral !== undefined) return lateral;
  }
  const right = bindFromItem(ctx, n.rarg, outer, outerHook);
  if (special !== undefined && n.jointype !== 'JOIN_INNER') throw SqlError.syntax(`${special.toUpperCase()} JOIN cannot be combined with ${String(n.jointype).replace('JOIN_', '')}`);
  // Subqueries in ON: an inner join's go to the WHERE clause (BoundFrom.deferred); a LEFT or RIGHT
  // join's become a LEFT JOIN LATERAL (below); FULL ones stay refused (ExprBinder: "subqueries in JOIN conditions").
  const moved = type === 'inner' && n.quals !== undefined && hasSubLink(n.quals) ? splitConjuncts(n.quals) : undefined;
  if (moved !== undefined) {
    const rest = moved.filter((c) => !hasSubLink(c));
    const deferred = [...(left.deferred ?? []), ...(right.deferred ?? []), ...moved.filter(hasSubLink)];
    const quals = rest.length === 0 ? undefined : rest.length === 1 ? rest[0] : ({ BoolExpr: { boolop: 'AND_EXPR', args: rest } } as Node);
    const joined = bindJoin(ctx, { ...n, quals: quals ?? { A_Const: { boolval: { boolval: true } } } }, outer, outerHook);
    return { ...joined, deferred };
  }
  if ((left.deferred !== undefined || right.deferred !== undefined) && type !== 'inner') throw SqlError.unsupportedFeature('a subquery in the ON condition of a join inside an outer join');
  // `l LEFT JOIN r ON <with subqueries>` is `l LEFT JOIN LATERAL (SELECT * FROM r WHERE …) r ON true`.
  const [rightKind, rightNode] = unwrap(n.rarg);
  if (type === 'left' && n.quals !== undefined && hasSubLink(n.quals) && (rightKind === 'RangeVar' || (rightKind === 'RangeSubselect' && rightNode.alias !== undefined && rightNode.lateral !== true))) {
    const alias = rightNode.alias ?? { aliasname: rightNode.relname };
    const item = { RangeSubselect: { lateral: true, subquery: { SelectStmt: { targetList: [{ ResTarget: { val: { ColumnRef: { fields: [{ A_Star: {} }] } } } }], fromClause: [n.rarg], whereClause: n.quals, limitOption: 'LIMIT_OPTION_DEFAULT', op: 'SETOP_NONE' } }, alias: { aliasname: alias.aliasname } } } as Node;
    const lateral = bindLateral(ctx, left, item, 'left', undefined, outer, outerHook);
    if (lateral !== undefined) return lateral;
  }
  // `l RIGHT JOIN r ON <with subqueries>` is `r LEFT JOIN LATERAL (SELECT * FROM l WHERE …) l ON true`,
  // its columns put back in l, r order.
  const [leftKind, leftNode] = unwrap(n.larg);
  if (type === 'right' && n.quals !== undefined && hasSubLink(n.quals) && (leftKind === 'RangeVar' || (leftKind === 'RangeSubselect' && leftNode.alias !== undefined && leftNode.lateral !== true))) {
    const alias = String((leftNode.alias ?? { aliasname: leftNode.relname }).aliasname);
    const item = { RangeSubselect: { lateral: true, subquery: { SelectStmt: { targetList: [{ ResTarget: { val: { ColumnRef: { fields: [{ A_Star: {} }] } } } }], fromClause: [n.larg], whereClause: n.quals, limitOption: 'LIMIT_OPTION_DEFAULT', op: 'SETOP_NONE' } }, alias: { aliasname: alias } } } as Node;
    const lateral = bindLateral(ctx, right, item, 'left', undefined, outer, outerHook);
    if (lateral !== undefined) {
      const rw = right.plan.schema.fields.length;
      const fields = lateral.plan.schema.fields;
      const lw = fields.length - rw;
      const order = [...Array.from({ length: lw }, (_, i) => rw + i), ...Array.from({ length: rw }, (_, i) => i)];
      const plan = Project.create(lateral.plan, order.map<Expr>((i) => ({ kind: 'ColumnRef', index: i, name: fields[i].name, type: fields[i].type })), order.map((i) => fields[i].name));
      const leftScope = new Scope(lateral.scope.columns.filter((c) => c.index >= rw).map((c) => ({ ...c, index: c.index - rw })), [alias]);
      return { plan, scope: Scope.join(leftScope, right.scope, lw) };
    }
  }
  const width = left.plan.schema.fields.length;
  const scope = Scope.join(left.scope, right.scope, width);
  const binder = new ExprBinder(ctx, scope.withParent(outer), { clause: 'JOIN conditions', ...(outerHook === undefined ? {} : { outer: outerHook }) });

  let using: string[] = ((n.usingClause ?? []) as AnyNode[]).map((u) => String(u.String?.sval));
  if (n.isNatural) {
    const rightNames = new Set(right.scope.star().map((c) => c.name.toLowerCase()));
    using = left.scope.star().map((c) => c.name).filter((name) => rightNames.has(name.toLowerCase()));
  }
  if (n.quals !== undefined) {
    const condition = binder.bindCondition(n.quals, 'JOIN/ON');
    return withDeferred(finish(Join.create(left.plan, right.plan, type, condition), type === 'semi' || type === 'anti' ? left.scope : scope), left, right);
  }
  if (using.length === 0) {
    if (type === 'semi' || type === 'anti') return finish(Join.create(left.plan, right.plan, type, { kind: 'Literal', value: true, type: new arrow.Bool() }), left.scope);
    return finish(Join.create(left.plan, right.plan, type), scope);
  }

  // ── USING / NATURAL ──
  const pairs = using.map((name) => {
    const l = left.scope.find(name);
    const r = right.scope.find(name);
    if (l.length === 0) throw new SqlError('42703', `column "${name}" specified in USING clause does not exist in left table`);
    if (r.length === 0) throw new SqlError('42703', `column "${name}" specified in USING clause does not exist in right table`);
    if (l.length > 1) throw new SqlError('42702', `common column name "${name}" appears more than once in left table`);
    if (r.length > 1) throw new SqlError('42702', `common column name "${name}" appears more than once in right table`);
    const le: Expr = { kind: 'ColumnRef', index: l[0].index, name: l[0].name, type: l[0].type };
    const re: Expr = { kind: 'ColumnRef', index: r[0].index + width, name: r[0].name, type: r[0].type };
    const t = commonType(le, re);
    if (t === undefined) throw new SqlError('42883', `operator does not exist: ${String(le.type)} = ${String(re.type)}`, { hint: 'No operator matches the given name and argument types. You might need to add explicit type casts.' });
    return { name: l[0].name, left: coerce(le, t), right: coerce(re, t), l: l[0], r: r[0], type: t };
  });
  const condition = pairs
    .map<Expr>((p) => ({ kind: 'Binary', op: '=', left: p.left, right: p.right, type: new arrow.Bool() }))
    .reduce((a, b) => ({ kind: 'Binary', op: 'AND', left: a, right: b, type: new arrow.Bool() }));
  const join = Join.create(left.plan, right.plan, type, condition);
  if (type === 'semi' || type === 'anti') return finish(join, left.scope);
  const usedLeft = new Set(pairs.map((p) => p.l.index));
  const usedRight = new Set(pairs.map((p) => p.r.index + width));
  const hide = (c: ScopeColumn, used: Set<number>): ScopeColumn => (used.has(c.index) ? { ...c, hidden: true } : c);
  const rest = [...scope.columns.slice(0, left.scope.columns.length).map((c) => hide(c, usedLeft)), ...scope.columns.slice(left.scope.columns.length).map((c) => hide(c, usedRight))];
  if (type !== 'full') {
    // The merged column is the preserved side's copy (both are equal where both exist).
    const merged = pairs.map((p) => ({ qualifier: undefined, name: p.name, type: p.type, index: type === 'right' ? p.r.index + width : p.l.index }));
    const needsCast = pairs.some((p, i) => String(p.type) !== String((type === 'right' ? p.r : p.l).type) && i >= 0);
    if (!needsCast) return finish(join, new Scope([...merged, ...rest], scope.qualifiers));
  }
  // FULL (or a merged column of another type): project COALESCE(a.k, b.k) in front of every column.
  const mergedExprs = pairs.map((p) => (type === 'full' ? bindFunction('coalesce', [p.left, p.right], undefined) : type === 'right' ? p.right : p.left));
  const all = join.schema.fields.map<Expr>((f, i) => ({ kind: 'ColumnRef', index: i, name: f.name, type: f.type }));
  const project = Project.create(join, [...mergedExprs, ...all], [...pairs.map((p) => p.name), ...join.schema.fields.map((f) => f.name)]);
  const k = pairs.length;
  const merged = pairs.map((p, i) => ({ qualifier: undefined, name: p.name, type: mergedExprs[i].type, index: i }));
  return finish(project, new Scope([...merged, ...rest.map((c) => ({ ...c, index: c.index + k }))], scope.qualifiers));
}

/**
 * `item` when it is LATERAL over `left` (bind-lateral.ts): a LATERAL subquery, or a function
 * whose arguments read `left`'s columns; undefined for an ordinary item.
 */
function bindLateral(ctx: BindContext, left: BoundFrom, item: Node, join: LateralJoin, quals: Node | undefined, outer: Scope | undefined, outerHook: BindHooks['outer'] | undefined): BoundFrom | undefined {
  const [kind, n] = unwrap(item);
  if (kind === 'RangeSubselect' && n.lateral === true) return lateralSubquery(ctx, left, n, join, quals, outer);
  if (kind !== 'RangeFunction') return undefined;
  try {
    bindTableFunction(ctx, n, outer, outerHook);
    return undefined;
  } catch (err) {
    if (!(err instanceof SqlError) || !(isLateralError(err) || isPerValueError(err))) throw err;
    // unnest / explode of one array: an Explode; any other call runs per value of what it reads.
    return lateralFunction(ctx, left, n, join, quals, outer, outerHook)
      ?? perValueLateral(ctx, left, join, quals, outer, ctx.position(n.location ?? 0), 'LATERAL function', (o) => bindTableFunction(ctx, n, o));
  }
}

function finish(plan: LogicalPlan, scope: Scope): BoundFrom {
  return { plan, scope };
}

/** `joined` carrying its inputs' deferred ON conjuncts. */
function withDeferred(joined: BoundFrom, left: BoundFrom, right: BoundFrom): BoundFrom {
  const deferred = [...(left.deferred ?? []), ...(right.deferred ?? [])];
  return deferred.length === 0 ? joined : { ...joined, deferred };
}

function hasSubLink(node: unknown): boolean {
  if (Array.isArray(node)) return node.some(hasSubLink);
  if (node === null || typeof node !== 'object') return false;
  const obj = node as AnyNode;
  return obj.SubLink !== undefined || Object.keys(obj).some((k) => hasSubLink(obj[k]));
}

function splitConjuncts(node: Node): Node[] {
  const [kind, n] = unwrap(node);
  if (kind === 'BoolExpr' && n.boolop === 'AND_EXPR') return ((n.args ?? []) as Node[]).flatMap(splitConjuncts);
  return [node];
}

/** Byte offset where a FROM item starts (for errors and the pre-pass's SEMI/ANTI marks). */
export function locationOf(node: Node): number {
  const [kind, n] = unwrap(node);
  if (kind === 'JoinExpr') return locationOf(n.larg);
  if (kind === 'RangeSubselect') return n.location ?? subselectStart(n);
  return n.location ?? 0;
}

function subselectStart(n: AnyNode): number {
  const select = n.subquery?.SelectStmt as AnyNode | undefined;
  const first = select?.targetList?.[0]?.ResTarget?.location ?? select?.valuesLists?.[0]?.List?.items?.[0];
  return typeof first === 'number' ? first : 0;
}
