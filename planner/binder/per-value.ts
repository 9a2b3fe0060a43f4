import * as arrow from 'apache-arrow';
import { concat } from '../../executor/arrow/concat.js';
import { dataFromValues, type ScalarValue } from '../../executor/arrow/scalar.js';
import type { Expr } from '../expr/expr.js';
import type { ApplyRows } from '../logical/apply.js';
import type { LogicalPlan } from '../logical/plan.js';
import { lower } from '../lower/index.js';
import { optimize } from '../optimizer/index.js';
import type { BindContext } from './context.js';
import type { Scope } from './scope.js';

export { isPerValueError, perValueError } from './per-value-error.js';

/**
 * A correlated subquery bound for per-value evaluation (the fallback when it cannot become a
 * join): the enclosing query's columns it names are constants, so each binding is an ordinary
 * uncorrelated query. `probe` is bound once at planning time with NULL constants — for its
 * output types and to raise its errors now — and `columns` lists the enclosing columns it read;
 * `rebind(values)` binds it again with those columns' values (Apply runs it once per distinct
 * combination, executor/operators/apply.ts).
 */
export interface PerValue<T> {
  readonly probe: T;
  /** Indices of the enclosing scope's columns the subquery reads, ascending. */
  readonly columns: readonly number[];
  readonly rebind: (values: readonly ScalarValue[]) => T;
}

/**
 * Binds `bind` over `outer` made constant (Scope.asConstants). `bind` must only read the scope
 * it is given: it runs again at execution time, with the WITH frames of now restored.
 */
export function bindPerValue<T>(ctx: BindContext, outer: Scope, bind: (outer: Scope) => T): PerValue<T> {
  const used = new Set<number>();
  const probe = bind(outer.asConstants((c) => {
    used.add(c.index);
    return literal(null, c.type);
  }));
  const columns = [...used].sort((a, b) => a - b);
  const ctes = ctx.ctes;
  const rebind = (values: readonly ScalarValue[]): T => {
    const byIndex = new Map(columns.map((c, k) => [c, values[k] ?? null]));
    const saved = ctx.ctes;
    ctx.ctes = ctes;
    try {
      return bind(outer.asConstants((c) => literal(byIndex.get(c.index) ?? null, c.type)));
    } finally {
      ctx.ctes = saved;
    }
  };
  return { probe, columns, rebind };
}

/** Optimises, lowers and runs a bound plan to the end; its rows as columns. */
export async function runPlan(plan: LogicalPlan, signal: AbortSignal | undefined): Promise<ApplyRows> {
  const op = lower(optimize(plan));
  const parts: arrow.Data[][] = op.schema.fields.map(() => []);
  let length = 0;
  for await (const batch of op.execute(signal === undefined ? {} : { signal })) {
    if (batch.numRows === 0) continue;
    batch.data.children.forEach((d, c) => parts[c].push(d));
    length += batch.numRows;
  }
  const columns = op.schema.fields.map((f, c) => (parts[c].length === 0 ? dataFromValues(f.type, []) : concat(parts[c])));
  return { columns, length };
}

/** One row of one value (what Apply takes from a subquery used as a value). */
export function oneValue(type: arrow.DataType, value: ScalarValue): ApplyRows {
  return { columns: [dataFromValues(type, [value])], length: 1 };
}

function literal(value: ScalarValue, type: arrow.DataType): Expr {
  return { kind: 'Literal', value, type };
}
