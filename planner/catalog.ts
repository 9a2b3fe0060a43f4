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

export interface ScanRequest {
  /** Logical column names to produce, in this order (may be empty: only row counts are needed). */
  readonly columns: readonly string[];
  /** Rows per batch the scan aims for (64k by default). */
  readonly batchSize?: number;
  /** Aborted when the client goes away or cancels; the scan stops reading. */
  readonly signal?: AbortSignal;
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
}

export interface Catalog {
  /**
   * Resolves a table reference. Throws SqlError `42P01` (no position: the binder adds it) for an
   * unknown table, `0A000` for a table needing an unsupported feature, `22023` for a version
   * that cannot be travelled to.
   */
  resolveTable(ref: TableReference, timeTravel?: TimeTravel): Promise<TableSource>;
}
