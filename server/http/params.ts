import { HttpError } from './errors.js';

/** A `$n` parameter value as JSON carries it. */
export type JsonParam = string | number | boolean | null;

/**
 * Checks the body's `"params"`: absent, or an array of JSON scalars. They bind `$1`, `$2`… as
 * `Session.execute` does for the wire: numbers and booleans as typed literals, strings as
 * untyped text that takes the type of what it meets (`WHERE date = $1` reads `"2024-01-02"` as
 * a date).
 */
export function parseParams(value: unknown): JsonParam[] {
  if (value === undefined || value === null) return [];
  const ok = (v: unknown) => v === null || ['string', 'number', 'boolean'].includes(typeof v);
  if (!Array.isArray(value) || !value.every(ok)) throw new HttpError(400, '08P01', '"params" must be an array of strings, numbers, booleans or nulls');
  return value as JsonParam[];
}
