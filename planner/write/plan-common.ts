import type * as arrow from 'apache-arrow';
import { SqlError } from '../../common/sql-error.js';
import { isWritableCatalog, type WritableCatalog } from '../../executor/write/catalog.js';
import { BindContext } from '../binder/context.js';
import type { StatementParams } from '../binder/params.js';
import type { Catalog, TableReference } from '../catalog.js';
import type { SessionViews } from '../session.js';
import type { ParsedWrite } from './statements.js';

/** What a write statement did: its row count, a notice (IF [NOT] EXISTS skipped), or result rows (the Delta commands). */
export interface WriteOutcome {
  readonly count?: number;
  /** A tag other than the planned one (CTAS skipped by IF NOT EXISTS answers `CREATE TABLE AS`, as PostgreSQL does). */
  readonly tag?: string;
  readonly notice?: string;
  readonly result?: { readonly schema: arrow.Schema; readonly batches: readonly arrow.RecordBatch[] };
}

/**
 * A planned write: `run` binds against the table's current snapshot, executes and commits,
 * and resolves once the commit is durable. `tag` is the PostgreSQL command tag without its
 * count (`INSERT`, `UPDATE`, `CREATE TABLE`…); `formatTag` adds it.
 */
export interface PlannedWrite {
  readonly kind: 'write';
  readonly tag: string;
  run(signal?: AbortSignal): Promise<WriteOutcome>;
}

/** The CommandComplete tag: `INSERT 0 n`, `UPDATE n`, `DELETE n`, `MERGE n`, `SELECT n` (CTAS, commands with rows); others as they are. */
export function formatTag(tag: string, count: number | undefined): string {
  if (count === undefined) return tag;
  if (tag === 'INSERT') return `INSERT 0 ${count}`;
  if (['UPDATE', 'DELETE', 'MERGE', 'SELECT'].includes(tag)) return `${tag} ${count}`;
  return tag;
}

/** Session state a write reads: views (for queries inside it) and settings (schema auto-merge). */
export interface WriteSession {
  readonly views: SessionViews;
  readonly settings?: Map<string, string>;
  /** The statement's `$n` parameters (the wire's Bind, HTTP's "params"). */
  readonly params?: StatementParams;
}

export const AUTO_MERGE_SETTING = 'spark.databricks.delta.schema.autoMerge.enabled';

/** Whether the session turned on Delta's schema auto-merge (`SET spark.databricks.delta.schema.autoMerge.enabled = true`). */
export function autoMerge(session: WriteSession): boolean {
  const value = session.settings?.get(AUTO_MERGE_SETTING) ?? session.settings?.get(AUTO_MERGE_SETTING.toLowerCase());
  return value !== undefined && ['true', 'on', '1', 'yes'].includes(value.toLowerCase());
}

export function writableCatalog(catalog: Catalog): WritableCatalog {
  if (!isWritableCatalog(catalog)) throw SqlError.unsupportedFeature('writes to this catalog (it is read-only)');
  return catalog;
}

export function displayName(ref: TableReference): string {
  if (ref.kind === 'path') return `delta.\`${ref.path}\``;
  return ref.schema === undefined ? ref.name : `${ref.schema}.${ref.name}`;
}

export function bindContext(parsed: ParsedWrite, catalog: Catalog, session: WriteSession): BindContext {
  const ctx = new BindContext(catalog, parsed.source, parsed.prepass, session.views);
  ctx.settings = session.settings;
  ctx.params = session.params;
  return ctx;
}

/** Runs `work`; an unknown table (`42P01`) it reports points at the table's name. */
export async function withPosition<T>(parsed: ParsedWrite, start: number, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    const e = SqlError.from(err);
    throw e.sqlstate === '42P01' ? e.at(parsed.source.position(start)) : e;
  }
}
