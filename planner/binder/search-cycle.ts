import type { Node } from 'libpg-query';
import { SqlError } from '../../common/sql-error.js';
import type { BindContext } from './context.js';

type AnyNode = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * WITH RECURSIVE's `SEARCH` and `CYCLE` clauses, rewritten into the CTE's query as PostgreSQL
 * does (rewriteSearchAndCycle.c), so the recursion itself needs nothing new:
 *
 * - `SEARCH DEPTH FIRST BY a, b SET seq`: seq is the path of (a, b) rows from the anchor — the
 *   anchor starts it as `ARRAY[ROW(a, b)]`, each round appends its row — so `ORDER BY seq` lists
 *   the tree depth first (arrays and rows order as PostgreSQL's: element by element);
 * - `SEARCH BREADTH FIRST BY a SET seq`: seq is `ROW(depth, a)`, depth 0 in the anchor;
 * - `CYCLE a, b SET mark [TO v DEFAULT d] USING path`: path lists the rows seen (as the text
 *   PostgreSQL prints for a row, `(1,2)`), mark is v when a round's row is already on its path
 *   (d otherwise; true / false by default), and a marked row is not expanded further.
 *
 * Each round's new columns come from the row of the previous round it was made from: the
 * recursive term is wrapped, and returns that row's seq / mark / path beside its own columns.
 * Rows are structs (`f1`, `f2`…), one BY column is the value itself. PostgreSQL's errors
 * (42601) for columns not in the CTE's list and clashing names; the recursive term must be a
 * plain SELECT (0A000 otherwise).
 */
export function rewriteSearchCycle(ctx: BindContext, query: AnyNode, name: string, columns: readonly string[], search: AnyNode | undefined, cycle: AnyNode | undefined): { query: AnyNode; columns: string[] } {
  const position = (clause: AnyNode) => ctx.position(clause.location ?? 0);
  const lower = columns.map((c) => c.toLowerCase());
  const names = (list: AnyNode[] | undefined) => (list ?? []).map((x) => String(x.String?.sval));
  const by = names(search?.search_col_list);
  const cyc = names(cycle?.cycle_col_list);
  for (const c of by) if (!lower.includes(c.toLowerCase())) throw SqlError.syntax(`search column "${c}" not in WITH query column list`, position(search as AnyNode));
  for (const c of cyc) if (!lower.includes(c.toLowerCase())) throw SqlError.syntax(`cycle column "${c}" not in WITH query column list`, position(cycle as AnyNode));
  const seq: string | undefined = search?.search_seq_column;
  const mark: string | undefined = cycle?.cycle_mark_column;
  const path: string | undefined = cycle?.cycle_path_column;
  if (search !== undefined && lower.includes(String(seq).toLowerCase())) throw SqlError.syntax(`search sequence column name "${seq}" already used in WITH query column list`, position(search));
  if (cycle !== undefined) {
    if (lower.includes(String(mark).toLowerCase())) throw SqlError.syntax(`cycle mark column name "${mark}" already used in WITH query column list`, position(cycle));
    if (lower.includes(String(path).toLowerCase())) throw SqlError.syntax(`cycle path column name "${path}" already used in WITH query column list`, position(cycle));
    if (String(mark).toLowerCase() === String(path).toLowerCase()) throw SqlError.syntax('cycle mark column name and cycle path column name are the same', position(cycle));
  }
  if (search !== undefined && cycle !== undefined) {
    if (String(seq).toLowerCase() === String(mark).toLowerCase()) throw SqlError.syntax('search sequence column name and cycle mark column name are the same', position(search));
    if (String(seq).toLowerCase() === String(path).toLowerCase()) throw SqlError.syntax('search sequence column name and cycle path column name are the same', position(search));
  }
  const recursive = query.rarg as AnyNode;
  if ((recursive.op ?? 'SETOP_NONE') !== 'SETOP_NONE' || recursive.distinctClause !== undefined || recursive.groupClause !== undefined) {
    throw SqlError.unsupportedFeature('SEARCH / CYCLE with a recursive term that is not a plain SELECT').at(position((search ?? cycle) as AnyNode));
  }
  const at = (search ?? cycle)?.location ?? 0;
  const ref = (...fields: string[]): Node => ({ ColumnRef: { fields: fields.map((sval) => ({ String: { sval } })), location: at } }) as Node;
  const str = (sval: string): Node => ({ A_Const: { sval: { sval }, location: at } }) as Node;
  const int = (ival: number): Node => ({ A_Const: { ival: ival === 0 ? {} : { ival }, location: at } }) as Node;
  const op = (o: string, l: Node, r: Node): Node => ({ A_Expr: { kind: 'AEXPR_OP', name: [{ String: { sval: o } }], lexpr: l, rexpr: r, location: at } }) as Node;
  const array = (elements: Node[]): Node => ({ A_ArrayExpr: { elements, location: at } }) as Node;
  const row = (cols: string[], qualifier: string): Node => (cols.length === 1 ? ref(qualifier, cols[0]) : ({ RowExpr: { args: cols.map((c) => ref(qualifier, c)), row_format: 'COERCE_EXPLICIT_CALL', location: at } }) as Node);
  const text = (e: Node): Node => ({ TypeCast: { arg: e, typeName: { names: [{ String: { sval: 'text' } }], typemod: -1, location: at }, location: at } }) as Node;
  // A row as PostgreSQL prints it, `(1,x)`, NULL fields empty: the path's elements.
  const printed = (qualifier: string): Node => {
    const parts = cyc.map((c) => ({ CoalesceExpr: { args: [text(ref(qualifier, c)), str('')], location: at } }) as Node);
    const joined = parts.reduce((a, b) => op('||', op('||', a, str(',')), b));
    return op('||', op('||', str('('), joined), str(')'));
  };
  const target = (val: Node, alias?: string): AnyNode => ({ ResTarget: { val, ...(alias === undefined ? {} : { name: alias }), location: at } });
  const markValue: Node = cycle?.cycle_mark_value ?? ({ A_Const: { boolval: { boolval: true }, location: at } } as Node);
  const markDefault: Node = cycle?.cycle_mark_default ?? ({ A_Const: { boolval: {}, location: at } } as Node);
  const breadth = search?.search_breadth_first === true;

  // ── anchor: its rows, then seq / mark / path started ──
  const a = '__anchor';
  const anchorExtra: AnyNode[] = [];
  if (search !== undefined) anchorExtra.push(target(breadth ? ({ RowExpr: { args: [int(0), ...by.map((c) => ref(a, c))], row_format: 'COERCE_EXPLICIT_CALL', location: at } } as Node) : array([row(by, a)]), seq));
  if (cycle !== undefined) anchorExtra.push(target(markDefault, mark), target(array([printed(a)]), path));
  const anchor = wrap(query.larg as AnyNode, a, columns, anchorExtra, undefined, at);

  // ── recursive term: its rows beside the previous round's seq / mark / path, then the new ones ──
  const self = selfQualifier(recursive, name);
  if (self === undefined) throw SqlError.internal('a recursive term without its self-reference');
  const carried = [...(search === undefined ? [] : [seq as string]), ...(cycle === undefined ? [] : [mark as string, path as string])];
  const inner = { ...recursive, targetList: [...(recursive.targetList as AnyNode[]), ...carried.map((c, k) => target(ref(self, c), `__prev${k}`))] };
  const r = '__round';
  const prev = (c: string) => ref(r, `__prev${carried.indexOf(c)}`);
  const roundExtra: AnyNode[] = [];
  if (search !== undefined) {
    const depth: Node = { A_Indirection: { arg: prev(seq as string), indirection: [{ String: { sval: 'f1' } }] } } as Node;
    roundExtra.push(target(breadth ? ({ RowExpr: { args: [op('+', depth, int(1)), ...by.map((c) => ref(r, c))], row_format: 'COERCE_EXPLICIT_CALL', location: at } } as Node) : op('||', prev(seq as string), array([row(by, r)])), seq));
  }
  let where: Node | undefined;
  if (cycle !== undefined) {
    const seen: Node = { A_Expr: { kind: 'AEXPR_OP_ANY', name: [{ String: { sval: '=' } }], lexpr: printed(r), rexpr: prev(path as string), location: at } } as Node;
    roundExtra.push(target({ CaseExpr: { args: [{ CaseWhen: { expr: seen, result: markValue, location: at } }], defresult: markDefault, location: at } } as Node, mark));
    roundExtra.push(target(op('||', prev(path as string), printed(r)), path));
    // A row that closed a cycle is not expanded (PostgreSQL: WHERE NOT <previous mark>).
    where = { A_Expr: { kind: 'AEXPR_DISTINCT', name: [{ String: { sval: '=' } }], lexpr: prev(mark as string), rexpr: markValue, location: at } } as Node;
  }
  const round = wrap(inner, r, [...columns, ...carried.map((_, k) => `__prev${k}`)], roundExtra, where, at, columns);
  const extended = [...columns, ...(search === undefined ? [] : [seq as string]), ...(cycle === undefined ? [] : [mark as string, path as string])];
  return { query: { ...query, larg: anchor, rarg: round }, columns: extended };
}

/** `SELECT q.c1, …, extra… FROM (<inner>) AS q(names…) [WHERE …]` as a bare SelectStmt body. */
function wrap(inner: AnyNode, alias: string, names: readonly string[], extra: readonly AnyNode[], where: Node | undefined, at: number, keep: readonly string[] = names): AnyNode {
  const ref = (c: string): AnyNode => ({ ResTarget: { val: { ColumnRef: { fields: [{ String: { sval: alias } }, { String: { sval: c } }], location: at } }, name: c, location: at } });
  return {
    targetList: [...keep.map(ref), ...extra],
    fromClause: [{ RangeSubselect: { subquery: { SelectStmt: inner }, alias: { aliasname: alias, colnames: names.map((sval) => ({ String: { sval } })) } } }],
    ...(where === undefined ? {} : { whereClause: where }),
    limitOption: 'LIMIT_OPTION_DEFAULT',
    op: 'SETOP_NONE',
  };
}

/** The name the recursive term's reference to the CTE goes by (its alias, else the CTE's name). */
function selfQualifier(select: AnyNode, name: string): string | undefined {
  const key = name.toLowerCase();
  const visit = (node: unknown): string | undefined => {
    if (Array.isArray(node)) {
      for (const x of node) {
        const found = visit(x);
        if (found !== undefined) return found;
      }
      return undefined;
    }
    if (node === null || typeof node !== 'object') return undefined;
    const obj = node as AnyNode;
    if (obj.RangeVar !== undefined) {
      const rv = obj.RangeVar as AnyNode;
      return rv.schemaname === undefined && String(rv.relname).toLowerCase() === key ? String(rv.alias?.aliasname ?? rv.relname) : undefined;
    }
    if (obj.JoinExpr !== undefined) return visit(obj.JoinExpr.larg) ?? visit(obj.JoinExpr.rarg);
    return undefined;
  };
  return visit(select.fromClause);
}
