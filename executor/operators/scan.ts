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
  scan(request: { columns: readonly string[]; batchSize?: number; signal?: AbortSignal; filters?: readonly ScanFilter[]; metrics?: ScanMetrics }): AsyncIterable<arrow.RecordBatch>;
}

/** Counters storage adds to while scanning (storage/scan/scan.ts `ScanMetrics`, restated). */
export interface ScanMetrics {
  rowGroups: number;
  rowGroupsSkipped: number;
}

/**
 * A conjunct every wanted row satisfies, by which storage may skip whole files and row groups
 * (the planner's `ScanPredicate`, restated: values in the column's scalar form). Storage never
 * drops rows of a file it reads, so a filter only saves reading; correctness stays with the plan.
 */
export type ScanFilter =
  | { readonly kind: 'compare'; readonly column: string; readonly op: '=' | '<>' | '<' | '<=' | '>' | '>='; readonly value: unknown }
  | { readonly kind: 'in'; readonly column: string; readonly values: readonly unknown[] };

/**
 * Leaf: streams `columns` of one table version. Only the projected columns are asked for, so
 * storage decodes nothing else. Batches are re-labelled with this node's schema (names as
 * bound), and empty batches are dropped.
 *
 * EXPLAIN: `Scan: public.prices version=3 columns=[ticker, close]`
 */
export class ScanExec implements PhysicalOperator {
  readonly children: readonly PhysicalOperator[] = [];
  /**
   * Row groups seen and skipped by this node's runs so far (footer statistics against the pushed
   * and runtime filters): EXPLAIN ANALYZE prints them after its run.
   */
  readonly metrics: ScanMetrics = { rowGroups: 0, rowGroupsSkipped: 0 };

  constructor(
    readonly source: ScanSource,
    readonly columns: readonly string[],
    readonly schema: arrow.Schema,
    readonly batchSize?: number,
  ) {}

  explain(): string {
    return `${this.scanText()}${this.rowGroupText()}`;
  }

  /** `Scan: table version=N columns=[…]`. */
  protected scanText(): string {
    return `Scan: ${this.source.displayName} version=${this.source.version} columns=[${this.columns.join(', ')}]`;
  }

  /** ` row_groups=kept/total skipped_by_stats=N` once a run consulted footers, else empty. */
  protected rowGroupText(): string {
    const { rowGroups, rowGroupsSkipped } = this.metrics;
    return rowGroups === 0 ? '' : ` row_groups=${rowGroups - rowGroupsSkipped}/${rowGroups} skipped_by_stats=${rowGroupsSkipped}`;
  }

  execute(ctx: ExecContext): AsyncIterable<arrow.RecordBatch> {
    const { source, columns, schema, batchSize } = this;
    const scanNode: ScanExec = this;
    return (async function* scan() {
      throwIfCancelled(ctx.signal);
      // Filters a hash join learnt from its build side for this scan (runtime-filter.ts).
      const filters = ctx.scanFilters?.get(scanNode);
      const request = { columns, signal: ctx.signal, metrics: scanNode.metrics, ...(batchSize === undefined ? {} : { batchSize }), ...(filters === undefined ? {} : { filters }) };
      for await (const batch of source.scan(request)) {
        throwIfCancelled(ctx.signal);
        if (batch.numRows === 0) continue;
        yield makeBatch(schema, batchColumns(batch), batch.numRows);
      }
    })();
  }
}
