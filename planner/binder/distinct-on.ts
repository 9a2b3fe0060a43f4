import * as arrow from 'apache-arrow';
import type { Node } from 'libpg-query';
import { SqlError } from '../../common/sql-error.js';
import { exprKey, type Expr } from '../expr/expr.js';
import { Filter } from '../logical/filter.js';
import type { LogicalPlan } from '../logical/plan.js';
import type { SortKey } from '../logical/sort.js';
import { Window } from '../logical/window.js';
import { startOf } from './bind-expr.js';
import type { BindContext } from './context.js';

const BOOL = new arrow.Bool();

/**
 * `SELECT DISTINCT ON (a, b) … ORDER BY a, b, c`: of each (a, b) group, the first row in ORDER BY
 * order — `row_number() OVER (PARTITION BY a, b ORDER BY …) = 1`; the input's columns are kept.
 */
export function firstPerGroup(input: LogicalPlan, on: readonly Expr[], keys: readonly SortKey[]): LogicalPlan {
  const width = input.schema.fields.length;
  const int64 = new arrow.Int64();
  const numbered = Window.create(input, on, keys, [{ name: 'row_number', args: [], type: int64, outputName: '__distinct_on' }]);
  const rn: Expr = { kind: 'ColumnRef', index: width, name: '__distinct_on', type: int64 };
  return Filter.create(numbered, { kind: 'Binary', op: '=', left: rn, right: { kind: 'Literal', value: 1n, type: int64 }, type: BOOL });
}

/**
 * PostgreSQL's rule: the leading ORDER BY items must be DISTINCT ON expressions until all of
 * them appear (`42P10` at the first one missing); a shorter ORDER BY is fine.
 */
export function checkDistinctOn(ctx: BindContext, items: readonly Node[], on: readonly Expr[], order: readonly Expr[]): void {
  const wanted = new Map(on.map((e, i) => [exprKey(e), i]));
  const seen = new Set<string>();
  for (const e of order) {
    if (seen.size === wanted.size) return;
    const key = exprKey(e);
    if (!wanted.has(key)) {
      const missing = on.findIndex((x) => !seen.has(exprKey(x)));
      throw new SqlError('42P10', 'SELECT DISTINCT ON expressions must match initial ORDER BY expressions', { position: ctx.position(startOf(items[missing])) });
    }
    seen.add(key);
  }
}
