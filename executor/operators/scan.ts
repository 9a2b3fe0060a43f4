import type * as arrow from 'apache-arrow';
import { makeBatch, batchColumns } from '../arrow/batch.js';
import { throwIfCancelled } from '../cancel.js';
import type { ExecContext, PhysicalOperator } from '../operator.js';

/**
 * What ScanExec reads from. The planner's `TableSource` (planner/catalog.ts) has this shape;
 * it is restated here because the executor never imports the planner (DESIGN.md §1).
 */
export interface ScanSource {
  readonly displayName: string;
  readonly version: number;
  scan(request: {
    columns: readonly string[];
    batchSize?: number;
    signal?: AbortSignal;
    filters?: readonly ScanFilter[];
    dynamicFilters?: () => readonly ScanFilter[];
    distinctValues?: boolean;
    partialAggregate?: PartialAggregateColumns;
    keySets?: readonly ScanKeySet[];
    metrics?: ScanMetrics;
  }): AsyncIterable<arrow.RecordBatch>;
}

/** A partial-aggregate scan's key and value columns, min and max only of `extremes` (the planner's, restated). */
export interface PartialAggregateColumns {
  readonly key: string;
  readonly values: readonly string[];
  readonly extremes: readonly string[];
}

/** Counters storage adds to while scanning (storage/scan/scan.ts `ScanMetrics`, restated). */
export interface ScanMetrics {
  rowGroups: number;
  rowGroupsSkipped: number;
  /** Files the dynamic filters ruled out by their statistics as they were about to start. */
  filesSkippedAtRuntime: number;
}

/**
 * A conjunct every wanted row satisfies, by which storage may skip whole files and row groups
 * (the planner's `ScanPredicate`, restated: values in the column's scalar form). Storage never
 * drops rows of a file it reads, so a filter only saves reading; correctness stays with the plan.
 * `orNull`: a NULL in the column also qualifies (top-N's boundary when NULLs sort first).
 */
export type ScanFilter =
  | { readonly kind: 'compare'; readonly column: string; readonly op: '=' | '<>' | '<' | '<=' | '>' | '>='; readonly value: unknown; readonly orNull?: boolean }
  | { readonly kind: 'in'; readonly column: string; readonly values: readonly unknown[] };

/**
 * What a running operator learns for a scan below it: filters to skip files by, or a `keySet` —
 * the operator drops every row whose `column` is outside the set (a hash join's build keys), so
 * storage may drop such rows too (some reads do, others answer every row).
 */
export type RuntimeScanFilter = ScanFilter | ({ readonly kind: 'keySet' } & ScanKeySet);

/**
 * A set of 32-bit integer (or day-date) values: `min + i` for each bit `i` set in `bits`, least
 * significant bit first. NULL is never in it (the planner's and storage's `KeySet`, restated).
 */
export interface ScanKeySet {
  readonly column: string;
  readonly min: number;
  readonly bits: Uint8Array;
}

/**
 * A filter a running operator keeps tightening — top-N's boundary (operators/sort.ts): undefined
 * until there is one. Storage asks for the current value as it starts each file.
 */
export type DynamicScanFilter = () => ScanFilter | undefined;

/**
 * Leaf: streams `columns` of one table version. Only the projected columns are asked for, so
 * storage decodes nothing else. Batches are re-labelled with this node's schema (names as
 * bound), and empty batches are dropped.
 *
 * `distinctValues`: only the set of distinct rows matters to the operators above, so storage may
 * answer each once (planner/optimizer/distinct-values-scan.ts). `partialAggregate`: the operators
 * above merge partial aggregates by one column, which storage answers instead of rows
 * (planner/optimizer/partial-aggregate-scan.ts); `schema` is then theirs.
 *
 * EXPLAIN: `Scan: public.prices version=3 columns=[ticker, close]`, then ` distinct_values` or
 * ` partial_aggregate=[ticker: close]`
 */
export class ScanExec implements PhysicalOperator {
  readonly children: readonly PhysicalOperator[] = [];
  /**
   * Row groups seen and skipped by this node's runs so far (footer statistics against the pushed
   * and runtime filters): EXPLAIN ANALYZE prints them after its run.
   */
  readonly metrics: ScanMetrics = { rowGroups: 0, rowGroupsSkipped: 0, filesSkippedAtRuntime: 0 };

  constructor(
    readonly source: ScanSource,
    readonly columns: readonly string[],
    readonly schema: arrow.Schema,
    readonly batchSize?: number,
    readonly distinctValues = false,
    readonly partialAggregate?: PartialAggregateColumns,
  ) {}

  explain(): string {
    return `${this.scanText()}${this.rowGroupText()}`;
  }

  /** `Scan: table version=N columns=[…]`. */
  protected scanText(): string {
    const partial = this.partialAggregate === undefined ? '' : ` partial_aggregate=[${this.partialAggregate.key}: ${this.partialAggregate.values.join(', ')}]`;
    return `Scan: ${this.source.displayName} version=${this.source.version} columns=[${this.columns.join(', ')}]${this.distinctValues ? ' distinct_values' : ''}${partial}`;
  }

  /**
   * ` row_groups=kept/total skipped_by_stats=N` once a run consulted footers, and
   * ` files_skipped_at_runtime=N` once dynamic filters (top-N's boundary) ruled files out.
   */
  protected rowGroupText(): string {
    const { rowGroups, rowGroupsSkipped, filesSkippedAtRuntime } = this.metrics;
    const groups = rowGroups === 0 ? '' : ` row_groups=${rowGroups - rowGroupsSkipped}/${rowGroups} skipped_by_stats=${rowGroupsSkipped}`;
    return `${groups}${filesSkippedAtRuntime === 0 ? '' : ` files_skipped_at_runtime=${filesSkippedAtRuntime}`}`;
  }

  execute(ctx: ExecContext): AsyncIterable<arrow.RecordBatch> {
    const { source, columns, schema, batchSize, distinctValues, partialAggregate } = this;
    const scanNode: ScanExec = this;
    return (async function* scan() {
      throwIfCancelled(ctx.signal);
      // Filters a hash join learnt from its build side for this scan (runtime-filter.ts): ranges
      // and lists to skip files by, and its key sets to drop rows by.
      const learnt = ctx.scanFilters?.get(scanNode) ?? [];
      const filters = learnt.flatMap((f) => (f.kind === 'keySet' ? [] : [f]));
      const keySets = learnt.flatMap((f) => (f.kind === 'keySet' ? [{ column: f.column, min: f.min, bits: f.bits }] : []));
      // …and those an operator above tightens while this scan runs (top-N's boundary).
      const dynamic = ctx.dynamicScanFilters?.get(scanNode);
      const request = {
        columns,
        signal: ctx.signal,
        metrics: scanNode.metrics,
        ...(batchSize === undefined ? {} : { batchSize }),
        ...(distinctValues ? { distinctValues } : {}),
        ...(partialAggregate === undefined ? {} : { partialAggregate }),
        ...(filters.length === 0 ? {} : { filters }),
        ...(keySets.length === 0 ? {} : { keySets }),
        ...(dynamic === undefined ? {} : { dynamicFilters: () => dynamic.flatMap((current) => current() ?? []) }),
      };
      for await (const batch of source.scan(request)) {
        throwIfCancelled(ctx.signal);
        if (batch.numRows === 0) continue;
        yield makeBatch(schema, batchColumns(batch), batch.numRows);
      }
    })();
  }
}
