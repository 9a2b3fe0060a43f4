import { SqlError } from '../../common/sql-error.js';
import { aggregateCalls, startOf } from './bind-expr.js';
import type { BindContext } from './context.js';

type AnyNode = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Where a self-reference sits, and PostgreSQL's complaint about it there (parse_cte.c's recursion_errormsgs). */
type Place = 'ok' | 'nonRecursiveTerm' | 'subquery' | 'outerJoin' | 'intersect' | 'except';

const MESSAGES: Record<Exclude<Place, 'ok'>, string> = {
  nonRecursiveTerm: 'must not appear within its non-recursive term',
  subquery: 'must not appear within a subquery',
  outerJoin: 'must not appear within an outer join',
  intersect: 'must not appear within INTERSECT',
  except: 'must not appear within EXCEPT',
};

/**
 * PostgreSQL's checks on a recursive CTE's query, `anchor UNION [ALL] recursive`, before it is
 * bound (parse_cte.c `checkWellFormedRecursion`), with its SQLSTATEs, wording and positions:
 * - not a UNION: `42P19` "does not have the form …", at the CTE's name;
 * - the CTE named in the anchor, or in the recursive term inside a subquery expression, on the
 *   nullable side of an outer join, under INTERSECT ALL / EXCEPT, or more than once: `42P19`
 *   at that reference (a derived table in FROM is fine);
 * - ORDER BY / OFFSET / LIMIT / FOR UPDATE on the union: `0A000`;
 * - an aggregate in the recursive term: `42P19` at the call.
 */
export function checkRecursiveQuery(ctx: BindContext, q: AnyNode, name: string, ctePosition: number | undefined): void {
  const key = name.toLowerCase();
  if (q.op !== 'SETOP_UNION') {
    throw new SqlError('42P19', `recursive query "${name}" does not have the form non-recursive-term UNION [ALL] recursive-term`, { position: ctePosition });
  }
  let count = 0;
  const refuse = (place: Exclude<Place, 'ok'>, location: number): never => {
    throw new SqlError('42P19', `recursive reference to query "${name}" ${MESSAGES[place]}`, { position: ctx.position(location) });
  };
  const walk = (node: unknown, place: Place): void => {
    if (Array.isArray(node)) {
      for (const x of node) walk(x, place);
      return;
    }
    if (node === null || typeof node !== 'object') return;
    const obj = node as AnyNode;
    if (obj.RangeVar !== undefined) {
      const rv = obj.RangeVar as AnyNode;
      if (rv.schemaname !== undefined || String(rv.relname).toLowerCase() !== key) return;
      if (place !== 'ok') refuse(place, rv.location ?? 0);
      if (++count > 1) throw new SqlError('42P19', `recursive reference to query "${name}" must not appear more than once`, { position: ctx.position(rv.location ?? 0) });
      return;
    }
    if (obj.SelectStmt !== undefined) return select(obj.SelectStmt as AnyNode, place);
    // A set operation's branches are bare SelectStmt bodies.
    if (obj.op !== undefined && (obj.targetList !== undefined || obj.larg !== undefined || obj.valuesLists !== undefined)) return select(obj, place);
    if (obj.JoinExpr !== undefined) {
      const j = obj.JoinExpr as AnyNode;
      const type = String(j.jointype ?? 'JOIN_INNER');
      const outer: Place = place === 'ok' ? 'outerJoin' : place;
      walk(j.larg, type === 'JOIN_FULL' || type === 'JOIN_RIGHT' ? outer : place);
      walk(j.rarg, type === 'JOIN_FULL' || type === 'JOIN_LEFT' ? outer : place);
      walk(j.quals, place);
      return;
    }
    if (obj.SubLink !== undefined) {
      const link = obj.SubLink as AnyNode;
      walk(link.subselect, 'subquery');
      walk(link.testexpr, place);
      return;
    }
    for (const k of Object.keys(obj)) walk(obj[k], place);
  };
  const select = (s: AnyNode, place: Place): void => {
    // A nested WITH naming the same CTE hides it (PostgreSQL's innerwiths).
    const ctes = ((s.withClause?.ctes ?? []) as AnyNode[]).map((c) => String(c.CommonTableExpr?.ctename ?? '').toLowerCase());
    if (ctes.includes(key)) return;
    if (s.withClause !== undefined) walk(s.withClause.ctes, 'subquery');
    const rest: AnyNode = { ...s, withClause: undefined };
    if (place !== 'ok' || s.op === undefined || s.op === 'SETOP_NONE' || s.op === 'SETOP_UNION') {
      for (const k of Object.keys(rest)) walk(rest[k], place);
      return;
    }
    const intersect = s.op === 'SETOP_INTERSECT';
    walk(s.larg, s.all === true ? (intersect ? 'intersect' : 'except') : place);
    walk(s.rarg, intersect ? (s.all === true ? 'intersect' : place) : 'except');
    for (const k of ['sortClause', 'limitOffset', 'limitCount', 'lockingClause']) walk(s[k], place);
  };
  walk(q.larg, 'nonRecursiveTerm');
  walk(q.rarg, 'ok');
  if (q.withClause !== undefined) walk(q.withClause.ctes, 'subquery');
  // PostgreSQL 15 refuses these with exactly this SQLSTATE and message (parse_cte.c); deltasql
  // answers what PostgreSQL answers, so a client sees the same refusal (cte/recursive-rules.slt).
  const decoration = (what: string, node: AnyNode | undefined): never => {
    throw new SqlError('0A000', `${what} in a recursive query is not implemented`, { position: node === undefined ? undefined : ctx.position(startOf(node as never)) });
  };
  if (q.sortClause !== undefined) decoration('ORDER BY', (q.sortClause as AnyNode[])[0]?.SortBy?.node);
  if (q.limitOffset !== undefined) decoration('OFFSET', q.limitOffset);
  if (q.limitCount !== undefined) decoration('LIMIT', q.limitCount);
  if (q.lockingClause !== undefined) decoration('FOR UPDATE/SHARE', undefined);
  const aggregate = firstAggregate(q.rarg);
  if (aggregate !== undefined) {
    throw new SqlError('42P19', 'aggregate functions are not allowed in a recursive query\'s recursive term', { position: ctx.position(aggregate.location ?? 0) });
  }
}

/** The first aggregate call of a query's own level (not inside subqueries, not windowed). */
function firstAggregate(node: unknown): AnyNode | undefined {
  if (Array.isArray(node)) {
    for (const x of node) {
      const found = firstAggregate(x);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (node === null || typeof node !== 'object') return undefined;
  const obj = node as AnyNode;
  if (obj.SubLink !== undefined || obj.RangeSubselect !== undefined || obj.WithClause !== undefined) return undefined;
  if (obj.FuncCall !== undefined) {
    const call = obj.FuncCall as AnyNode;
    const names = ((call.funcname ?? []) as AnyNode[]).map((x) => String(x.String?.sval ?? ''));
    if (call.over === undefined && aggregateCalls.isAggregate(names[names.length - 1].toLowerCase(), call)) return call;
  }
  for (const k of Object.keys(obj)) {
    if (k === 'withClause') continue;
    const found = firstAggregate(obj[k]);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * `0A000` "mutual recursion between WITH items is not implemented" (at the first item in the
 * cycle), for WITH RECURSIVE items that reach each other through their references: PostgreSQL
 * 15's own refusal, word for word (checked against it in cte/recursive-rules.slt).
 */
export function checkMutualRecursion(ctx: BindContext, items: readonly { name: string; query: AnyNode; location: number }[]): void {
  const names = new Set(items.map((i) => i.name.toLowerCase()));
  const refs = new Map(items.map((i) => [i.name.toLowerCase(), referenced(i.query, names)]));
  for (const item of items) {
    const start = item.name.toLowerCase();
    // Reachable from start through other items, back to start?
    const seen = new Set<string>();
    const stack = [...(refs.get(start) ?? [])].filter((n) => n !== start);
    while (stack.length > 0) {
      const n = stack.pop() as string;
      if (n === start) throw new SqlError('0A000', 'mutual recursion between WITH items is not implemented', { position: ctx.position(item.location) });
      if (seen.has(n)) continue;
      seen.add(n);
      stack.push(...(refs.get(n) ?? []));
    }
  }
}

function referenced(node: unknown, names: ReadonlySet<string>, out = new Set<string>()): Set<string> {
  if (Array.isArray(node)) {
    for (const x of node) referenced(x, names, out);
    return out;
  }
  if (node === null || typeof node !== 'object') return out;
  const obj = node as AnyNode;
  if (obj.RangeVar !== undefined) {
    const n = String(obj.RangeVar.relname).toLowerCase();
    if (obj.RangeVar.schemaname === undefined && names.has(n)) out.add(n);
    return out;
  }
  for (const k of Object.keys(obj)) referenced(obj[k], names, out);
  return out;
}
