import { SqlError } from '../../common/sql-error.js';

/**
 * How a `SqlError` becomes an HTTP answer: the status from its SQLSTATE and the body
 * `{"error":{"code","message","position"}}` (PRODUCT.md "HTTP"; `position` is 1-based in the
 * SQL text and absent when the error has none).
 *
 * | SQLSTATE | status | why |
 * |---|---|---|
 * | `42P01` undefined table | 404 | the resource the query names does not exist |
 * | `40001` commit conflict | 409 | retrying may succeed |
 * | `57014` cancelled | 499 | the client went away (nginx's "client closed request") |
 * | `53xxx` insufficient resources | 503 | the server is out of memory or slots, not the query wrong |
 * | `58xxx` I/O error | 503 | the storage is unreachable |
 * | `28xxx` authorization | 401 | |
 * | `XX000` internal bug | 500 | the only 500: a deltasql bug |
 * | `XX001`/`XX002` corrupt table | 422 | the request is fine, the table's files are damaged |
 * | everything else (`42601`, `42703`, `22012`, `0A000`…) | 400 | the user's SQL |
 */
export function httpStatusFor(sqlstate: string): number {
  if (sqlstate === '42P01') return 404;
  if (sqlstate === '40001') return 409;
  if (sqlstate === '57014') return 499;
  if (sqlstate === 'XX000') return 500;
  const klass = sqlstate.slice(0, 2);
  if (klass === 'XX') return 422;
  if (klass === '53' || klass === '58') return 503;
  if (klass === '28') return 401;
  return 400;
}

export interface ErrorBody {
  readonly error: { readonly code: string; readonly message: string; readonly position?: number; readonly detail?: string; readonly hint?: string };
}

/** The JSON error body for any thrown value (non-SqlErrors are internal bugs, `XX000`). */
export function errorBody(err: unknown): ErrorBody {
  const e = SqlError.from(err);
  return {
    error: {
      code: e.sqlstate,
      message: e.message,
      ...(e.position === undefined ? {} : { position: e.position }),
      ...(e.detail === undefined ? {} : { detail: e.detail }),
      ...(e.hint === undefined ? {} : { hint: e.hint }),
    },
  };
}

/** An HTTP-level refusal (bad body, auth, too large) carried as an `{"error":…}` body too. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Response headers the error needs (`WWW-Authenticate` on a 401). */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}
