/**
 * Named queries a session can see besides the catalog's tables: views are expanded at bind
 * time (Spark's temporary views), never stored in the warehouse.
 *
 * - `CREATE [OR REPLACE] [TEMPORARY] VIEW v AS …`: session-scoped (`temporary`), named `v`.
 * - `CREATE [OR REPLACE] GLOBAL TEMPORARY VIEW v AS …`: process-scoped (`global`), named
 *   `global_temp.v` from every session.
 *
 * A view's text is kept and re-bound at each use, so it sees the tables' newest versions.
 */
export interface ViewDefinition {
  /** The name as the user wrote it. */
  readonly name: string;
  /** The query's SQL text (the AS … part). */
  readonly sql: string;
  /** `CREATE VIEW v (a, b) AS …`: names for the query's columns. */
  readonly columns?: readonly string[];
}

export interface SessionViews {
  /** This session's temporary views, by lower-cased name. */
  readonly temporary: Map<string, ViewDefinition>;
  /** The process's global temporary views (`global_temp.v`), shared by every session. */
  readonly global: Map<string, ViewDefinition>;
}

/** The process-wide registry of global temporary views. */
export const GLOBAL_TEMP_VIEWS = new Map<string, ViewDefinition>();

/** A fresh session's view state (temporary views empty, global ones shared). */
export function newSessionViews(): SessionViews {
  return { temporary: new Map(), global: GLOBAL_TEMP_VIEWS };
}

export const GLOBAL_TEMP_SCHEMA = 'global_temp';
