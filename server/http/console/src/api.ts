/** The console's view of the HTTP API: `POST /v1/query`, `GET /v1/query` (ETag), `GET /v1/tables`. */

export interface Column {
  readonly name: string;
  /** PostgreSQL type name (`int8`, `text`, `timestamptz`, `numeric`…). */
  readonly type: string;
}

export interface QueryResponse {
  readonly columns: readonly Column[];
  readonly rows: readonly (readonly unknown[])[];
  readonly rowCount: number;
}

export interface TableInfo {
  readonly schema: string;
  readonly name: string;
  readonly version?: number;
  readonly columns?: readonly (Column & { readonly nullable: boolean })[];
  readonly partitionColumns?: readonly string[];
  readonly error?: { readonly code: string; readonly message: string };
}

/** An `{"error":…}` answer (or a failure mid-stream), with its position in the SQL when known. */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly position: number | undefined,
    readonly status: number,
  ) {
    super(message);
  }
}

const TOKEN_KEY = 'deltasql.token';

function headers(extra: Record<string, string> = {}): Record<string, string> {
  const token = localStorage.getItem(TOKEN_KEY);
  return token ? { ...extra, authorization: `Bearer ${token}` } : extra;
}

async function send(url: string, init: RequestInit): Promise<Response> {
  const response = await fetch(url, init);
  if (response.status === 401) {
    // A server started with --http-token: ask once, remember it for this browser.
    const token = prompt('This deltasql server needs its access token (--http-token):');
    if (token) {
      localStorage.setItem(TOKEN_KEY, token);
      return fetch(url, { ...init, headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${token}` } });
    }
  }
  return response;
}

async function failure(response: Response): Promise<ApiError> {
  try {
    const body = (await response.json()) as { error?: { code: string; message: string; position?: number } };
    if (body.error) return new ApiError(body.error.code, body.error.message, body.error.position, response.status);
  } catch {
    // not JSON: fall through
  }
  return new ApiError('08006', `HTTP ${response.status} ${response.statusText}`, undefined, response.status);
}

function checked(body: QueryResponse & { error?: { code: string; message: string; position?: number } }, status: number): QueryResponse & { truncated: boolean } {
  // An error after the rows began arrives inside the document.
  if (body.error) throw new ApiError(body.error.code, body.error.message, body.error.position, status);
  return { ...body, truncated: false };
}

/** Rows the console fetches at most; past them it stops reading, which cancels the statement on the server. */
export const MAX_FETCH_ROWS = 5000;

/**
 * Runs `sql` with `POST /v1/query` and reads the JSON document as it streams: the server writes
 * the header (`{"columns":…,"rows":[`), then one row per line, then `],"rowCount":N}` (with an
 * `"error"` member when the statement failed mid-way; JSON escapes newlines inside strings, so a
 * line is always one row). After `MAX_FETCH_ROWS` rows the console stops reading and aborts the
 * request: `SELECT * FROM` a billion-row table shows its first rows instead of freezing the tab.
 */
export async function runQuery(sql: string): Promise<QueryResponse & { truncated: boolean; etag?: string }> {
  const controller = new AbortController();
  const response = await send('/v1/query', {
    method: 'POST',
    headers: headers({ 'content-type': 'application/json', accept: 'application/json' }),
    body: JSON.stringify({ sql }),
    signal: controller.signal,
  });
  if (!response.ok) throw await failure(response);
  const etag = response.headers.get('etag') ?? undefined;
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let columns: Column[] | undefined;
  const rows: unknown[][] = [];
  let pending = '';
  type End = { rowCount: number; columns?: Column[]; error?: { code: string; message: string; position?: number } };
  const line = (text: string): End | undefined => {
    if (columns === undefined) {
      if (text.endsWith('}')) return JSON.parse(text) as { rowCount: number; columns: Column[] }; // an empty result: one line
      columns = (JSON.parse(text + ']}') as { columns: Column[] }).columns;
    } else if (text.startsWith('[')) {
      rows.push(JSON.parse(text.endsWith(',') ? text.slice(0, -1) : text) as unknown[]);
    } else if (text.startsWith(']')) {
      return JSON.parse('{' + text.slice(2)) as { rowCount: number };
    }
    return undefined;
  };
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    pending += value;
    let newline: number;
    while ((newline = pending.indexOf('\n')) >= 0) {
      const text = pending.slice(0, newline);
      pending = pending.slice(newline + 1);
      const end = line(text);
      if (end) {
        if (end.error) throw new ApiError(end.error.code, end.error.message, end.error.position, response.status);
        return { columns: end.columns ?? columns ?? [], rows, rowCount: end.rowCount, truncated: false, ...(etag ? { etag } : {}) };
      }
      if (rows.length >= MAX_FETCH_ROWS) {
        controller.abort(); // the server sees the client leave and stops the statement
        return { columns: columns ?? [], rows, rowCount: rows.length, truncated: true };
      }
    }
  }
  // A document that ends on one line (`{"columns":[…],"rows":[],"rowCount":0}`) or without a newline.
  if (pending.trim() !== '') return checked(JSON.parse(pending), response.status) as QueryResponse & { truncated: boolean };
  throw new ApiError('08006', 'the server ended the answer early', undefined, response.status);
}

/**
 * Re-runs a read-only query through `GET /v1/query` with the ETag of the last answer: `undefined`
 * when nothing it reads has changed (304), else the new result and its ETag.
 */
export async function refreshQuery(sql: string, etag: string | undefined): Promise<{ result: QueryResponse; etag: string | undefined } | undefined> {
  const extra: Record<string, string> = { accept: 'application/json' };
  if (etag) extra['if-none-match'] = etag;
  const response = await send(`/v1/query?sql=${encodeURIComponent(sql)}`, { headers: headers(extra), cache: 'no-store' });
  if (response.status === 304) return undefined;
  if (!response.ok) throw await failure(response);
  return { result: checked(await response.json(), response.status), etag: response.headers.get('etag') ?? undefined };
}

export async function listTables(): Promise<TableInfo[]> {
  const response = await send('/v1/tables', { headers: headers() });
  if (!response.ok) throw await failure(response);
  return ((await response.json()) as { tables: TableInfo[] }).tables;
}
