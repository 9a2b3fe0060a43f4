import type { RecordBatch, Schema } from 'apache-arrow';

/** What a running plan needs from outside: cancellation, and room for settings later. */
export interface ExecContext {
  readonly signal?: AbortSignal;
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
  /** One EXPLAIN line for this node, e.g. `Filter: price > 10`. */
  explain(): string;
  execute(ctx: ExecContext): AsyncIterable<RecordBatch>;
}
