import { SqlError } from '../../common/sql-error.js';

/**
 * The window errors a user can cause, worded and coded as PostgreSQL 15 does. They live here
 * rather than in common/sql-error.ts only because that file belongs to another change; move them
 * into the catalogue when convenient.
 */
export const WindowError = Object.freeze({
  /** `42P20` windowing_error: a frame PostgreSQL's parser refuses (`ROWS BETWEEN CURRENT ROW AND 1 PRECEDING`). */
  windowing(message: string): SqlError {
    return new SqlError('42P20', message);
  },
  /** `22004`: `frame starting offset must not be null`. */
  nullOffset(which: 'starting' | 'ending'): SqlError {
    return new SqlError('22004', `frame ${which} offset must not be null`);
  },
  /** `22013`: a negative ROWS/GROUPS offset. */
  negativeOffset(which: 'starting' | 'ending'): SqlError {
    return new SqlError('22013', `frame ${which} offset must not be negative`);
  },
  /** `22013`: a negative (or NaN) RANGE offset. */
  invalidRangeOffset(): SqlError {
    return new SqlError('22013', 'invalid preceding or following size in window function');
  },
  /** `22014`: `ntile(0)`. */
  ntileBuckets(): SqlError {
    return new SqlError('22014', 'argument of ntile must be greater than zero');
  },
  /** `22016`: `nth_value(x, 0)`. */
  nthValue(): SqlError {
    return new SqlError('22016', 'argument of nth_value must be greater than zero');
  },
});
