import { SqlError } from '../common/sql-error.js';

/** `57014` when the statement's signal has been aborted (client cancel or disconnect). */
export function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new SqlError('57014', 'canceling statement due to user request');
}
