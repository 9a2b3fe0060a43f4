import type { RecordBatch, Schema } from 'apache-arrow';
import type { DynamicScanFilter, RuntimeScanFilter } from './operators/scan.js';

/** What a running plan needs from outside: cancellation, and room for settings later. */
export interface ExecContext {
  readonly signal?: AbortSignal;
  /**
   * Filters learnt while running, for particular scans below: a hash join passes its build
   * side's key range and key sets to the probe side's scan (operators/hash-join/runtime-filter.ts).
   */
  readonly scanFilters?: ReadonlyMap<PhysicalOperator, readonly RuntimeScanFilter[]>;
  /** Filters an operator tightens while running, for particular scans below: top-N's boundary (operators/sort.ts). */
  readonly dynamicScanFilters?: ReadonlyMap<PhysicalOperator, readonly DynamicScanFilter[]>;
}

/**
 * A physical operator (STYLE.md §1): an immutable plan node whose `execute` returns a fresh
 * async generator holding all state for that run. `open` is the code before the first `yield`,
 * `next` the iterator's `next()`, `close` its `finally` (which runs when a consumer stops early).
 */
export interface PhysicalOperator {
  /** The Arrow schema of every batch this operator yields; field names are output names. */
  readonly schema: Schema;
  readonly children: readonly PhysicalOperator[];
  /**
   * A decorator's operator underneath (EXPLAIN ANALYZE's counting wrapper): plan inspections such
   * as a hash join looking for the scan of its probe keys see through it.
   */
  readonly wrapped?: PhysicalOperator;
  /** One EXPLAIN line for this node, e.g. `Filter: price > 10`. */
  explain(): string;
  execute(ctx: ExecContext): AsyncIterable<RecordBatch>;
}
