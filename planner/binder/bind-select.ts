import * as arrow from 'apache-arrow';
import type { Node, SelectStmt } from 'libpg-query';
import { SqlError } from '../../common/sql-error.js';
import { columnsUsed, exprKey, mapChildren, someExpr, transformExpr, type Expr, type Placeholder } from '../expr/expr.js';
import { Aggregate, type AggregateCallExpr } from '../logical/aggregate.js';
import { Filter } from '../logical/filter.js';
import { Join } from '../logical/join.js';
import { Limit } from '../logical/limit.js';
import type { LogicalPlan } from '../logical/plan.js';
import { Project } from '../logical/project.js';
import { SingleRow } from '../logical/single-row.js';
import { Sort, type SortKey } from '../logical/sort.js';
import { Values } from '../logical/values.js';
import { Window } from '../logical/window.js';
import { Apply } from '../logical/apply.js';
import { Explode } from '../logical/explode.js';
import { lower } from '../lower/index.js';
import { optimize } from '../optimizer/index.js';
import { scalarAt, type ScalarValue } from '../../executor/arrow/scalar.js';
import { isLateralError } from './table-functions.js';
import { booleanTest } from './operators.js';
import { bindPerValue, isPerValueError, oneValue, perValueError, runPlan } from './per-value.js';
import { aggregateKey, aggregateLabel, bindAggregateCall } from './bind-aggregate.js';
import { columnOrigins, ExprBinder, startOf, unwrap, type BindHooks } from './bind-expr.js';
import { bindFrom } from './bind-from.js';
import { bindQuery, type BoundQuery } from './bind-query.js';
import { bindWindowCall, windowLabel, windowSpecKey, type PendingWindowCall } from './bind-window.js';
import type { BindContext } from './context.js';
import { outputName } from './names.js';
import { Scope, type ScopeColumn } from './scope.js';
import { joinCondition, markSubquery, shiftCondition, type MarkTest } from './mark-subquery.js';
import { aggregatePerRow, perRowSubquery, topNPerRow } from './per-row.js';
import { checkDistinctOn, firstPerGroup } from './distinct-on.js';
import { expandCall, mapEntryColumns, posexplodeColumns, seriesCall, setReturningName } from './select-srf.js';
import { bindFunction } from './functions.js';
import { expandGroupByAll, expandOrderByAll } from './by-all.js';
import { anyTest, compareExprs, compareRow } from './any-test.js';
import type { CompareOp } from '../../executor/kernels/compare.js';
import { parseQualify, qualifyClauseOf } from '../parser/qualify.js';

type AnyNode = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const BOOL = new arrow.Bool();

/**
 * A subquery's relation to the query around it: `outer` is the enclosing FROM scope; `mode`
 * says how the subquery is used, which decides what correlation it may have:
 * - `exists` / `in`: correlated conjuncts of its WHERE become the semi/anti join's condition;
 * - `scalar`: `inner = outer` conjuncts of an aggregate subquery become extra GROUP BY keys and
 *   the condition of a left join (decorrelation);
 * - `lateral`: as `exists`, and select items may name outer columns too: they come back as
 *   `deferred` expressions the join computes (bind-lateral.ts).
 * A shape none of these can decorrelate raises perValueError; the caller then binds the
 * subquery once per distinct value of the outer columns it reads (per-value.ts, Apply).
 */
export interface Correlation {
  readonly outer: Scope;
  /**
   * `derived`: the query is not decorrelated at all — a derived table or set operation inside
   * a subquery, or a subquery bound per value (per-value.ts), whose `outer` is then constant; a
   * reference to a non-constant outer column makes the enclosing subquery run per value.
   */
  readonly mode: 'exists' | 'in' | 'scalar' | 'lateral' | 'derived';
}

/** A subquery's value, until the subquery is joined in (`subqueryColumns`). */
function isSubquery(e: Expr): e is Extract<Expr, { kind: 'Placeholder' }> {
  return e.kind === 'Placeholder' && e.slot === 'subquery';
}

/** A scalar subquery waiting to be joined in: its plan (one value column, then correlation keys). */
interface PendingSubquery {
  readonly plan: LogicalPlan;
  readonly conditions: readonly Expr[];
  /** A correlated subquery without aggregate: at most one row per outer row (else `21000`). */
  readonly perRow: boolean;
  /** A correlated ARRAY(subquery): every matching row's value, collected per outer row. */
  readonly array?: boolean;
  /** A subquery run per distinct value of the outer columns it reads (per-value.ts). */
  readonly apply?: { readonly columns: readonly number[]; readonly evaluate: Apply['evaluate']; readonly type: arrow.DataType };
  /** EXISTS / ANY / ALL used as a boolean value (mark-subquery.ts). */
  readonly mark?: PendingMark;
  /** An aggregate joined per outer row (BoundQuery.aggregateJoin); `plan` is its input. */
  readonly aggregateJoin?: BoundQuery['aggregateJoin'];
  /** `ORDER BY … LIMIT 1` joined per outer row (BoundQuery.topNJoin); `plan` is its input. */
  readonly topNJoin?: BoundQuery['topNJoin'];
  /** The same subquery bound to run per value, for where the join cannot go (over an aggregate's output). */
  readonly perValue?: () => PendingSubquery;
}

/** What a boolean subquery tests; `left` is over the FROM scope until attachSubqueries maps it. */
type PendingMark =
  | { readonly kind: 'exists' }
  | { readonly kind: 'any'; readonly op: CompareOp; readonly negated: boolean; readonly left: readonly Expr[]; readonly position: number | undefined };

/**
 * A SELECT → logical plan, in SQL's evaluation order:
 *
 * ```
 * Project(select list)                 ← names as the user wrote them
 *   Limit(limit, offset)
 *     Sort(keys)                       ← ordinals and aliases resolve to select items
 *       Filter(QUALIFY) / Window…      ← one Window per distinct PARTITION BY / ORDER BY
 *         Filter(HAVING)
 *           Aggregate(group, calls)    ← when there are aggregates / GROUP BY / HAVING
 *             Filter(WHERE)            ← semi / anti joins for [NOT] EXISTS / [NOT] IN
 *               FROM: Scan | Join | derived table | Values(one row)
 * ```
 *
 * With DISTINCT, the Project comes before an Aggregate over all its columns, and the Sort
 * after it. Aggregates, window calls and scalar subqueries are bound first as Placeholders
 * over the FROM scope, then replaced by columns of the nodes that compute them; a column
 * reference left over after aggregation is PostgreSQL's 42803.
 */
export function bindSelect(ctx: BindContext, select: SelectStmt | AnyNode, correlation?: Correlation): BoundQuery {
  return new SelectBinder(ctx, select as AnyNode, correlation).bind();
}

class SelectBinder {
  private readonly aggregates: AggregateCallExpr[] = [];
  private readonly aggregateIds = new Map<string, number>();
  private readonly groupings: { args: Expr[]; positions: (number | undefined)[] }[] = [];
  private readonly windows: PendingWindowCall[] = [];
  private readonly subqueries: PendingSubquery[] = [];
  private readonly subqueryColumns = new Map<number, Expr>();
  private readonly named = new Map<string, AnyNode>();
  private outerUsed = false;
  /** The select list's distinct set-returning calls: the arrays they expand (zipped when several). */
  private readonly srfs: { readonly key: string; readonly list: Expr }[] = [];
  private scope: Scope = Scope.empty;

  constructor(private readonly ctx: BindContext, private readonly s: AnyNode, private readonly correlation: Correlation | undefined) {}

  bind(): BoundQuery {
    const { ctx, s } = this;
    refuseUnsupported(ctx, s);
    const from = (s.fromClause ?? []) as Node[];
    const bound = from.length === 0 ? { plan: Values.oneRow() as LogicalPlan, scope: Scope.empty } : bindFrom(ctx, from, this.correlation?.outer, this.correlation === undefined ? undefined : this.outerHook);
    this.scope = bound.scope.withParent(this.correlation?.outer);
    let plan = bound.plan;
    for (const w of (s.windowClause ?? []) as AnyNode[]) {
      const def = w.WindowDef as AnyNode;
      const key = String(def.name).toLowerCase();
      if (this.named.has(key)) throw new SqlError('42P20', `window "${def.name}" is already defined`, { position: ctx.position(def.location ?? 0) });
      this.named.set(key, def);
    }

    // ── WHERE: semi/anti joins for top-level [NOT] EXISTS / IN, then one Filter ──
    const correlated: Expr[] = [];
    // Inner joins' ON conjuncts with subqueries are filters like WHERE's (bind-from.ts).
    const moved = (bound.deferred ?? []) as Node[];
    if (s.whereClause !== undefined || moved.length > 0) {
      const binder = new ExprBinder(ctx, this.scope, this.hooks('WHERE', { subquery: true }));
      const predicates: Expr[] = [];
      const parts = [...moved, ...(s.whereClause === undefined ? [] : conjuncts(s.whereClause))];
      const semis = parts.map((c) => this.semiJoinShape(c));
      // Without semi joins the clause binds whole, so errors name the clause as PostgreSQL does.
      const bound: Expr[] = [];
      if (semis.every((x) => x === undefined) && moved.length === 0) bound.push(...splitAnd(binder.bindCondition(s.whereClause as Node, 'WHERE')));
      else {
        parts.forEach((part, k) => {
          const semi = semis[k];
          const joined = semi === undefined ? undefined : this.semiJoin(plan, semi.link, semi.negated);
          if (joined !== undefined) plan = joined;
          else bound.push(binder.bindCondition(part, k < moved.length ? 'JOIN/ON' : 'AND'));
        });
      }
      for (const p of bound) {
        if (!someExpr(p, isOuter)) predicates.push(p);
        else if (!someExpr(p, isSubquery)) correlated.push(p);
        else {
          // A subquery inside a condition over outer columns (`WHERE s.k = t.k AND t.v > (SELECT
          // avg(v) FROM u)`) cannot move into the join that condition becomes: an uncorrelated
          // scalar one is joined in here, its one value a column the condition reads; any other
          // runs per value.
          if (!this.joinableHere(p)) throw perValueError('a subquery inside a correlated condition');
          plan = this.attachSubqueries(plan, [p], true);
          correlated.push(this.resolveSubqueries(p));
        }
      }
      if (predicates.length > 0) {
        const predicate = predicates.reduce((a, b) => ({ kind: 'Binary', op: 'AND', left: a, right: b, type: BOOL }));
        plan = this.attachSubqueries(plan, [predicate], true);
        plan = Filter.create(plan, this.resolveSubqueries(predicate));
      }
    }

    // ── select list ──
    const namedGroup = (name: string) => this.groupCallNamed(name);
    const selectBinder = new ExprBinder(ctx, this.scope, { ...this.hooks('SELECT', { aggregate: true, window: true, subquery: true }), namedGroup, setReturning: (name, args, position) => this.setReturning(name, args, position) });
    const exprs: Expr[] = [];
    const names: string[] = [];
    const targets: { node: Node | undefined; location: number }[] = [];
    for (const item of (s.targetList ?? []) as AnyNode[]) {
      const target = item.ResTarget as AnyNode;
      const star = starQualifier(target.val);
      if (star !== undefined) {
        const position = ctx.position(target.location ?? 0);
        if (from.length === 0) throw SqlError.syntax('SELECT * with no tables specified is not valid', position);
        if (star !== '' && !this.scope.hasQualifier(star)) throw new SqlError('42P01', `missing FROM-clause entry for table "${star}"`, { position });
        const columns = this.scope.star(star === '' ? undefined : star);
        // Databricks' `* EXCEPT (a, b)` / DuckDB's `* EXCLUDE (a, b)`: each named column must be one of the star's.
        const except = ctx.prepass.starExcept?.get(target.location ?? -1) ?? [];
        for (const { name, at } of except) {
          if (!columns.some((c) => c.name.toLowerCase() === name.toLowerCase())) throw new SqlError('42703', `column "${name}" does not exist`, { position: ctx.position(at) });
        }
        const excluded = new Set(except.map((x) => x.name.toLowerCase()));
        for (const c of columns) {
          if (excluded.has(c.name.toLowerCase())) continue;
          const ref: Expr = { kind: 'ColumnRef', index: c.index, name: c.name, type: c.type };
          columnOrigins.set(ref, { position, display: c.qualifier === undefined ? c.name : `${c.qualifier}.${c.name}` });
          exprs.push(ref);
          names.push(c.name);
          targets.push({ node: undefined, location: target.location ?? 0 });
        }
        continue;
      }
      const generator = generatorCall(target.val);
      if (generator !== undefined) {
        // Spark's generators as select items: posexplode gives (pos, col), explode of a map (key, value).
        const args = ((generator.call.args ?? []) as Node[]).map((a) => selectBinder.bind(a));
        const position = ctx.position(generator.call.location ?? 0);
        let columns: { exprs: Expr[]; names: string[] };
        if (generator.name.startsWith('pos')) {
          columns = posexplodeColumns(this.setReturning(generator.name, args, position), generator.name === 'posexplode_outer' ? args[0] : undefined, position);
        } else if (args.length === 1 && (args[0] as Expr).type.typeId === arrow.Type.Map) {
          columns = mapEntryColumns(this.setReturning(generator.name, [bindFunction('map_entries', args, position)], position));
        } else {
          columns = { exprs: [this.setReturning(generator.name, args, position)], names: [outputName(ctx, target)] };
        }
        exprs.push(...columns.exprs);
        names.push(...columns.names);
        for (const _ of columns.exprs) targets.push({ node: columns.exprs.length === 1 ? target.val : undefined, location: startOf(target.val) });
        continue;
      }
      exprs.push(selectBinder.bind(target.val));
      names.push(outputName(ctx, target));
      targets.push({ node: target.val, location: startOf(target.val) });
    }

    // ── QUALIFY (Databricks / DuckDB): like the select list; a bare name may be a select alias ──
    const qualify = this.bindQualify(exprs, names);

    // ── GROUP BY, HAVING, ORDER BY (bound over the FROM scope, with placeholders) ──
    const groupClause = expandGroupByAll(ctx, (s.groupClause ?? []) as Node[], exprs);
    const group = this.bindGroupBy(groupClause, exprs, names, targets);
    const havingBinder = new ExprBinder(ctx, this.scope, { ...this.hooks('HAVING', { aggregate: true, subquery: true }), namedGroup });
    const having = s.havingClause === undefined ? undefined : havingBinder.bindCondition(s.havingClause, 'HAVING');
    const orderBinder = new ExprBinder(ctx, this.scope, { ...this.hooks('ORDER BY', { aggregate: true, window: true, subquery: true }), namedGroup });
    const sortClause = expandOrderByAll(ctx, (s.sortClause ?? []) as AnyNode[], exprs.length);
    let keys = sortClause.map((x) => sortKey(ctx, orderBinder, x.SortBy as AnyNode, exprs, names));
    // DISTINCT ON (exprs): the first row of each group in ORDER BY order (planned as a window below).
    const onItems = ((s.distinctClause ?? []) as AnyNode[]).filter((d) => Object.keys(d).length > 0) as Node[];
    let distinctOn = onItems.map((node) => sortKey(ctx, orderBinder, { node }, exprs, names).expr);
    if (onItems.length > 0) checkDistinctOn(ctx, onItems, distinctOn, keys.map((k) => k.expr));
    const distinct = s.distinctClause !== undefined && onItems.length === 0;
    const limit = s.limitCount === undefined ? undefined : countValue(ctx, s.limitCount, 'LIMIT');
    const offset = s.limitOffset === undefined ? undefined : countValue(ctx, s.limitOffset, 'OFFSET');

    // ── correlation (this SELECT is a subquery of the query whose scope is `outer`) ──
    const extraGroups: Expr[] = [];
    let pulled: { inner: Expr[]; conditions: Expr[]; partition?: Expr[]; deferred?: (Expr | undefined)[] } | undefined;
    let deferred: (Expr | undefined)[] = [];
    if (this.correlation !== undefined) {
      const anyOuter = (e: Expr) => someExpr(e, isOuter);
      // LATERAL: outer columns in the select list of a plain subquery are computed after the join.
      const lateralItems = this.correlation.mode === 'lateral' && this.aggregates.length === 0 && groupClause.length === 0 && this.windows.length === 0 && !distinct;
      if (lateralItems) deferred = exprs.map((e) => (anyOuter(e) ? e : undefined));
      if ([...(lateralItems ? [] : exprs), ...keys.map((k) => k.expr), ...(having === undefined ? [] : [having]), ...group.exprs].some(anyOuter) || this.aggregates.some((a) => a.args.some(anyOuter) || (a.filter !== undefined && anyOuter(a.filter)) || (a.orderBy ?? []).some((k) => anyOuter(k.expr)))) {
        throw perValueError('a correlated reference outside the subquery\'s WHERE clause');
      }
      const needed = deferred.some((d) => d !== undefined);
      // An aggregate correlated by more than equalities: joined per outer row (aggregatePerRow).
      const single = this.correlation.mode === 'scalar' && this.aggregates.length > 0 && groupClause.length === 0 && having === undefined && this.groupings.length === 0
        && this.windows.length === 0 && !distinct && onItems.length === 0 && limit === undefined && (offset ?? 0) === 0 && this.srfs.length === 0 && qualify === undefined
        && exprs.length === 1 && !someExpr(exprs[0], (e) => e.kind === 'Placeholder' && e.slot === 'subquery');
      if (single && correlated.length > 0 && equalityInnerSides(correlated.flatMap(splitAnd)) === undefined) {
        const value = this.toAggregateSpace(exprs[0], [], undefined);
        const conditions = correlated.flatMap(splitAnd);
        return { plan, names, conditions, aggregateJoin: { aggregates: [...this.aggregates], value } };
      }
      // `ORDER BY … LIMIT n` per outer row over a non-equality correlation: joined per row (topNPerRow).
      const mode = this.correlation.mode;
      const topN = (mode === 'lateral' || (mode === 'scalar' && limit === 1)) && limit !== undefined && this.aggregates.length === 0 && groupClause.length === 0 && having === undefined
        && this.windows.length === 0 && !distinct && onItems.length === 0 && this.srfs.length === 0 && qualify === undefined
        && ![...exprs, ...keys.map((k) => k.expr)].some((e) => someExpr(e, (x) => x.kind === 'Placeholder' && x.slot !== 'outer'));
      if (topN && correlated.length > 0 && equalityInnerSides(correlated.flatMap(splitAnd)) === undefined) {
        return { plan, names, conditions: correlated.flatMap(splitAnd), topNJoin: { keys, limit, offset: offset ?? 0, exprs } };
      }
      if (correlated.length > 0 || needed) pulled = this.pullCorrelation(correlated, group.exprs.length > 0 || groupClause.length > 0, extraGroups, limit !== undefined || (offset ?? 0) > 0 || distinct, limit !== undefined && !distinct, needed ? deferred : []);
    } else if (correlated.length > 0) {
      throw SqlError.internal('outer reference without correlation');
    }

    // ── aggregation ──
    const isAggregate = this.aggregates.length > 0 || groupClause.length > 0 || having !== undefined || this.groupings.length > 0;
    let srfColumn: Expr | undefined;
    // Several calls run in lock step (PostgreSQL 10+): their lists zipped, the shorter padded with NULL.
    const explodeSrfs = (lists: readonly Expr[]): void => {
      const zipped: Expr = lists.length === 1 ? (lists[0] as Expr) : {
        kind: 'Call', name: 'zip_lists', args: [...lists],
        type: new arrow.List(new arrow.Field('item', new arrow.Struct(lists.map((l, k) => new arrow.Field(`f${k}`, (l.type as arrow.List).children[0].type, true))), true)),
      };
      plan = Explode.create(plan, zipped, '__srf');
      const index = plan.schema.fields.length - 1;
      srfColumn = { kind: 'ColumnRef', index, name: '__srf', type: plan.schema.fields[index].type };
    };
    // Beside aggregates or windows, as in PostgreSQL, they expand the rows those give (below).
    const srfsAfterWindows = this.srfs.length > 0 && (isAggregate || this.windows.length > 0);
    if (this.srfs.length > 0 && !srfsAfterWindows) explodeSrfs(this.srfs.map((x) => x.list));
    const srfCount = this.srfs.length;
    const resolveSrf = (e: Expr): Expr => (srfColumn === undefined ? e : transformExpr(e, (x) => {
      if (x.kind !== 'Placeholder' || x.slot !== 'srf') return x;
      const column = srfColumn as Expr;
      return srfCount === 1 ? column : { kind: 'FieldAccess', input: column, fieldIndex: x.id, field: `f${x.id}`, type: x.type };
    }));
    let toOutput: (e: Expr) => Expr = (e) => e;
    if (isAggregate) {
      // Subqueries in aggregate arguments, FILTER (WHERE …) and ORDER BY are computed per input row, below the aggregate.
      const isSubquery = (x: Expr) => x.kind === 'Placeholder' && x.slot === 'subquery';
      const inputs = this.aggregates.flatMap((a) => [...a.args, ...(a.filter === undefined ? [] : [a.filter]), ...(a.orderBy ?? []).map((k) => k.expr)]).filter((e) => someExpr(e, isSubquery));
      if (inputs.length > 0) {
        plan = this.attachSubqueries(plan, inputs, true);
        this.aggregates.forEach((a, i) => {
          this.aggregates[i] = {
            ...a,
            args: a.args.map((e) => this.resolveSubqueries(e)),
            ...(a.filter === undefined ? {} : { filter: this.resolveSubqueries(a.filter) }),
            ...(a.orderBy === undefined ? {} : { orderBy: a.orderBy.map((k) => ({ ...k, expr: this.resolveSubqueries(k.expr) })) }),
          };
        });
      }
      const groupExprs = [...group.exprs, ...extraGroups];
      const groupNames = groupExprs.map((e, i) => (e.kind === 'ColumnRef' ? e.name : `group${i + 1}`));
      plan = Aggregate.create(plan, groupExprs, groupNames, this.aggregates, group.sets);
      toOutput = (e) => this.toAggregateSpace(e, groupExprs, group.sets);
      if (having !== undefined) {
        const h = toOutput(having);
        plan = this.attachSubqueries(plan, [h], false, toOutput);
        plan = Filter.create(plan, this.resolveSubqueries(h));
      }
    }

    // ── windows ──
    // A deferred item is a NULL placeholder here; the lateral join computes it.
    let finalExprs = exprs.map((e, i) => (deferred[i] === undefined ? e : ({ kind: 'Literal', value: null, type: e.type } as Expr))).map(toOutput).map(resolveSrf);
    keys = keys.map((k) => ({ ...k, expr: resolveSrf(toOutput(k.expr)) }));
    if (this.windows.length > 0) plan = this.placeWindows(plan, toOutput);
    const resolveWindows = (e: Expr): Expr => transformExpr(e, (x) => (x.kind === 'Placeholder' && x.slot === 'window' ? this.windowColumns.get(x.id) ?? x : x));
    finalExprs = finalExprs.map(resolveWindows);
    keys = keys.map((k) => ({ ...k, expr: resolveWindows(k.expr) }));
    if (srfsAfterWindows) {
      // `SELECT ticker, unnest(array_agg(close))`: each group's (or window row's) arrays expanded.
      explodeSrfs(this.srfs.map((x) => resolveWindows(toOutput(x.list))));
      finalExprs = finalExprs.map(resolveSrf);
      keys = keys.map((k) => ({ ...k, expr: resolveSrf(k.expr) }));
    }
    if (qualify !== undefined) {
      const q = resolveWindows(resolveSrf(toOutput(qualify)));
      plan = this.attachSubqueries(plan, [q], !isAggregate, (e) => resolveWindows(resolveSrf(toOutput(e))));
      plan = Filter.create(plan, this.resolveSubqueries(q));
    }

    // ── scalar subqueries of the select list and ORDER BY ──
    plan = this.attachSubqueries(plan, [...finalExprs, ...keys.map((k) => k.expr)], !isAggregate, (e) => resolveWindows(resolveSrf(toOutput(e))));
    finalExprs = finalExprs.map((e) => this.resolveSubqueries(e));
    keys = keys.map((k) => ({ ...k, expr: this.resolveSubqueries(k.expr) }));
    distinctOn = distinctOn.map((e) => this.resolveSubqueries(resolveWindows(resolveSrf(toOutput(e)))));

    // ── correlation outputs: extra columns after the select list ──
    const extraNames: string[] = [];
    if (pulled !== undefined) {
      const extra = isAggregate ? extraGroups.map((_, j) => ({ kind: 'ColumnRef', index: group.exprs.length + j, name: `__corr${j}`, type: extraGroups[j].type }) as Expr) : pulled.inner;
      extra.forEach((e, j) => {
        finalExprs.push(e);
        extraNames.push(`__corr${j}`);
      });
    }

    if (distinct) {
      // Project, then an Aggregate over every output column; ORDER BY must name outputs.
      const project = Project.create(plan, finalExprs, [...names, ...extraNames]);
      const outputs = finalExprs.map<Expr>((e, i) => ({ kind: 'ColumnRef', index: i, name: [...names, ...extraNames][i], type: e.type }));
      plan = Aggregate.create(project, outputs, [...names, ...extraNames], []);
      const byKey = new Map(finalExprs.map((e, i) => [exprKey(e), i]));
      const sortKeys = keys.map((k, i) => {
        const index = byKey.get(exprKey(k.expr));
        if (index === undefined) {
          throw new SqlError('42P10', 'for SELECT DISTINCT, ORDER BY expressions must appear in select list', { position: ctx.position(startOf(sortClause[i].SortBy.node)) });
        }
        return { ...k, expr: outputs[index] };
      });
      if (sortKeys.length > 0) plan = Sort.create(plan, sortKeys);
      if (limit !== undefined || (offset !== undefined && offset > 0)) plan = Limit.create(plan, limit, offset ?? 0);
    } else if (pulled?.partition !== undefined) {
      // Per outer row: number each correlation partition's rows in ORDER BY order, keep (offset, offset + limit].
      const width = plan.schema.fields.length;
      plan = Window.create(plan, pulled.partition, keys, [{ name: 'row_number', args: [], type: new arrow.Int64(), outputName: '__rn' }]);
      const rn: Expr = { kind: 'ColumnRef', index: width, name: '__rn', type: new arrow.Int64() };
      const bound = (op: '>' | '<=', n: number): Expr => ({ kind: 'Binary', op, left: rn, right: { kind: 'Literal', value: BigInt(n), type: new arrow.Int64() }, type: BOOL });
      plan = Filter.create(plan, { kind: 'Binary', op: 'AND', left: bound('>', offset ?? 0), right: bound('<=', (offset ?? 0) + (limit ?? 0)), type: BOOL });
      plan = Project.create(plan, finalExprs, [...names, ...extraNames]);
    } else {
      if (distinctOn.length > 0) plan = firstPerGroup(plan, distinctOn, keys);
      if (keys.length > 0) plan = Sort.create(plan, keys);
      if (limit !== undefined || (offset !== undefined && offset > 0)) plan = Limit.create(plan, limit, offset ?? 0);
      plan = Project.create(plan, finalExprs, [...names, ...extraNames]);
    }
    const perRow = pulled !== undefined && this.correlation?.mode === 'scalar' && !isAggregate;
    return { plan, names, ...(pulled === undefined ? {} : { conditions: pulled.conditions }), ...(perRow ? { perRow } : {}), ...(pulled?.deferred === undefined ? {} : { deferred: pulled.deferred }) };
  }

  /**
   * `QUALIFY cond`: filters rows after the window functions, before DISTINCT / ORDER BY / LIMIT
   * (so `QUALIFY dense_rank() OVER (…) = 1` needs no subquery). Window calls, aggregates and
   * subqueries are allowed as in the select list; a bare name that is no column is a select
   * alias (`SELECT …, row_number() OVER w AS rn … QUALIFY rn = 1`), as in Databricks and DuckDB.
   */
  private bindQualify(exprs: readonly Expr[], names: readonly string[]): Expr | undefined {
    const { ctx } = this;
    const first = ((this.s.targetList ?? []) as AnyNode[])[0]?.ResTarget?.location as number | undefined;
    const clause = first === undefined ? undefined : qualifyClauseOf(ctx.prepass, first);
    if (clause === undefined) return undefined;
    const alias = (name: string): Expr | undefined => {
      const k = names.findIndex((x) => x.toLowerCase() === name.toLowerCase());
      return k >= 0 ? exprs[k] : undefined;
    };
    const binder = new ExprBinder(ctx, this.scope, {
      ...this.hooks('QUALIFY', { aggregate: true, window: true, subquery: true }),
      namedGroup: (name) => this.groupCallNamed(name) ?? alias(name),
    });
    return binder.bindCondition(parseQualify(clause, ctx.source), 'QUALIFY');
  }

  // ── hooks ──

  private hooks(clause: string, allow: { aggregate?: boolean; window?: boolean; subquery?: boolean }): BindHooks {
    const aggregate = (call: AnyNode, binder: ExprBinder): Expr => {
      const a = bindAggregateCall(call, binder);
      return this.registerAggregate(a);
    };
    const grouping = (call: AnyNode, binder: ExprBinder): Expr => {
      const argNodes = (call.args ?? []) as Node[];
      const inner = binder.with({ clause });
      const id = this.groupings.length;
      this.groupings.push({ args: argNodes.map((a) => inner.bind(a)), positions: argNodes.map((a) => this.ctx.position(startOf(a))) });
      return { kind: 'Placeholder', slot: 'grouping', id, type: new arrow.Int32(), label: 'grouping(…)' };
    };
    const window = (call: AnyNode, binder: ExprBinder): Expr => {
      const args = binder.with({
        clause,
        aggregate,
        grouping,
        window: (c) => {
          throw new SqlError('42P20', 'window function calls cannot be nested', { position: this.ctx.position(c.location ?? 0) });
        },
        ...(this.correlation === undefined ? {} : { outer: this.outerHook }),
      });
      const pending = bindWindowCall(call, binder, args, this.named);
      const id = this.windows.length;
      this.windows.push(pending);
      return { kind: 'Placeholder', slot: 'window', id, type: pending.call.type, label: windowLabel(pending) };
    };
    return {
      clause,
      ...(allow.aggregate ? { aggregate, grouping } : {}),
      ...(allow.window ? { window } : {}),
      ...(allow.subquery ? { subquery: (link: AnyNode, binder: ExprBinder) => this.scalarSubquery(link, binder) } : {}),
      ...(this.correlation === undefined ? {} : { outer: this.outerHook }),
    };
  }

  /**
   * `unnest(arr)`, `generate_series(a, b [, step])` (integers), `_pg_expandarray(arr)` in the
   * select list: one row per element. Different calls run in lock step, as in PostgreSQL 10+:
   * as many rows as the longest, the others NULL past their end; the same call twice is one.
   */
  private setReturning(name: string, args: readonly Expr[], position: number | undefined): Expr {
    const expanded = name === 'generate_series' ? seriesCall(args, position) : expandCall(name, args, position);
    const key = exprKey(expanded);
    let id = this.srfs.findIndex((x) => x.key === key);
    if (id < 0) {
      id = this.srfs.length;
      this.srfs.push({ key, list: expanded });
    }
    return { kind: 'Placeholder', slot: 'srf', id, type: (expanded.type as arrow.List).children[0].type, label: setReturningName(name) };
  }

  private readonly outerHook = (column: ScopeColumn, name: string, position?: number): Expr => {
    if (this.correlation?.mode === 'derived') throw perValueError('a derived table or set operation over the enclosing query\'s columns', position);
    this.outerUsed = true;
    const ref: Expr = { kind: 'Placeholder', slot: 'outer', id: column.index, type: column.type, label: name };
    columnOrigins.set(ref, { position, display: column.qualifier === undefined ? column.name : `${column.qualifier}.${column.name}` });
    return ref;
  };

  private registerAggregate(a: AggregateCallExpr): Placeholder {
    const key = aggregateKey(a);
    let id = this.aggregateIds.get(key);
    if (id === undefined) {
      id = this.aggregates.length;
      this.aggregates.push(a);
      this.aggregateIds.set(key, id);
    }
    return { kind: 'Placeholder', slot: 'aggregate', id, type: a.type, label: aggregateLabel(a) };
  }

  // ── GROUP BY ──

  /**
   * GROUP BY items → distinct group expressions and (for ROLLUP / CUBE / GROUPING SETS) the
   * sets as index lists. An integer is a select-list position; a bare name is a FROM column
   * first and a select-list alias otherwise (PostgreSQL's rule; Spark accepts aliases too).
   */
  /** The GROUP BY function call whose automatic name (its function's name) is `name`, bound. */
  private groupCallNamed(name: string): Expr | undefined {
    for (const node of (this.s.groupClause ?? []) as Node[]) {
      const [kind, n] = unwrap(node);
      if (kind !== 'FuncCall') continue;
      const names = (n.funcname ?? []) as AnyNode[];
      const fn: string | undefined = this.ctx.prepass.renamed?.get(n.location ?? -1) ?? names[names.length - 1]?.String?.sval;
      if (fn?.toLowerCase() === name.toLowerCase()) return new ExprBinder(this.ctx, this.scope, this.hooks('GROUP BY', {})).bind(node);
    }
    return undefined;
  }

  private bindGroupBy(items: readonly Node[], exprs: readonly Expr[], names: readonly string[], targets: readonly { node: Node | undefined; location: number }[]): { exprs: Expr[]; sets?: number[][] } {
    const { ctx } = this;
    const groupExprs: Expr[] = [];
    const index = new Map<string, number>();
    const binder = new ExprBinder(ctx, this.scope, this.hooks('GROUP BY', {}));
    const add = (e: Expr): number => {
      const key = exprKey(e);
      let i = index.get(key);
      if (i === undefined) {
        i = groupExprs.length;
        groupExprs.push(e);
        index.set(key, i);
      }
      return i;
    };
    const one = (node: Node): number => {
      const [kind, n] = unwrap(node);
      const position = ctx.position(startOf(node));
      if (kind === 'A_Const' && n.ival !== undefined) {
        const k: number = n.ival.ival ?? 0;
        if (k < 1 || k > exprs.length) throw new SqlError('42P10', `GROUP BY position ${k} is not in select list`, { position });
        if (someExpr(exprs[k - 1], (e) => e.kind === 'Placeholder' && (e.slot === 'aggregate' || e.slot === 'grouping'))) {
          throw new SqlError('42803', 'aggregate functions are not allowed in GROUP BY', { position: ctx.position(targets[k - 1].location) });
        }
        if (someExpr(exprs[k - 1], (e) => e.kind === 'Placeholder' && e.slot === 'window')) {
          throw new SqlError('42P20', 'window functions are not allowed in GROUP BY', { position: ctx.position(targets[k - 1].location) });
        }
        return add(exprs[k - 1]);
      }
      if (kind === 'ColumnRef' && (n.fields ?? []).length === 1 && 'String' in n.fields[0]) {
        const name = String(n.fields[0].String.sval);
        if (this.scope.find(name).length === 0) {
          const k = names.findIndex((x) => x.toLowerCase() === name.toLowerCase());
          if (k >= 0 && !someExpr(exprs[k], (e) => e.kind === 'Placeholder')) return add(exprs[k]);
        }
      }
      return add(binder.bind(node));
    };
    const expand = (node: Node): number[][] => {
      const [kind, n] = unwrap(node);
      if (kind === 'RowExpr') return [((n.args ?? []) as Node[]).map(one)];
      if (kind !== 'GroupingSet') return [[one(node)]];
      const content = (n.content ?? []) as Node[];
      switch (n.kind) {
        case 'GROUPING_SET_EMPTY': return [[]];
        case 'GROUPING_SET_SIMPLE': return [content.flatMap((c) => expand(c).flat())];
        case 'GROUPING_SET_ROLLUP': {
          const parts = content.map((c) => expand(c).flat());
          return Array.from({ length: parts.length + 1 }, (_, k) => parts.slice(0, parts.length - k).flat());
        }
        case 'GROUPING_SET_CUBE': {
          const parts = content.map((c) => expand(c).flat());
          const sets: number[][] = [];
          for (let mask = (1 << parts.length) - 1; mask >= 0; mask--) sets.push(parts.filter((_, i) => mask & (1 << (parts.length - 1 - i))).flat());
          return sets;
        }
        case 'GROUPING_SET_SETS': return content.flatMap(expand);
        default: throw SqlError.unsupportedFeature(`grouping set ${n.kind}`);
      }
    };
    let sets: number[][] = [[]];
    let hasSets = false;
    for (const item of items) {
      if (unwrap(item)[0] === 'GroupingSet') hasSets = true;
      const each = expand(item);
      sets = sets.flatMap((s) => each.map((e) => [...new Set([...s, ...e])].sort((a, b) => a - b)));
    }
    return hasSets ? { exprs: groupExprs, sets } : { exprs: groupExprs };
  }

  /**
   * An expression over the FROM scope → the same over the Aggregate's output: a group
   * expression becomes its column, an aggregate its column, `GROUPING(…)` arithmetic over
   * `__grouping_id`; any other column is PostgreSQL's 42803, at the column's position.
   */
  private toAggregateSpace(e: Expr, groupExprs: readonly Expr[], sets: readonly number[][] | undefined): Expr {
    const index = new Map(groupExprs.map((g, i) => [exprKey(g), i]));
    const g = groupExprs.length;
    const walk = (x: Expr): Expr => {
      if (x.kind === 'Literal') return x;
      const k = index.get(exprKey(x));
      if (k !== undefined) return { kind: 'ColumnRef', index: k, name: x.kind === 'ColumnRef' ? x.name : `group${k + 1}`, type: x.type };
      if (x.kind === 'Placeholder') {
        if (x.slot === 'aggregate') return { kind: 'ColumnRef', index: g + x.id, name: x.label, type: x.type };
        if (x.slot === 'grouping') return this.groupingValue(x.id, index, g, sets);
        return x;
      }
      if (x.kind === 'ColumnRef') {
        const origin = columnOrigins.get(x);
        throw new SqlError('42803', `column "${origin?.display ?? x.name}" must appear in the GROUP BY clause or be used in an aggregate function`, { position: origin?.position });
      }
      return mapChildren(x, walk);
    };
    return walk(e);
  }

  /**
   * `GROUPING(a, b)`: bit k (a first, most significant) is 1 when the row's grouping set does
   * not group by that argument. `__grouping_id` has the same layout over all group columns
   * (Spark's grouping_id), so each argument's bit is `(gid / 2^(G-1-i)) % 2`.
   */
  private groupingValue(id: number, index: ReadonlyMap<string, number>, g: number, sets: readonly number[][] | undefined): Expr {
    const call = this.groupings[id];
    const int = new arrow.Int32();
    const lit = (v: number): Expr => ({ kind: 'Literal', value: v, type: int });
    const positions = call.args.map((a, k) => {
      const i = index.get(exprKey(a));
      if (i === undefined) throw new SqlError('42803', 'arguments to GROUPING must be grouping expressions of the associated query level', { position: call.positions[k] });
      return i;
    });
    if (sets === undefined) return lit(0);
    const gid: Expr = { kind: 'ColumnRef', index: g + this.aggregates.length, name: '__grouping_id', type: int };
    const n = positions.length;
    return positions
      .map<Expr>((i, k) => {
        const bit: Expr = { kind: 'Binary', op: '%', left: { kind: 'Binary', op: '/', left: gid, right: lit(2 ** (g - 1 - i)), type: int }, right: lit(2), type: int };
        return { kind: 'Binary', op: '*', left: bit, right: lit(2 ** (n - 1 - k)), type: int };
      })
      .reduce((a, b) => ({ kind: 'Binary', op: '+', left: a, right: b, type: int }));
  }

  // ── windows ──

  private readonly windowColumns = new Map<number, Expr>();

  /** One Window node per distinct PARTITION BY / ORDER BY, in order of first use; each appends its calls' columns. */
  private placeWindows(input: LogicalPlan, toOutput: (e: Expr) => Expr): LogicalPlan {
    let plan = input;
    const specs = new Map<string, number[]>();
    const rewritten = this.windows.map((w) => ({
      call: { ...w.call, args: w.call.args.map(toOutput) },
      partitionBy: w.partitionBy.map(toOutput),
      orderBy: w.orderBy.map((k) => ({ ...k, expr: toOutput(k.expr) })),
    }));
    rewritten.forEach((w, id) => {
      const key = windowSpecKey(w, exprKey);
      specs.set(key, [...(specs.get(key) ?? []), id]);
    });
    for (const ids of specs.values()) {
      const first = rewritten[ids[0]];
      const width = plan.schema.fields.length;
      plan = Window.create(plan, first.partitionBy, first.orderBy, ids.map((id) => rewritten[id].call));
      ids.forEach((id, k) => this.windowColumns.set(id, { kind: 'ColumnRef', index: width + k, name: rewritten[id].call.outputName, type: rewritten[id].call.type }));
    }
    return plan;
  }

  // ── subqueries ──

  /**
   * A subquery used as a value: `(SELECT max(x) FROM t)`, `ARRAY(SELECT …)`, and the boolean
   * ones, `EXISTS (…)`, `x [NOT] IN (…)`, `x op ANY|ALL (…)` (mark-subquery.ts).
   */
  private scalarSubquery(link: AnyNode, binder: ExprBinder): Expr {
    const position = this.ctx.position(link.location ?? 0);
    const array = link.subLinkType === 'ARRAY_SUBLINK';
    if (link.subLinkType === 'EXISTS_SUBLINK' || link.subLinkType === 'ANY_SUBLINK' || link.subLinkType === 'ALL_SUBLINK') return this.markSubquery(link, binder, position);
    if (link.subLinkType !== 'EXPR_SUBLINK' && !array) throw SqlError.unsupportedFeature(`${String(link.subLinkType)} subqueries`).at(position);
    let q: BoundQuery;
    try {
      q = bindQuery(this.ctx, unwrap(link.subselect)[1], { outer: binder.scope, mode: 'scalar' });
    } catch (err) {
      if (needsPerValue(err)) return this.applySubquery(link, binder, array);
      throw err;
    }
    if (q.names.length !== 1) throw SqlError.syntax('subquery must return only one column', position);
    const id = this.subqueries.length;
    const joinedType = q.aggregateJoin?.value.type ?? q.topNJoin?.exprs[0].type;
    const field = joinedType === undefined ? q.plan.schema.fields[0] : new arrow.Field(q.names[0], joinedType, true);
    if (!array) {
      this.subqueries.push({
        plan: q.plan, conditions: q.conditions ?? [], perRow: q.perRow === true,
        ...(q.aggregateJoin === undefined ? {} : { aggregateJoin: q.aggregateJoin }),
        ...(q.topNJoin === undefined ? {} : { topNJoin: q.topNJoin }),
        ...(q.aggregateJoin === undefined && q.topNJoin === undefined ? {} : { perValue: () => this.perValueScalar(link, binder, false) }),
      });
      return { kind: 'Placeholder', slot: 'subquery', id, type: field.type, label: '(subquery)' };
    }
    // ARRAY(SELECT x …): the rows' values as one array, in the subquery's order ('{}' for none).
    const type = new arrow.List(new arrow.Field('item', field.type, true));
    if ((q.conditions ?? []).length === 0) {
      const collect: AggregateCallExpr = { name: 'collect_list', args: [{ kind: 'ColumnRef', index: 0, name: field.name, type: field.type }], distinct: false, type, outputName: 'array' };
      this.subqueries.push({ plan: Aggregate.create(q.plan, [], [], [collect]), conditions: [], perRow: false });
    } else {
      if (q.perRow !== true) return this.applySubquery(link, binder, array);
      this.subqueries.push({ plan: q.plan, conditions: q.conditions ?? [], perRow: true, array: true });
    }
    return { kind: 'Placeholder', slot: 'subquery', id, type, label: 'array' };
  }

  /** `EXISTS (…)` / `x op ANY|ALL (…)` as a boolean value: bound now, planned by attachSubqueries. */
  private markSubquery(link: AnyNode, binder: ExprBinder, position: number | undefined): Expr {
    const { ctx } = this;
    const exists = link.subLinkType === 'EXISTS_SUBLINK';
    let q: BoundQuery;
    try {
      q = bindQuery(ctx, unwrap(link.subselect)[1], { outer: binder.scope, mode: exists ? 'exists' : 'in' });
    } catch (err) {
      if (needsPerValue(err)) return this.applyMark(link, binder, position);
      throw err;
    }
    let mark: PendingMark = { kind: 'exists' };
    if (!exists) {
      const test = anyTest(link, binder, q, position);
      if (test.left.some((e) => someExpr(e, isOuter))) throw perValueError('an outer column on the left of IN / ANY / ALL (subquery)', position);
      mark = { kind: 'any', ...test, position };
    }
    const id = this.subqueries.length;
    this.subqueries.push({ plan: q.plan, conditions: q.conditions ?? [], perRow: false, mark });
    return { kind: 'Placeholder', slot: 'subquery', id, type: BOOL, label: exists ? 'EXISTS (subquery)' : 'ANY (subquery)' };
  }

  /**
   * A scalar or ARRAY subquery that cannot be joined in — a correlated GROUP BY / DISTINCT /
   * window / `ORDER BY … LIMIT`, an aggregate correlated by more than equalities, a FROM that
   * calls a function over the outer row (psql's `\\d+`: `ARRAY(SELECT … FROM unnest(tc.reloptions))`)
   * — runs per distinct value of the outer columns it reads (per-value.ts, Apply): 0 rows give
   * NULL ('{}' for ARRAY), more than one is `21000`.
   */
  private applySubquery(link: AnyNode, binder: ExprBinder, array: boolean): Expr {
    const pending = this.perValueScalar(link, binder, array);
    const id = this.subqueries.length;
    this.subqueries.push(pending);
    return { kind: 'Placeholder', slot: 'subquery', id, type: pending.apply?.type ?? new arrow.Null(), label: array ? 'array' : '(subquery)' };
  }

  private perValueScalar(link: AnyNode, binder: ExprBinder, array: boolean): PendingSubquery {
    const { ctx } = this;
    const position = ctx.position(link.location ?? 0);
    const select = unwrap(link.subselect)[1];
    const pv = bindPerValue(ctx, binder.scope, (outer) => bindQuery(ctx, select, { outer, mode: 'derived' }));
    if (pv.probe.names.length !== 1) throw SqlError.syntax('subquery must return only one column', position);
    const field = pv.probe.plan.schema.fields[0];
    const type = array ? new arrow.List(new arrow.Field('item', field.type, true)) : field.type;
    const evaluate: Apply['evaluate'] = async (values, signal) => {
      const q = pv.rebind(values);
      if (array) {
        const collect: AggregateCallExpr = { name: 'collect_list', args: [{ kind: 'ColumnRef', index: 0, name: field.name, type: field.type }], distinct: false, type, outputName: 'array' };
        return runPlan(Aggregate.create(q.plan, [], [], [collect]), signal);
      }
      const rows = await runPlan(Limit.create(q.plan, 2, 0), signal);
      if (rows.length > 1) throw new SqlError('21000', 'more than one row returned by a subquery used as an expression');
      return rows.length === 1 ? rows : oneValue(type, null);
    };
    return { plan: pv.probe.plan, conditions: [], perRow: false, apply: { columns: pv.columns, evaluate, type } };
  }

  /**
   * `EXISTS (…)` / `x op ANY|ALL (…)` that cannot be joined in, run per distinct value of the
   * outer columns it and `x` read (per-value.ts): each run plans the uncorrelated test of
   * mark-subquery.ts over one row, so NULLs count exactly as in the joined form.
   */
  private applyMark(link: AnyNode, binder: ExprBinder, position: number | undefined): Expr {
    const { ctx } = this;
    const exists = link.subLinkType === 'EXISTS_SUBLINK';
    const select = unwrap(link.subselect)[1];
    const pv = bindPerValue(ctx, binder.scope, (outer) => {
      const q = bindQuery(ctx, select, { outer, mode: 'derived' });
      if (exists) return { q, test: undefined };
      return { q, test: anyTest(link, new ExprBinder(ctx, Scope.empty.withParent(outer), { clause: binder.hooks.clause ?? 'WHERE' }), q, position) };
    });
    const evaluate: Apply['evaluate'] = async (values, signal) => {
      const { q, test } = pv.rebind(values);
      if (test === undefined) return oneValue(BOOL, (await runPlan(Limit.create(q.plan, 1, 0), signal)).length > 0);
      const mark: MarkTest = { kind: 'any', op: test.op, negated: test.negated, width: test.left.length, compare: (right) => compareRow(test.op, test.left, right) };
      return runPlan(markSubquery(Values.oneRow(), q.plan, [], mark), signal);
    };
    const id = this.subqueries.length;
    this.subqueries.push({ plan: pv.probe.q.plan, conditions: [], perRow: false, apply: { columns: pv.columns, evaluate, type: BOOL } });
    return { kind: 'Placeholder', slot: 'subquery', id, type: BOOL, label: exists ? 'EXISTS (subquery)' : 'ANY (subquery)' };
  }

  /**
   * Joins in every scalar subquery `exprs` use that is not joined yet: an uncorrelated one as
   * a cross join with its single row (AssertSingleRow), a correlated one as a left join on
   * its correlation keys. `fromSpace`: the plan's first columns are still the FROM columns
   * (correlation keys refer to them).
   */
  private attachSubqueries(input: LogicalPlan, exprs: readonly Expr[], fromSpace: boolean, toSpace: (e: Expr) => Expr = (e) => e): LogicalPlan {
    let plan = input;
    const ids = new Set<number>();
    for (const e of exprs) transformExpr(e, (x) => {
      if (x.kind === 'Placeholder' && x.slot === 'subquery' && !this.subqueryColumns.has(x.id)) ids.add(x.id);
      return x;
    });
    // Over an aggregate's output (HAVING, a grouped select list), a correlated subquery's outer
    // columns must be grouped ones: its correlation is rewritten onto the group columns.
    const grouped = (c: number, ref?: Expr): number => {
      const f = this.scope.columns.find((x) => x.index === c);
      const origin = ref === undefined ? undefined : columnOrigins.get(ref);
      let at: Expr | undefined;
      try {
        at = toSpace({ kind: 'ColumnRef', index: c, name: f?.name ?? `#${c}`, type: f?.type ?? new arrow.Null() });
      } catch {
        at = undefined;
      }
      if (at?.kind !== 'ColumnRef') {
        throw new SqlError('42803', `subquery uses ungrouped column "${origin?.display ?? `${f?.qualifier === undefined ? '' : `${f.qualifier}.`}${f?.name ?? c}`}" from outer query`, { position: origin?.position });
      }
      return at.index;
    };
    const onOutput = (e: Expr): Expr => (fromSpace ? e : transformExpr(e, (x) => (isOuter(x) && x.kind === 'Placeholder' ? { ...x, id: grouped(x.id, x) } : x)));
    for (const id of [...ids].sort((a, b) => a - b)) {
      const stored = this.subqueries[id];
      const sub: PendingSubquery = fromSpace || stored.conditions.length === 0 ? stored : { ...stored, conditions: stored.conditions.map(onOutput) };
      const width = plan.schema.fields.length;
      const field = sub.plan.schema.fields[0];
      if (sub.mark !== undefined) {
        const m = sub.mark;
        const test: MarkTest = m.kind === 'exists' ? m : { kind: 'any', op: m.op, negated: m.negated, width: m.left.length, compare: (right) => compareRow(m.op, m.left.map(toSpace), right) };
        plan = markSubquery(plan, sub.plan, sub.conditions, test);
        this.subqueryColumns.set(id, { kind: 'ColumnRef', index: width, name: '__value', type: BOOL });
        continue;
      } else if (sub.aggregateJoin !== undefined) {
        plan = aggregatePerRow(plan, sub.plan, sub.conditions, sub.aggregateJoin);
      } else if (sub.topNJoin !== undefined) {
        plan = topNPerRow(plan, sub.plan, sub.conditions, sub.topNJoin, 'left');
      } else if (sub.apply !== undefined || sub.perValue !== undefined) {
        const apply = sub.apply ?? (sub.perValue?.().apply as NonNullable<PendingSubquery['apply']>);
        const columns = apply.columns.map((c) => (fromSpace ? c : grouped(c)));
        plan = Apply.create(plan, columns, apply.evaluate, [new arrow.Field('__value', apply.type, true)], '(subquery)');
      } else if (sub.conditions.length === 0) {
        plan = Join.create(plan, SingleRow.create(sub.plan), 'inner');
      } else if (sub.perRow) {
        plan = perRowSubquery(plan, sub);
      } else {
        plan = Join.create(plan, sub.plan, 'left', joinCondition(sub.conditions, width));
      }
      const added = plan.schema.fields[width];
      const column: Expr = { kind: 'ColumnRef', index: width, name: added.name, type: added.type };
      // The COUNT bug: an outer row whose key has no inner rows finds no group in the left join,
      // but count over no rows is 0, not NULL.
      const empty = sub.conditions.length === 0 ? undefined : emptyGroupCount(sub.plan);
      this.subqueryColumns.set(id, empty === undefined ? column : { kind: 'Call', name: 'coalesce', args: [column, { kind: 'Literal', type: field.type, value: empty }], type: field.type });
    }
    return plan;
  }

  /** Whether every subquery in `e` is an uncorrelated scalar one (one value, joined in as a column). */
  private joinableHere(e: Expr): boolean {
    return !someExpr(e, (x) => {
      if (!isSubquery(x)) return false;
      const s = this.subqueries[x.id];
      return s === undefined || s.conditions.length > 0 || s.perRow || s.array === true || s.apply !== undefined || s.mark !== undefined || s.aggregateJoin !== undefined || s.topNJoin !== undefined;
    });
  }

  private resolveSubqueries(e: Expr): Expr {
    return transformExpr(e, (x) => (isSubquery(x) ? this.subqueryColumns.get(x.id) ?? x : x));
  }

  /** `EXISTS (…)`, `x IN (…)`, `x = ANY (…)`, possibly under NOT: a conjunct that becomes a semi/anti join. */
  private semiJoinShape(node: Node): { link: AnyNode; negated: boolean } | undefined {
    let [kind, n] = unwrap(node);
    let negated = false;
    while (kind === 'BoolExpr' && n.boolop === 'NOT_EXPR') {
      negated = !negated;
      [kind, n] = unwrap(n.args[0]);
    }
    if (kind !== 'SubLink') return undefined;
    if (n.subLinkType === 'EXISTS_SUBLINK') return { link: n, negated };
    if (n.subLinkType === 'ANY_SUBLINK') {
      const op = ((n.operName ?? []) as AnyNode[]).map((x) => x.String?.sval).pop();
      if (op === undefined || op === '=') return { link: n, negated };
    }
    return undefined;
  }

  /**
   * `[NOT] EXISTS (subquery)` → semi (anti) join on the subquery's correlation conditions;
   * `x [NOT] IN (subquery)` → semi join on `x = column` and them; NOT IN → an anti join that
   * also drops rows whose comparison is NULL (null-aware when uncorrelated).
   */
  private semiJoin(plan: LogicalPlan, link: AnyNode, negated: boolean): LogicalPlan | undefined {
    const { ctx } = this;
    const position = ctx.position(link.location ?? 0);
    const mode = link.subLinkType === 'EXISTS_SUBLINK' ? 'exists' : 'in';
    let q: BoundQuery;
    try {
      q = bindQuery(ctx, unwrap(link.subselect)[1], { outer: this.scope, mode });
    } catch (err) {
      // Not a join: bound as a value instead, which runs it per value (markSubquery).
      if (needsPerValue(err)) return undefined;
      throw err;
    }
    const width = plan.schema.fields.length;
    const conditions = [...(q.conditions ?? [])].map((c) => shiftCondition(c, width));
    let nullAware = false;
    if (mode === 'in') {
      const test = anyTest(link, new ExprBinder(ctx, this.scope, this.hooks('WHERE', {})), q, position);
      if (test.left.some((e) => someExpr(e, isOuter))) return undefined;
      const rights = q.plan.schema.fields.map<Expr>((f, k) => ({ kind: 'ColumnRef', index: width + k, name: f.name, type: f.type }));
      const equal = compareRow('=', test.left, rights);
      // NOT IN drops an outer row when some row of its correlation group compares TRUE or NULL:
      // an anti join on the correlation with `(x = y) IS NOT FALSE` beside it (hashed on the
      // correlation's equalities, so the NULL check is per group). Uncorrelated and single
      // column, the hash join's null-aware anti join does it on x = y alone.
      nullAware = negated && (q.conditions ?? []).length === 0 && test.left.length === 1;
      conditions.unshift(...(negated && !nullAware ? [booleanTest(equal, 'IS_NOT_FALSE')] : splitAnd(equal)));
    }
    if (this.correlation !== undefined && conditions.some((c) => someExpr(c, isOuter))) {
      return undefined; // planned as a value: its left side names this query's own outer row
    }
    const condition = conditions.length === 0 ? ({ kind: 'Literal', value: true, type: BOOL } as Expr) : conditions.reduce((a, b) => ({ kind: 'Binary', op: 'AND', left: a, right: b, type: BOOL }));
    return Join.create(plan, q.plan, negated ? 'anti' : 'semi', condition, nullAware);
  }

  /**
   * This SELECT is a subquery: its WHERE conjuncts that name outer columns leave it. For
   * EXISTS / IN, the FROM columns they read become extra outputs; for a scalar aggregate
   * subquery, each must be `inner = outer` and `inner` becomes an extra GROUP BY key.
   */
  private pullCorrelation(correlated: readonly Expr[], grouped: boolean, extraGroups: Expr[], limited: boolean, topN: boolean, deferred: readonly (Expr | undefined)[] = []): { inner: Expr[]; conditions: Expr[]; partition?: Expr[]; deferred?: (Expr | undefined)[] } {
    const mode = this.correlation?.mode;
    const isAggregate = this.aggregates.length > 0;
    if (mode === 'scalar' && !isAggregate && (grouped || limited || this.windows.length > 0)) {
      throw perValueError('a correlated scalar subquery with GROUP BY, DISTINCT, LIMIT or windows');
    }
    // EXISTS / IN / LATERAL over a GROUP BY correlated by equalities: the correlation's inner sides
    // join the GROUP BY keys (each outer row meets the groups of its own key; no groups, no rows,
    // as over its empty input). Without GROUP BY an aggregate makes one row even from no input,
    // which grouping would lose: those run per value.
    const groupedByKey = mode !== 'scalar' && isAggregate && grouped && !limited && this.windows.length === 0 && equalityInnerSides(correlated.flatMap(splitAnd)) !== undefined;
    if ((mode === 'scalar' && isAggregate) || groupedByKey) {
      if (!groupedByKey && (grouped || limited || this.windows.length > 0)) {
        throw perValueError('a correlated scalar subquery that is not a single aggregate');
      }
      const conditions: Expr[] = [];
      for (const p of correlated.flatMap(splitAnd)) {
        const eq = p.kind === 'Binary' && p.op === '=' ? p : undefined;
        const innerOnly = (e: Expr) => !someExpr(e, isOuter) && columnsUsed(e).size > 0;
        const outerOnly = (e: Expr) => someExpr(e, isOuter) && columnsUsed(e).size === 0;
        if (eq === undefined || !((innerOnly(eq.left) && outerOnly(eq.right)) || (innerOnly(eq.right) && outerOnly(eq.left)))) {
          throw perValueError('a correlated scalar subquery whose correlation is not `inner = outer` equalities');
        }
        const [inner, outer] = innerOnly(eq.left) ? [eq.left, eq.right] : [eq.right, eq.left];
        extraGroups.push(inner);
        // The key comes out after the select list (a LATERAL subquery may have several columns).
        const index = this.starWidth(((this.s.targetList ?? []) as AnyNode[]).length) + extraGroups.length - 1;
        conditions.push({ kind: 'Binary', op: '=', left: outer, right: { kind: 'ColumnRef', index, name: `__corr${extraGroups.length - 1}`, type: inner.type }, type: BOOL });
      }
      return { inner: [], conditions };
    }
    // `ORDER BY … LIMIT n` per outer row (LATERAL's top-N idiom): with `inner = outer` equalities
    // only, the first n rows of each partition by the inner keys.
    const partition = topN && !isAggregate && this.windows.length === 0 ? equalityInnerSides(correlated.flatMap(splitAnd)) : undefined;
    // DISTINCT alone over an equality correlation: distinct over the items and the correlation's
    // inner sides (appended as outputs) is distinct per outer key.
    // (Inner sides that are plain columns: those are what the outputs carry.)
    const distinctByKey = this.s.distinctClause !== undefined && this.s.limitCount === undefined && this.s.limitOffset === undefined
      && (equalityInnerSides(correlated.flatMap(splitAnd))?.every((e) => e.kind === 'ColumnRef') ?? false);
    // Window calls over an equality correlation: partitioned by its inner sides too, each outer
    // row's rows are numbered and framed apart from other keys' (as a per-row run would).
    const keys = equalityInnerSides(correlated.flatMap(splitAnd));
    const windowsByKey = this.windows.length > 0 && !isAggregate && !limited && keys !== undefined;
    if (windowsByKey) this.windows.forEach((w, i) => (this.windows[i] = { ...w, partitionBy: [...keys, ...w.partitionBy] }));
    if (isAggregate || (limited && partition === undefined && !distinctByKey) || (this.windows.length > 0 && !windowsByKey)) {
      throw perValueError('a correlated EXISTS / IN / LATERAL subquery with aggregates, DISTINCT, LIMIT (unless correlated by equalities only) or windows');
    }
    const selectWidth = ((this.s.targetList ?? []) as AnyNode[]).length;
    const used = new Set<number>();
    for (const p of correlated) columnsUsed(p, used);
    for (const d of deferred) if (d !== undefined) columnsUsed(d, used);
    const columns = [...used].sort((a, b) => a - b);
    const inner = columns.map<Expr>((i) => {
      const c = this.scope.columns.find((x) => x.index === i);
      return { kind: 'ColumnRef', index: i, name: c?.name ?? `c${i}`, type: c?.type ?? new arrow.Null() };
    });
    const position = new Map(columns.map((c, j) => [c, j]));
    const width = this.starWidth(selectWidth);
    const toOutputs = (p: Expr) => transformExpr(p, (x) => (x.kind === 'ColumnRef' ? { ...x, index: width + (position.get(x.index) as number) } : x));
    const conditions = correlated.map(toOutputs);
    const moved = deferred.some((d) => d !== undefined) ? { deferred: deferred.map((d) => (d === undefined ? undefined : toOutputs(d))) } : {};
    return { inner, conditions, ...(partition === undefined ? {} : { partition }), ...moved };
  }

  /** The select list's width after `*` expansion (the correlation columns come after it). */
  private starWidth(items: number): number {
    let width = 0;
    for (const item of ((this.s.targetList ?? []) as AnyNode[]).slice(0, items)) {
      const star = starQualifier(item.ResTarget.val);
      width += star === undefined ? 1 : this.scope.star(star === '' ? undefined : star).length;
    }
    return width;
  }
}

function isOuter(e: Expr): boolean {
  return e.kind === 'Placeholder' && e.slot === 'outer';
}

function splitAnd(e: Expr): Expr[] {
  return e.kind === 'Binary' && e.op === 'AND' ? [...splitAnd(e.left), ...splitAnd(e.right)] : [e];
}

/** The inner sides of `inner = outer` conjuncts, or undefined when some conjunct is not one. */
function equalityInnerSides(conjuncts: readonly Expr[]): Expr[] | undefined {
  const innerOnly = (e: Expr) => !someExpr(e, isOuter) && columnsUsed(e).size > 0;
  const outerOnly = (e: Expr) => someExpr(e, isOuter) && columnsUsed(e).size === 0;
  const out: Expr[] = [];
  for (const p of conjuncts) {
    if (p.kind !== 'Binary' || p.op !== '=') return undefined;
    if (innerOnly(p.left) && outerOnly(p.right)) out.push(p.left);
    else if (innerOnly(p.right) && outerOnly(p.left)) out.push(p.right);
    else return undefined;
  }
  return out;
}

/** The AND-ed parts of a WHERE clause, as written. */
function conjuncts(node: Node): Node[] {
  const [kind, n] = unwrap(node);
  if (kind === 'BoolExpr' && n.boolop === 'AND_EXPR') return ((n.args ?? []) as Node[]).flatMap(conjuncts);
  return [node];
}

function refuseUnsupported(ctx: BindContext, s: AnyNode): void {
  const refuse = (feature: string, node?: Node): never => {
    throw SqlError.unsupportedFeature(feature).at(node === undefined ? undefined : ctx.position(startOf(node)));
  };
  if (s.intoClause !== undefined) refuse('SELECT INTO');
  if (s.lockingClause !== undefined) refuse('FOR UPDATE/SHARE');
  if (s.limitOption === 'LIMIT_OPTION_WITH_TIES') refuse('FETCH … WITH TIES');
}

const GENERATORS = new Set(['explode', 'explode_outer', 'posexplode', 'posexplode_outer']);

/** A select item that is a bare call of one of Spark's generators (no OVER). */
function generatorCall(val: Node | undefined): { name: string; call: AnyNode } | undefined {
  if (val === undefined) return undefined;
  const [kind, n] = unwrap(val);
  if (kind !== 'FuncCall' || n.over !== undefined) return undefined;
  const names = ((n.funcname ?? []) as AnyNode[]).map((x) => String(x.String?.sval ?? ''));
  const name = names.length === 1 ? (names[0] as string).toLowerCase() : '';
  return GENERATORS.has(name) ? { name, call: n } : undefined;
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
export function sortKey(ctx: BindContext, binder: ExprBinder, s: AnyNode, exprs: readonly Expr[], names: readonly string[]): SortKey {
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
    if (matches.length > 1 && !matches.every((i) => exprKey(exprs[i]) === exprKey(exprs[matches[0]]))) {
      throw new SqlError('42702', `ORDER BY "${n.fields[0].String.sval}" is ambiguous`, { position });
    }
    if (matches.length > 0) return { expr: exprs[matches[0]], descending, nullsFirst };
  }
  return { expr: binder.bind(node), descending, nullsFirst };
}

/**
 * A LIMIT / OFFSET count: a non-negative integer constant (`LIMIT ALL` / `LIMIT NULL` is no
 * limit). PostgreSQL's errors: `2201W` / `2201X` for negative counts.
 */
export function countValue(ctx: BindContext, node: Node, clause: 'LIMIT' | 'OFFSET'): number | undefined {
  const e = new ExprBinder(ctx, Scope.empty, { clause }).bind(node);
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

/**
 * What a decorrelated scalar subquery answers for a key with no rows, when that is not NULL: its
 * value is a count-like aggregate (`SELECT count(*) … WHERE inner = outer`), which is 0 there.
 */
function emptyGroupCount(plan: LogicalPlan): bigint | undefined {
  if (plan.kind !== 'Project') return undefined;
  const value = plan.exprs[0];
  const aggregate = plan.input;
  if (value?.kind !== 'ColumnRef' || aggregate.kind !== 'Aggregate') return undefined;
  const call = aggregate.aggregates[value.index - aggregate.groupBy.length];
  return call !== undefined && ['count', 'count_star', 'count_if', 'approx_count_distinct'].includes(call.name) ? 0n : undefined;
}

/** An error a per-value run of the subquery avoids (per-value.ts; a function in FROM over the outer row). */
function needsPerValue(err: unknown): boolean {
  return isPerValueError(err) || (err instanceof SqlError && isLateralError(err));
}
