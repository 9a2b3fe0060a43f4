import { createHash } from 'node:crypto';
import type { HttpFormat } from './negotiate.js';
import type { TableRead } from './read-tracking.js';

/**
 * The entity tag of a `GET /v1/query` answer: a hash of the SQL text, the format, and the Delta
 * version (and table id) of every table the statement read. While no table it reads gains a
 * commit, the same request gets the same tag and `If-None-Match` answers 304 without running the
 * statement. A statement whose answer depends on the clock (`now()`) still gets a tag that
 * changes only with the tables: such queries should go through `POST`.
 */
export function queryEtag(sql: string, format: HttpFormat, reads: readonly TableRead[]): string {
  const tables = [...new Set(reads.map((r) => `${r.name}@${r.version}#${r.tableId ?? ''}`))].sort();
  const hash = createHash('sha256').update(JSON.stringify([sql, format, tables])).digest('base64url').slice(0, 27);
  return `"${hash}"`;
}

/** True when an `If-None-Match` header lists `etag` (or is `*`); weak tags compare equal to strong ones. */
export function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch.split(',').some((t) => {
    const tag = t.trim().replace(/^W\//, '');
    return tag === '*' || tag === etag;
  });
}
