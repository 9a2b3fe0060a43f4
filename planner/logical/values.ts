import * as arrow from 'apache-arrow';
import type { Expr } from '../expr/expr.js';

/**
 * Constant rows. A SELECT without FROM reads `Values.oneRow()`: one row of zero columns, with
 * a Project above it computing the select list.
 */
export interface Values {
  readonly kind: 'Values';
  readonly rows: readonly (readonly Expr[])[];
  readonly schema: arrow.Schema;
}

export const Values = Object.freeze({
  create(rows: readonly (readonly Expr[])[], names: readonly string[]): Values {
    const first = rows[0] ?? [];
    const schema = new arrow.Schema(names.map((n, i) => new arrow.Field(n, first[i]?.type ?? new arrow.Null(), true)));
    return { kind: 'Values', rows, schema };
  },
  oneRow(): Values {
    return { kind: 'Values', rows: [[]], schema: new arrow.Schema([]) };
  },
  is(node: { kind: string }): node is Values {
    return node.kind === 'Values';
  },
});
