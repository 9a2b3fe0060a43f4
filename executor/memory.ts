import * as arrow from 'apache-arrow';
import { totalmem } from 'node:os';
import { batchBytes, dataBytes } from '../common/arrow/data-bytes.js';
import { SqlError } from '../common/sql-error.js';

/**
 * How much one buffering operator (a full sort, a window, a join's build side) may hold before
 * it spills to disk (sort, window: executor/spill/) or the query fails with `53200` instead of
 * taking the process — and every other client — down: `DELTASQL_OPERATOR_MEMORY_MB`, else a
 * quarter of the machine's memory. Streaming operators (scan, filter, project, limit, top-N, the
 * probe side of a join) hold a batch or two and need none.
 */
export function operatorMemoryLimit(): number {
  const configured = Number(process.env.DELTASQL_OPERATOR_MEMORY_MB);
  if (process.env.DELTASQL_OPERATOR_MEMORY_MB !== undefined && Number.isFinite(configured) && configured > 0) return configured * 1024 * 1024;
  return totalmem() / 4;
}

/** Bytes one buffered batch (or column) holds. */
export function bufferedBytes(item: arrow.RecordBatch | arrow.Data): number {
  return item instanceof arrow.RecordBatch ? batchBytes(item) : dataBytes(item);
}

/** Counts what an operator buffers and refuses to pass its limit. */
export class BufferBudget {
  private bytes = 0;

  constructor(
    /** How the error names the operator: `sort`, `window`, `hash join build side`… */
    private readonly what: string,
    readonly limit: number = operatorMemoryLimit(),
  ) {}

  /** Bytes accounted for so far. */
  get used(): number {
    return this.bytes;
  }

  /** Accounts for one buffered batch (or column); throws `53200` past the limit. */
  add(item: arrow.RecordBatch | arrow.Data): void {
    this.bytes += bufferedBytes(item);
    if (this.bytes > this.limit) throw this.exceeded();
  }

  /**
   * Accounts for one buffered batch and answers whether the limit is now passed, without
   * throwing: a spilling operator then writes what it holds to disk and calls `reset()`.
   */
  addOrOverflow(item: arrow.RecordBatch | arrow.Data): boolean {
    this.bytes += bufferedBytes(item);
    return this.bytes > this.limit;
  }

  /** Everything accounted for has been released (spilled, or emitted). */
  reset(): void {
    this.bytes = 0;
  }

  /**
   * The `53200` this budget raises; `detail` says why spilling could not help (the default: the
   * operator does not spill).
   */
  exceeded(detail = 'deltasql buffers this operator\'s input in memory and does not spill it to disk.'): SqlError {
    return new SqlError('53200', `out of memory: the ${this.what} needs more than ${Math.round(this.limit / 2 ** 20)} MiB`, {
      detail,
      hint: 'Filter or aggregate the input first, or raise DELTASQL_OPERATOR_MEMORY_MB.',
    });
  }
}
