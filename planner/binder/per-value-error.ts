import { SqlError } from '../../common/sql-error.js';

const PER_VALUE = new WeakSet<SqlError>();

/**
 * `0A000` for a correlated subquery the binder cannot turn into a join (a correlated GROUP BY,
 * DISTINCT, window or `ORDER BY … LIMIT`, an aggregate correlated by more than equalities, a
 * reference two query levels out…). It is caught where the subquery is bound, which then runs
 * the subquery once per distinct value of the outer columns it reads instead (per-value.ts);
 * it reaches the user only where no enclosing subquery can do that.
 */
export function perValueError(feature: string, position?: number): SqlError {
  const err = SqlError.unsupportedFeature(feature).at(position);
  PER_VALUE.add(err);
  return err;
}

/** Whether `err` is that error. */
export function isPerValueError(err: unknown): boolean {
  return err instanceof SqlError && PER_VALUE.has(err);
}
