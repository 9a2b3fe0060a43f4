import * as arrow from 'apache-arrow';
import type { Node } from 'libpg-query';
import { SqlError } from '../../common/sql-error.js';
import { someExpr, type Expr } from '../expr/expr.js';
import { Explode } from '../logical/explode.js';
import { Filter } from '../logical/filter.js';
import { Join } from '../logical/join.js';
import type { LogicalPlan } from '../logical/plan.js';
import { Project } from '../logical/project.js';
import { ExprBinder, unwrap, type BindHooks } from './bind-expr.js';
import type { BoundFrom } from './bind-from.js';
import { bindQuery, bindValuesRows, valuesColumns, type BoundQuery } from './bind-query.js';
import { Union } from '../logical/union.js';
import { Values } from '../logical/values.js';
import type { BindContext } from './context.js';
import { joinCondition, shiftCondition } from './mark-subquery.js';
import { Scope } from './scope.js';
import { Apply } from '../logical/apply.js';
import { bindPerValue, isPerValueError, runPlan } from './per-value.js';
import { aggregatePerRow, topNPerRow } from './per-row.js';
import { bindFunction } from './functions.js';
import { expandCall, mapEntryColumns, posexplodeColumns } from './select-srf.js';
import { pgTypeName } from '../../executor/values/type-names.js';

type AnyNode = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const BOOL = new arrow.Bool();

/** Set-returning functions FROM may call over earlier FROM items' columns; the `_outer` forms keep empty arrays as a NULL row. */
const LATERAL_FUNCTIONS = new Set(['unnest', 'explode', 'explode_outer', 'posexplode', 'posexplode_outer']);

/** How a lateral item joins what is left of it: a comma / CROSS / INNER JOIN, or LEFT JOIN. */
export type LateralJoin = 'inner' | 'left';

/**
 * `FROM t, unnest(t.arr) AS u(x)`, `t CROSS JOIN LATERAL explode(t.arr)`, Spark's
 * `LATERAL VIEW [OUTER] explode(arr) u AS x` (the pre-pass rewrites it to `, LATERAL …` and
 * records the names): every row of `left` repeated once per element (Explode), the element
 * appended as a column. A LEFT JOIN (`ON true`) or `explode_outer` keeps rows whose array is
 * NULL or empty, once, with a NULL element. Returns undefined when the call is not one of
 * these (the caller then reports the usual error).
 */
export function lateralFunction(ctx: BindContext, left: BoundFrom, n: AnyNode, join: LateralJoin, quals: Node | undefined, outer: Scope | undefined, outerHook: BindHooks['outer'] | undefined): BoundFrom | undefined {
  const functions = (n.functions ?? []) as AnyNode[];
  const items = (functions[0]?.List?.items ?? []) as Node[];
  if (functions.length !== 1 || items.length === 0) return undefined;
  const [kind, call] = unwrap(items[0]);
  if (kind !== 'FuncCall') return undefined;
  const names = ((call.funcname ?? []) as AnyNode[]).map((x) => String(x.String?.sval ?? ''));
  const name = names[names.length - 1].toLowerCase();
  if (!LATERAL_FUNCTIONS.has(name) || names.length > 1) return undefined;
  const position = ctx.position(call.location ?? 0);
  const binder = new ExprBinder(ctx, left.scope.withParent(outer), { clause: 'functions in FROM', ...(outerHook === undefined ? {} : { outer: outerHook }) });
  const args = ((call.args ?? []) as Node[]).map((a) => binder.bind(a));
  // Over the enclosing query's row: not an Explode here (a subquery then runs per row, Apply).
  if (args.some((a) => someExpr(a, (e) => e.kind === 'Placeholder'))) return undefined;
  if (args.length !== 1 || n.ordinality === true) return name === 'unnest' ? zippedUnnest(ctx, left, n, args, join, quals, outer, position) : undefined;
  const [list] = args;
  const view = ctx.prepass.lateralViews?.get(n.location ?? -1) ?? ctx.prepass.lateralViews?.get(call.location ?? -1);
  const alias = n.alias as AnyNode | undefined;
  if (name !== 'unnest' && (list.type.typeId === arrow.Type.Map || name.startsWith('pos'))) {
    return lateralGenerator(ctx, left, name, list, { view, alias, join, quals, outer, position });
  }
  if (list.type.typeId !== arrow.Type.List) throw new SqlError('42883', `function ${name}(${String(list.type)}) does not exist`, { position, hint: 'It takes an array.' });
  const qualifier = view?.table ?? (alias?.aliasname as string | undefined) ?? name;
  const column = view?.columns[0] ?? String(alias?.colnames?.[0]?.String?.sval ?? alias?.aliasname ?? (name === 'unnest' ? 'unnest' : 'col'));
  if (view !== undefined && view.columns.length > 1) throw SqlError.syntax(`${name} of an array produces 1 column, but ${view.columns.length} names were given`, position);
  const always = quals === undefined || isTrue(quals);
  if (join === 'left' && !always) return undefined; // a condition decides which elements pad: per value (bind-from.ts)
  const width = left.plan.schema.fields.length;
  let plan: LogicalPlan = Explode.create(left.plan, list, column, join === 'left' || name === 'explode_outer' || view?.outer === true);
  const scope = Scope.join(left.scope, new Scope([{ qualifier, name: column, type: plan.schema.fields[width].type, index: 0 }], [qualifier]), width, position);
  if (!always && quals !== undefined) plan = Filter.create(plan, new ExprBinder(ctx, scope.withParent(outer), { clause: 'JOIN/ON' }).bindCondition(quals, 'JOIN/ON'));
  return { plan, scope };
}

/**
 * Spark's generators over earlier FROM items' columns with more than one column each:
 * `posexplode(arr)` (`pos`, `col`), `explode(map)` (`key`, `value`), `posexplode(map)` (`pos`,
 * `key`, `value`) — in FROM, `LATERAL`, or `LATERAL VIEW [OUTER] … t AS k, v`. The element is
 * exploded (an entry of `map_entries`, or an element with its position), then taken apart.
 */
function lateralGenerator(
  ctx: BindContext,
  left: BoundFrom,
  name: string,
  arg: Expr,
  how: { view: { readonly table?: string; readonly columns: readonly string[]; readonly outer: boolean } | undefined; alias: AnyNode | undefined; join: LateralJoin; quals: Node | undefined; outer: Scope | undefined; position: number | undefined },
): BoundFrom | undefined {
  const { view, alias, join, quals, position } = how;
  const isMap = arg.type.typeId === arrow.Type.Map;
  if (!isMap && arg.type.typeId !== arrow.Type.List) throw new SqlError('42883', `function ${name}(${pgTypeName(arg.type)}) does not exist`, { position, hint: 'It takes an array or a map.' });
  const always = quals === undefined || isTrue(quals);
  if (join === 'left' && !always) return undefined; // a condition decides which elements pad: per value (bind-from.ts)
  const entries = isMap ? bindFunction('map_entries', [arg], position) : arg;
  const withPos = name.startsWith('pos');
  const list = withPos ? expandCall(name, [entries], position) : entries;
  const width = left.plan.schema.fields.length;
  const exploded = Explode.create(left.plan, list, '__element', join === 'left' || name.endsWith('_outer') || view?.outer === true);
  const element: Expr = { kind: 'ColumnRef', index: width, name: '__element', type: exploded.schema.fields[width].type };
  const columns = withPos ? posexplodeColumns(element, name === 'posexplode_outer' ? entries : undefined, position) : { exprs: [element], names: ['col'] };
  if (isMap) {
    // The `col` just made is a map entry: its key and value instead.
    const entry = columns.exprs.pop() as Expr;
    columns.names.pop();
    const parts = mapEntryColumns(entry);
    columns.exprs.push(...parts.exprs);
    columns.names.push(...parts.names);
  }
  const given = view?.columns ?? ((alias?.colnames ?? []) as AnyNode[]).map((c) => String(c.String?.sval));
  const qualifier = view?.table ?? (alias?.aliasname as string | undefined) ?? name;
  if (given.length > columns.names.length) {
    if (view !== undefined) throw SqlError.syntax(`${name} produces ${columns.names.length} columns, but ${given.length} names were given`, position);
    throw new SqlError('42P10', `table "${qualifier}" has ${columns.names.length} columns available but ${given.length} columns specified`); // no position, as PostgreSQL
  }
  const names = columns.names.map((own, k) => given[k] ?? own);
  const leftRefs = left.plan.schema.fields.map<Expr>((f, i) => ({ kind: 'ColumnRef', index: i, name: f.name, type: f.type }));
  let plan: LogicalPlan = Project.create(exploded, [...leftRefs, ...columns.exprs], [...left.plan.schema.fields.map((f) => f.name), ...names]);
  const scope = Scope.join(left.scope, new Scope(names.map((column, k) => ({ qualifier, name: column, type: (columns.exprs[k] as Expr).type, index: k })), [qualifier]), width, position);
  if (!always && quals !== undefined) plan = Filter.create(plan, new ExprBinder(ctx, scope.withParent(how.outer), { clause: 'JOIN/ON' }).bindCondition(quals, 'JOIN/ON'));
  return { plan, scope };
}

/**
 * `FROM t, LATERAL (SELECT … FROM s WHERE s.k = t.k …) x`, `t [LEFT] JOIN LATERAL (…) x ON …`:
 * the subquery's WHERE conjuncts over `t` become the join's condition (a hash join on its
 * equalities), as for EXISTS. A subquery that aggregates without GROUP BY (`LATERAL (SELECT
 * count(*), max(v) FROM s WHERE s.k = t.k)`) gives one row per row of `t`: it is grouped by
 * its correlation keys and left-joined, with counts of 0 where nothing matched; one correlated by
 * more than equalities is aggregated per row of `t`, and `ORDER BY … LIMIT` over such a
 * correlation keeps the first rows per row (per-row.ts). Other shapes run per value
 * (perValueLateral); `(VALUES …)` is a union of projections (lateralValues).
 */
export function lateralSubquery(ctx: BindContext, left: BoundFrom, n: AnyNode, join: LateralJoin, quals: Node | undefined, outer?: Scope): BoundFrom {
  const select = unwrap(n.subquery)[1];
  const position = ctx.position(lateralKeyword(ctx, select));
  if (select.valuesLists !== undefined && select.withClause === undefined && select.sortClause === undefined && select.limitCount === undefined && (join === 'inner' || quals === undefined || isTrue(quals))) {
    return lateralValues(ctx, left, n, select, quals, outer, position);
  }
  const perValue = () => perValueLateral(ctx, left, join, quals, outer, position, 'LATERAL (subquery)', (o) => {
    const q = bindQuery(ctx, select, { outer: o, mode: 'derived' });
    return { plan: q.plan, scope: aliased(q, n.alias as AnyNode | undefined, position) };
  });
  let q: BoundQuery;
  let aggregated = false;
  try {
    q = bindQuery(ctx, select, { outer: left.scope.withParent(outer), mode: 'lateral' });
  } catch (err) {
    if (!isPerValueError(err)) throw err;
    try {
      q = bindQuery(ctx, select, { outer: left.scope.withParent(outer), mode: 'scalar' });
    } catch (again) {
      if (!isPerValueError(again)) throw again;
      return perValue();
    }
    if (q.perRow === true) return perValue();
    if (q.aggregateJoin !== undefined) {
      // One aggregate over a non-equality correlation: one row per outer row, joined per row.
      if (quals !== undefined && !isTrue(quals)) return perValue();
      const plan = aggregatePerRow(left.plan, q.plan, q.conditions ?? [], q.aggregateJoin);
      const right = aliased({ plan: Project.create(plan, [{ kind: 'ColumnRef', index: left.plan.schema.fields.length, name: q.names[0], type: q.aggregateJoin.value.type }], q.names), names: q.names }, n.alias as AnyNode | undefined, position);
      return { plan, scope: Scope.join(left.scope, right, left.plan.schema.fields.length, position) };
    }
    aggregated = true;
  }
  if (q.topNJoin !== undefined) {
    // ORDER BY … LIMIT over a non-equality correlation: joined and ranked per outer row.
    if (quals !== undefined && !isTrue(quals)) return perValue();
    const plan = topNPerRow(left.plan, q.plan, q.conditions ?? [], q.topNJoin, join);
    const width = left.plan.schema.fields.length;
    const right = aliased({ plan: Project.create(plan, q.names.map<Expr>((name, i) => ({ kind: 'ColumnRef', index: width + i, name, type: plan.schema.fields[width + i].type })), q.names), names: q.names }, n.alias as AnyNode | undefined, position);
    return { plan, scope: Scope.join(left.scope, right, width, position) };
  }
  const width = left.plan.schema.fields.length;
  const right = aliased(q, n.alias as AnyNode | undefined, position);
  const scope = Scope.join(left.scope, right, width, position);
  const conditions: Expr[] = (q.conditions ?? []).length === 0 ? [] : [joinCondition(q.conditions ?? [], width)];
  if (quals !== undefined && !isTrue(quals)) conditions.push(new ExprBinder(ctx, scope, { clause: 'JOIN/ON' }).bindCondition(quals, 'JOIN/ON'));
  const condition = conditions.length === 0 ? undefined : conditions.reduce((a, b) => ({ kind: 'Binary', op: 'AND', left: a, right: b, type: BOOL }));
  if (!aggregated) {
    const deferred = q.deferred;
    if (deferred === undefined) return { plan: Join.create(left.plan, q.plan, join, condition), scope };
    // A LEFT JOIN tells its unmatched rows by a marker column that is never NULL on a match.
    const marked = join === 'left' ? Project.create(q.plan, [...q.plan.schema.fields.map<Expr>((f, i) => ({ kind: 'ColumnRef', index: i, name: f.name, type: f.type })), { kind: 'Literal', value: true, type: BOOL }], [...q.plan.schema.fields.map((f) => f.name), '__mark']) : q.plan;
    const joined = Join.create(left.plan, marked, join, condition ?? (join === 'left' ? { kind: 'Literal', value: true, type: BOOL } : undefined));
    // Select items over outer columns, computed now that both sides are in one row.
    const ref = (i: number): Expr => ({ kind: 'ColumnRef', index: i, name: joined.schema.fields[i].name, type: joined.schema.fields[i].type });
    const exprs: Expr[] = [...left.plan.schema.fields.map((_, i) => ref(i)), ...q.names.map((_, i) => {
      const d = deferred[i];
      if (d === undefined) return ref(width + i);
      const value = shiftCondition(d, width);
      // A LEFT JOIN's unmatched row has no subquery row: its items are NULL too.
      return join === 'left' ? { kind: 'Case', whens: [{ condition: { kind: 'IsNull', input: ref(width + marked.schema.fields.length - 1), negated: true, type: BOOL }, result: value }], type: value.type } as Expr : value;
    })];
    return { plan: Project.create(joined, exprs, joined.schema.fields.slice(0, exprs.length).map((f) => f.name)), scope };
  }
  // One row per outer row: a left join whatever the join type, and count-like columns 0 for no match.
  const joined = Join.create(left.plan, q.plan, 'left', condition);
  const counts = countColumns(q.plan);
  const exprs: Expr[] = joined.schema.fields.slice(0, width + q.names.length).map((f, i) => {
    const ref: Expr = { kind: 'ColumnRef', index: i, name: f.name, type: f.type };
    return i >= width && counts.has(i - width) ? { kind: 'Call', name: 'coalesce', args: [ref, { kind: 'Literal', value: 0n, type: f.type }], type: f.type } : ref;
  });
  return { plan: Project.create(joined, exprs, joined.schema.fields.slice(0, exprs.length).map((f) => f.name)), scope };
}

/** A LATERAL subquery's columns under its alias `AS t (a, b)`. */
function aliased(q: BoundQuery, alias: AnyNode | undefined, position: number | undefined): Scope {
  const qualifier: string | undefined = alias?.aliasname;
  const aliases = ((alias?.colnames ?? []) as AnyNode[]).map((c) => String(c.String?.sval));
  if (aliases.length > q.names.length) throw new SqlError('42P10', `table "${qualifier}" has ${q.names.length} columns available but ${aliases.length} columns specified`, { position });
  return new Scope(q.names.map((name, index) => ({ qualifier, name: aliases[index] ?? name, type: q.plan.schema.fields[index].type, index })), qualifier === undefined ? [] : [qualifier]);
}

/**
 * A LATERAL item that cannot become a join (a correlated GROUP BY / DISTINCT / window /
 * `ORDER BY … LIMIT` over a non-equality correlation, `generate_series(1, t.n)`, a
 * multi-array `unnest(t.a, t.b)`…): `bind` binds it with `left`'s columns as constants, and
 * Apply runs it once per distinct value of those it reads, each row of `left` repeated once per
 * row it returns (per-value.ts). The ON condition filters each run's rows; a LEFT JOIN keeps a
 * row of `left` with nothing left once, with NULLs.
 */
export function perValueLateral(
  ctx: BindContext, left: BoundFrom, join: LateralJoin, quals: Node | undefined, outer: Scope | undefined, position: number | undefined, label: string,
  bind: (outer: Scope) => { plan: LogicalPlan; scope: Scope },
): BoundFrom {
  const pv = bindPerValue(ctx, left.scope.withParent(outer), (o) => {
    const item = bind(o);
    if (quals === undefined || isTrue(quals)) return item;
    const condition = new ExprBinder(ctx, item.scope.withParent(o), { clause: 'JOIN/ON' }).bindCondition(quals, 'JOIN/ON');
    return { plan: Filter.create(item.plan, condition), scope: item.scope };
  });
  const scope = Scope.join(left.scope, pv.probe.scope, left.plan.schema.fields.length, position);
  const evaluate: Apply['evaluate'] = (values, signal) => runPlan(pv.rebind(values).plan, signal);
  return { plan: Apply.create(left.plan, pv.columns, evaluate, pv.probe.plan.schema.fields, label, join), scope };
}

/** Byte offset of the LATERAL keyword before a subquery (errors about the whole item point there). */
function lateralKeyword(ctx: BindContext, select: AnyNode): number {
  const first: number = select.targetList?.[0]?.ResTarget?.location ?? 0;
  let at = first;
  for (const t of ctx.prepass.tokens) {
    if (t.start >= first) break;
    if (t.text.toLowerCase() === 'lateral') at = t.start;
  }
  return at;
}

/** Output columns of an aggregate subquery that are counts (0, not NULL, over no rows). */
function countColumns(plan: LogicalPlan): Set<number> {
  const out = new Set<number>();
  if (plan.kind !== 'Project' || plan.input.kind !== 'Aggregate') return out;
  const aggregate = plan.input;
  plan.exprs.forEach((e, i) => {
    if (e.kind !== 'ColumnRef') return;
    const call = aggregate.aggregates[e.index - aggregate.groupBy.length];
    if (call !== undefined && ['count', 'count_star', 'count_if', 'approx_count_distinct'].includes(call.name)) out.add(i);
  });
  return out;
}

/** `ON true` (what PostgreSQL requires after LEFT JOIN LATERAL when nothing else applies). */
function isTrue(node: Node): boolean {
  const [kind, n] = unwrap(node);
  if (kind === 'A_Const') return n.boolval?.boolval === true;
  if (kind === 'TypeCast') return isTrue(n.arg);
  return false;
}

/**
 * `t CROSS JOIN LATERAL (VALUES ('open', t.open), ('close', t.close)) AS v(metric, val)` — the
 * unpivot idiom: each row of `t` once per VALUES row, as a UNION ALL of one projection of `t`
 * per VALUES row (no join, no per-row planning). A condition (`JOIN … ON`) filters the result.
 */
function lateralValues(ctx: BindContext, left: BoundFrom, n: AnyNode, select: AnyNode, quals: Node | undefined, outer: Scope | undefined, position: number | undefined): BoundFrom {
  const { rows, lists } = bindValuesRows(ctx, select, left.scope.withParent(outer));
  const coerced = valuesColumns(ctx, rows, lists);
  const width = left.plan.schema.fields.length;
  const names = (coerced[0] ?? []).map((_, c) => `column${c + 1}`);
  const leftRefs = left.plan.schema.fields.map<Expr>((f, i) => ({ kind: 'ColumnRef', index: i, name: f.name, type: f.type }));
  const leftNames = left.plan.schema.fields.map((f) => f.name);
  const parts = coerced.map((row) => Project.create(left.plan, [...leftRefs, ...row], [...leftNames, ...names]) as LogicalPlan);
  let plan: LogicalPlan = parts.length === 1 ? parts[0] : Union.create(parts, false);
  const right = aliased({ plan: Values.create(coerced.slice(0, 1), names), names }, n.alias as AnyNode | undefined, position);
  const scope = Scope.join(left.scope, right, width, position);
  if (quals !== undefined && !isTrue(quals)) plan = Filter.create(plan, new ExprBinder(ctx, scope.withParent(outer), { clause: 'JOIN/ON' }).bindCondition(quals, 'JOIN/ON'));
  return { plan, scope };
}

/**
 * `FROM t, unnest(t.a, t.b) WITH ORDINALITY AS u(x, y, n)`: the arrays zipped per row into one
 * list of structs (kernels/series.ts `zipLists`; the shorter padded with NULL, the ordinality
 * counted from 1), exploded, and its fields spread into columns — one pass, no per-row planning.
 * A LEFT JOIN (`ON true`) keeps a row whose arrays are all empty or NULL once, with NULLs.
 */
function zippedUnnest(ctx: BindContext, left: BoundFrom, n: AnyNode, args: readonly Expr[], join: LateralJoin, quals: Node | undefined, outer: Scope | undefined, position: number | undefined): BoundFrom | undefined {
  if (args.some((a) => a.type.typeId !== arrow.Type.List)) return undefined;
  if (join === 'left' && quals !== undefined && !isTrue(quals)) return undefined;
  const ordinality = n.ordinality === true;
  const fields = args.map((a, k) => new arrow.Field(`f${k}`, (a.type as arrow.List).children[0].type, true));
  if (ordinality) fields.push(new arrow.Field('ordinality', new arrow.Int64(), true));
  const zipped: Expr = { kind: 'Call', name: 'zip_lists', args, type: new arrow.List(new arrow.Field('item', new arrow.Struct(fields), true)) };
  const width = left.plan.schema.fields.length;
  const exploded = Explode.create(left.plan, zipped, '__zip', join === 'left');
  const element: Expr = { kind: 'ColumnRef', index: width, name: '__zip', type: exploded.schema.fields[width].type };
  const alias = n.alias as AnyNode | undefined;
  const qualifier = String(alias?.aliasname ?? 'unnest');
  const aliases = ((alias?.colnames ?? []) as AnyNode[]).map((c) => String(c.String?.sval));
  if (aliases.length > fields.length) throw new SqlError('42P10', `table "${qualifier}" has ${fields.length} columns available but ${aliases.length} columns specified`, { position });
  // PostgreSQL's names: each array's column is `unnest` (the alias for a single array), then `ordinality`.
  const names = fields.map((f, k) => aliases[k] ?? (f.name === 'ordinality' ? 'ordinality' : args.length === 1 ? String(alias?.aliasname ?? 'unnest') : 'unnest'));
  const leftRefs = left.plan.schema.fields.map<Expr>((f, i) => ({ kind: 'ColumnRef', index: i, name: f.name, type: f.type }));
  const spread = fields.map<Expr>((f, k) => ({ kind: 'FieldAccess', input: element, fieldIndex: k, field: f.name, type: f.type }));
  let plan: LogicalPlan = Project.create(exploded, [...leftRefs, ...spread], [...left.plan.schema.fields.map((f) => f.name), ...names]);
  const scope = Scope.join(left.scope, new Scope(fields.map((f, k) => ({ qualifier, name: names[k], type: f.type, index: k })), [qualifier]), width, position);
  if (quals !== undefined && !isTrue(quals)) plan = Filter.create(plan, new ExprBinder(ctx, scope.withParent(outer), { clause: 'JOIN/ON' }).bindCondition(quals, 'JOIN/ON'));
  return { plan, scope };
}
