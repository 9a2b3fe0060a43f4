import type { RecordBatch, Schema } from 'apache-arrow';

/**
 * How the planner sees tables: only through this interface (DESIGN.md §1). The storage layer's
 * `Warehouse` implements it structurally; tests may implement it over in-memory batches.
 */

/** A table as the user named it: `t`, `public.t`, `default.t`, or ``delta.`/abs/path` ``. */
export type TableReference =
  | { readonly kind: 'named'; readonly schema?: string; readonly name: string }
  | { readonly kind: 'path'; readonly path: string };

/** `VERSION AS OF n` / `TIMESTAMP AS OF '…'` on one table reference. */
export type TimeTravel =
  | { readonly kind: 'version'; readonly version: number }
  /** The instant in milliseconds since the epoch (commit timestamps have millisecond precision). */
  | { readonly kind: 'timestamp'; readonly epochMillis: number };

/**
 * A conjunct the optimiser pushes into a scan: `column <op> literal`, `column IS [NOT] NULL`, or
 * `column IN (literals)`. Values are the ScalarValue forms of executor/arrow/scalar.ts (bigint
 * for int8/decimal-unscaled/timestamp µs, number for dates as days…), typed as the column.
 * The storage layer uses them only to skip whole files (partition values, Delta stats) and row
 * groups; it never drops rows inside a file it reads, so the planner keeps the Filter above.
 */
export type ScanPredicate =
  | { readonly kind: 'compare'; readonly column: string; readonly op: '=' | '<>' | '<' | '<=' | '>' | '>='; readonly value: unknown; readonly orNull?: boolean }
  | { readonly kind: 'isNull'; readonly column: string; readonly negated: boolean }
  | { readonly kind: 'in'; readonly column: string; readonly values: readonly unknown[] };

/** The values `min + i` for each bit `i` set in `bits` (least significant bit first); never NULL. */
export interface KeySet {
  readonly column: string;
  readonly min: number;
  readonly bits: Uint8Array;
}

/** What a scan skipped, for EXPLAIN ("files kept and skipped") and EXPLAIN ANALYZE. */
export interface ScanPruning {
  readonly totalFiles: number;
  readonly keptFiles: number;
  /** Files skipped by partition values / by statistics. */
  readonly skippedByPartition: number;
  readonly skippedByStats: number;
}

/** A partial-aggregate scan's key and value columns; min and max only of `extremes` (logical/scan.ts). */
export interface PartialAggregateColumns {
  readonly key: string;
  readonly values: readonly string[];
  readonly extremes: readonly string[];
}

export interface ScanRequest {
  /** Logical column names to produce, in this order (may be empty: only row counts are needed). */
  readonly columns: readonly string[];
  /** Conjuncts that hold for every wanted row; files that cannot hold a matching row are skipped. */
  readonly filters?: readonly ScanPredicate[];
  /**
   * More such conjuncts, whose values tighten while the scan runs (a top-N's boundary): asked for
   * as each file starts, so later files and row groups can be skipped.
   */
  readonly dynamicFilters?: () => readonly ScanPredicate[];
  /**
   * Only the set of distinct rows matters (a duplicate-blind aggregate reads the scan): storage
   * may return each distinct row once or more instead of every row, in any order.
   */
  readonly distinctValues?: boolean;
  /**
   * The plan merges partial aggregates by `key` (logical names among `columns`): storage answers
   * instead of rows the key, the rows each state row stands for, and per value column its count,
   * sum (float64), min and max (logical/scan.ts `partialStateSchema`; batches carry those types).
   */
  readonly partialAggregate?: PartialAggregateColumns;
  /**
   * The plan drops every row whose value of a set's `column` (a 32-bit integer or day date) is
   * outside the set — a hash join's build keys — so storage may drop such rows first.
   */
  readonly keySets?: readonly KeySet[];
  /** Rows per batch the scan aims for (64k by default). */
  readonly batchSize?: number;
  /** Aborted when the client goes away or cancels; the scan stops reading. */
  readonly signal?: AbortSignal;
  /** Counters the storage adds to: row groups seen in footers and skipped by their statistics. */
  readonly metrics?: { rowGroups: number; rowGroupsSkipped: number; filesSkippedAtRuntime: number };
}

/** One resolved table at one version. Its batches always carry the Arrow types of `schema`. */
export interface TableSource {
  /** How errors and EXPLAIN name the table. */
  readonly displayName: string;
  /** Logical schema (column-mapped names, partition columns included) in Arrow types. */
  readonly schema: Schema;
  /** The Delta version this source reads. */
  readonly version: number;
  /** Streams the rows; batches have exactly `request.columns`, typed as in `schema`. */
  scan(request: ScanRequest): AsyncIterable<RecordBatch>;
  /**
   * Estimated row count (the sum of the active files' `numRecords` stats), when known: the
   * optimiser builds hash joins on the smaller input.
   */
  readonly estimatedRows?: number;
  /** Which files a scan with these filters reads (for EXPLAIN), without reading any. */
  prune?(filters: readonly ScanPredicate[]): ScanPruning;
}

export interface Catalog {
  /**
   * Resolves a table reference. Throws SqlError `42P01` (no position: the binder adds it) for an
   * unknown table, `0A000` for a table needing an unsupported feature, `22023` for a version
   * that cannot be travelled to.
   */
  resolveTable(ref: TableReference, timeTravel?: TimeTravel): Promise<TableSource>;
}

/**
 * What PostgreSQL's catalog functions and `reg*` casts need to know about the catalog
 * (`'t'::regclass`, `pg_table_is_visible(oid)`, `obj_description(oid, 'pg_class')`…), for
 * catalogs that describe themselves the PostgreSQL way (server/pgcatalog's PgCatalog). OIDs are
 * the ones its pg_class / pg_namespace relations list.
 */
export interface CatalogIntrospection {
  readonly user: string;
  readonly database: string;
  /** The session's settings (as SHOW prints them), by lower-cased name. */
  readonly settings: ReadonlyMap<string, string>;
  readonly namespaces: readonly { readonly oid: number; readonly name: string }[];
  readonly relations: readonly IntrospectedRelation[];
  /** Functions `::regproc` can name, by name → OID. */
  readonly procedures: ReadonlyMap<string, number>;
}

export interface IntrospectedRelation {
  readonly oid: number;
  readonly schema: string;
  readonly name: string;
  /** On the search path and not hidden by an earlier schema's relation of the same name. */
  readonly visible: boolean;
  readonly comment?: string;
  /** Comments by attnum - 1. */
  readonly columnComments: readonly (string | undefined)[];
  /** A view's query text. */
  readonly viewSql?: string;
  /** Bytes of the data files (tables). */
  readonly bytes?: number;
}

/** A catalog that can describe itself to catalog functions (see CatalogIntrospection). */
export interface IntrospectableCatalog extends Catalog {
  introspect(): Promise<CatalogIntrospection>;
}

export function isIntrospectable(catalog: Catalog): catalog is IntrospectableCatalog {
  return typeof (catalog as Partial<IntrospectableCatalog>).introspect === 'function';
}
