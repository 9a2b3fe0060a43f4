import { SqlError } from '../../common/sql-error.js';
import type { QueryResult, Session } from '../session.js';
import { HttpError } from './errors.js';

/** A `$n` parameter value as JSON carries it. */
export type JsonParam = string | number | boolean | null;

/** Checks the body's `"params"`: absent, or an array of JSON scalars. */
export function parseParams(value: unknown): JsonParam[] {
  if (value === undefined || value === null) return [];
  const ok = (v: unknown) => v === null || ['string', 'number', 'boolean'].includes(typeof v);
  if (!Array.isArray(value) || !value.every(ok)) throw new HttpError(400, '08P01', '"params" must be an array of strings, numbers, booleans or nulls');
  return value as JsonParam[];
}

/**
 * Runs `sql` with its `$n` parameters. `Session.execute` learns `params` on the wire branch
 * (issue #5); until that is merged a request with parameters is refused with `0A000`.
 */
export async function executeWithParams(session: Session, sql: string, params: readonly JsonParam[], signal: AbortSignal): Promise<QueryResult> {
  if (params.length > 0) throw SqlError.unsupportedFeature('query parameters');
  return session.execute(sql, { signal });
}
