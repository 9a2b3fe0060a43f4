import type { Node } from 'libpg-query';
import { SqlError } from '../../common/sql-error.js';
import { unwrap } from './bind-expr.js';

type AnyNode = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const ORDERING = new Set(['<', '<=', '>', '>=']);
const OPERATOR_HINT = 'No operator matches the given name and argument types. You might need to add explicit type casts.';

/** The items of a row constructor `(a, b)` / `ROW(a, b)`, or undefined for any other node. */
export function rowItems(node: Node | undefined): Node[] | undefined {
  if (node === undefined) return undefined;
  const [kind, n] = unwrap(node);
  return kind === 'RowExpr' ? ((n.args ?? []) as Node[]) : undefined;
}

/**
 * `(a, b) op (c, d)` rewritten, as syntax, into comparisons of the items (PostgreSQL's row
 * comparison, `make_row_comparison_op`), which then bind like any other expression:
 * - `=`: `a = c AND b = d`; `<>`: `a <> c OR b <> d`;
 * - `<`, `<=`, `>`, `>=`: decided by the first pair that is unequal or NULL —
 *   `a < c OR (a = c AND (b < d))` (`b <= d` last for `<=`), which three-valued logic makes
 *   NULL exactly where that first pair has a NULL;
 * - `IS [NOT] DISTINCT FROM`: any pair distinct / every pair not distinct.
 * `42601` when the rows differ in length, at the operator; `42804` for an operator that is not
 * a comparison.
 */
export function rowComparison(op: string, left: readonly Node[], right: readonly Node[], location: number, position: number | undefined): Node {
  if (left.length !== right.length) throw SqlError.syntax('unequal number of entries in row expressions', position);
  const cmp = (o: string, l: Node, r: Node): Node => ({ A_Expr: { kind: 'AEXPR_OP', name: [{ String: { sval: o } }], lexpr: l, rexpr: r, location } }) as Node;
  const bool = (boolop: 'AND_EXPR' | 'OR_EXPR', args: Node[]): Node => (args.length === 1 ? args[0] : ({ BoolExpr: { boolop, args, location } }) as Node);
  if (op === '=') return bool('AND_EXPR', left.map((l, k) => cmp('=', l, right[k])));
  if (op === '<>') return bool('OR_EXPR', left.map((l, k) => cmp('<>', l, right[k])));
  if (op === 'IS DISTINCT FROM' || op === 'IS NOT DISTINCT FROM') {
    const each = left.map((l, k) => ({ A_Expr: { kind: op === 'IS DISTINCT FROM' ? 'AEXPR_DISTINCT' : 'AEXPR_NOT_DISTINCT', name: [{ String: { sval: '=' } }], lexpr: l, rexpr: right[k], location } }) as Node);
    return bool(op === 'IS DISTINCT FROM' ? 'OR_EXPR' : 'AND_EXPR', each);
  }
  if (!ORDERING.has(op)) throw SqlError.datatypeMismatch(`row comparison operator must yield type boolean, not type ${op === '||' ? 'text' : 'integer'}`, position);
  if (left.length === 0) throw SqlError.unsupportedFeature('ordering comparison of empty rows').at(position);
  const strict = op[0];
  const last = left.length - 1;
  let out = cmp(op, left[last], right[last]);
  for (let k = last - 1; k >= 0; k--) out = bool('OR_EXPR', [cmp(strict, left[k], right[k]), bool('AND_EXPR', [cmp('=', left[k], right[k]), out])]);
  return out;
}

/**
 * `(a, b) [NOT] IN ((1, 2), (3, 4))`: each item compared as a row, OR-ed (`NOT IN`: `<>` AND-ed).
 * An item that is not a row is PostgreSQL's `record = <its type>` 42883.
 */
export function rowInList(negated: boolean, left: readonly Node[], items: readonly Node[], location: number, position: number | undefined, typeName: (node: Node) => string): Node {
  const each = items.map((item) => {
    const right = rowItems(item);
    if (right === undefined) throw new SqlError('42883', `operator does not exist: record = ${typeName(item)}`, { position, hint: OPERATOR_HINT });
    return rowComparison(negated ? '<>' : '=', left, right, location, position);
  });
  return each.length === 1 ? each[0] : ({ BoolExpr: { boolop: negated ? 'AND_EXPR' : 'OR_EXPR', args: each, location } } as AnyNode as Node);
}

/**
 * `(a, b) op (SELECT x, y …)` (PostgreSQL's ROWCOMPARE sublink): the subquery's columns as
 * `width` scalar subqueries over it, `(SELECT __row.c1 FROM (<subquery>) AS __row(c1, c2))`, each
 * NULL for no row and `21000` for several, to compare item by item like a row constructor.
 */
export function rowSubqueryItems(link: AnyNode, width: number): Node[] {
  const location: number = link.location ?? 0;
  const names = Array.from({ length: width }, (_, k) => `c${k + 1}`);
  return names.map((name) => ({
    SubLink: {
      subLinkType: 'EXPR_SUBLINK',
      location,
      subselect: {
        SelectStmt: {
          targetList: [{ ResTarget: { val: { ColumnRef: { fields: [{ String: { sval: '__row' } }, { String: { sval: name } }], location } }, location } }],
          fromClause: [{ RangeSubselect: { subquery: link.subselect, alias: { aliasname: '__row', colnames: names.map((sval) => ({ String: { sval } })) } } }],
          limitOption: 'LIMIT_OPTION_DEFAULT',
          op: 'SETOP_NONE',
        },
      },
    },
  }) as AnyNode as Node);
}
