import * as arrow from 'apache-arrow';
import type { Expr } from '../expr/expr.js';
import type { LogicalPlan } from './plan.js';

/**
 * A set-returning function in a select list (`SELECT unnest(arr) FROM t`,
 * `information_schema._pg_expandarray(i.indkey)`): every input row repeated once per element of
 * `expr` (an array over the input's columns), the element appended as the last column. Rows
 * whose array is NULL or empty vanish, as in PostgreSQL — or, with `outer` (Spark's
 * `LATERAL VIEW OUTER`, `LEFT JOIN LATERAL unnest(…) ON true`), stay once with a NULL element.
 */
export interface Explode {
  readonly kind: 'Explode';
  readonly input: LogicalPlan;
  readonly expr: Expr;
  readonly outputName: string;
  readonly outer?: boolean;
  readonly schema: arrow.Schema;
}

export const Explode = Object.freeze({
  create(input: LogicalPlan, expr: Expr, outputName: string, outer = false): Explode {
    const element = (expr.type as arrow.List).children[0].type;
    return { kind: 'Explode', input, expr, outputName, ...(outer ? { outer } : {}), schema: new arrow.Schema([...input.schema.fields, new arrow.Field(outputName, element, true)]) };
  },
  is(node: { kind: string }): node is Explode {
    return node.kind === 'Explode';
  },
});
