import type { RunningHttpServer } from '../http/index.js';

/** Helpers for tests that drive the HTTP API over a real socket. */

/** One series of a `/metrics` page (first match), as a number; undefined when absent. */
export async function metric(server: RunningHttpServer, series: string, headers: Record<string, string> = {}): Promise<number | undefined> {
  const text = await (await fetch(`http://127.0.0.1:${server.port}/metrics`, { headers })).text();
  for (const line of text.split('\n')) {
    if (line.startsWith(series + ' ')) return Number(line.slice(series.length + 1));
  }
  return undefined;
}

/** POSTs `sql` to `/v1/query` with an `Accept:` header. */
export function postQuery(server: RunningHttpServer, sql: string, accept?: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`http://127.0.0.1:${server.port}/v1/query`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(accept ? { accept } : {}), ...headers },
    body: JSON.stringify({ sql, ...extra }),
  });
}

/**
 * Reads a body to its end or until the server cuts the connection: the bytes that arrived, and
 * whether the transfer was cut (a chunked body without its terminator).
 */
export async function readUntilCut(response: Response): Promise<{ bytes: Uint8Array; cut: boolean }> {
  const reader = response.body!.getReader();
  const chunks: Uint8Array[] = [];
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return { bytes: Buffer.concat(chunks), cut: false };
      chunks.push(value);
    }
  } catch {
    return { bytes: Buffer.concat(chunks), cut: true };
  }
}

/** Polls `check` every 50 ms until it is true or `ms` passed; returns its last answer. */
export async function eventually(check: () => Promise<boolean>, ms = 5000): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
