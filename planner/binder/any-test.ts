import * as arrow from 'apache-arrow';
import type { Node } from 'libpg-query';
import { SqlError } from '../../common/sql-error.js';
import type { CompareOp } from '../../executor/kernels/compare.js';
import type { Expr } from '../expr/expr.js';
import { coerce, commonType } from '../types/coerce.js';
import { operatorError, type ExprBinder } from './bind-expr.js';
import type { BoundQuery } from './bind-query.js';
import { NEGATED_OP } from './mark-subquery.js';
import { rowItems } from './row-compare.js';

type AnyNode = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const BOOL = new arrow.Bool();

/**
 * `x op ANY|ALL (subquery)`, `x [NOT] IN (subquery)`, `(a, b) [NOT] IN (SELECT x, y …)`: the left
 * side bound by `binder` and type-checked against the subquery's columns (so a mismatch is
 * reported at planning time), and the test as mark-subquery.ts plans it (`op ALL` is
 * `NOT (negop ANY)`). A row compares item by item, with `=` / `<>` only.
 */
export function anyTest(link: AnyNode, binder: ExprBinder, q: BoundQuery, position: number | undefined): { op: CompareOp; negated: boolean; left: Expr[] } {
  const opName = ((link.operName ?? []) as AnyNode[]).map((x) => x.String?.sval as string).pop() ?? '=';
  const op = (opName === '!=' ? '<>' : opName) as CompareOp;
  const items = rowItems(link.testexpr);
  if (!(op in NEGATED_OP) || (items !== undefined && op !== '=' && op !== '<>')) throw SqlError.unsupportedFeature(`operator ${opName} with ANY / ALL (subquery)${items === undefined ? '' : ' over a row'}`).at(position);
  const width = items?.length ?? 1;
  if (q.names.length !== width) throw SqlError.syntax(q.names.length > width ? 'subquery has too many columns' : 'subquery has too few columns', position);
  const left = (items ?? [link.testexpr as Node]).map((n) => binder.bind(n));
  const rights = q.plan.schema.fields.map<Expr>((f, k) => ({ kind: 'ColumnRef', index: k, name: f.name, type: f.type }));
  left.forEach((l, k) => {
    if (compareExprs(op, l, rights[k]) === undefined) throw operatorError(op, l, rights[k], position);
  });
  const all = link.subLinkType === 'ALL_SUBLINK';
  return { op: all ? NEGATED_OP[op] : op, negated: all, left };
}

/** `a op x` for one item; for a row, `a = x AND b = y` (`=`) or `a <> x OR b <> y` (`<>`). */
export function compareRow(op: CompareOp, left: readonly Expr[], right: readonly Expr[]): Expr {
  const each = left.map((l, k) => {
    const e = compareExprs(op, l, right[k]);
    if (e === undefined) throw SqlError.internal('an ANY / ALL comparison that type-checked no longer binds');
    return e;
  });
  return each.reduce((a, b) => ({ kind: 'Binary', op: op === '<>' ? 'OR' : 'AND', left: a, right: b, type: BOOL }));
}

/** `left op right` at their common type, as the expression binder types comparisons; undefined when they have none. */
export function compareExprs(op: CompareOp, left: Expr, right: Expr): Expr | undefined {
  const t = commonType(left, right);
  return t === undefined ? undefined : { kind: 'Binary', op, left: coerce(left, t), right: coerce(right, t), type: BOOL };
}
